"""What a form file says about reading text, compiled for the reader: labels → keys, section
and money-group labels, funding sources, indicator column headers → roles, categories,
footer markers. Labels are compared normalised: full-width punctuation as ASCII, no spaces,
no trailing colon."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, wraps

from ..bykey import per_object
from ..document import KEY_ZH
from ..forms import Form, load_form, reading

_UNIT_SUFFIX_RE = re.compile(r"\((万元|亿元|元)\)$")
_CHECK = "□■☑☐✓√✔☒"


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Label form of a cell: NFKC (full-width → ASCII), no spaces, no trailing colon."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    return t.rstrip(":").strip()


def split_unit(label: str) -> tuple[str, str | None]:
    """'项目总金额(万元)' → ('项目总金额', '万元')."""
    m = _UNIT_SUFFIX_RE.search(label)
    if m:
        return label[: m.start()], m.group(1)
    return label, None


# a level of government in front of a label ('市级主管部门', '区县财政部门', '中央主管部门'): the
# label is the form's own, named for one level (a table may list several levels' authorities)
GOV_LEVEL = reading.regex("header_notes.gov_level")
GOV_RANK = {k: int(x) for k, x in reading.mapping("gov_rank").items()}


def gov_level(label: str) -> int | None:
    """How low the level of government a label names is (中央 0 … 村 5); None when it names none."""
    m = GOV_LEVEL.match(norm(label))
    return (GOV_RANK.get(m.group(0)) if m.group(0) in GOV_RANK else GOV_RANK[m.group(0)[0]]) if m else None


@dataclass(frozen=True)
class Label:
    key: str  # a document key, or: owner_phone, period, either_amount, extra, section, money,
    #           composition, heads, long_term, annual
    text: str  # the label as the form spells it
    source: str | None = None  # the funding source an amount label also names
    loose: str | None = None  # matched by principle, not by the form's list: the label it was read as


def _memo(fn):
    """Remember a Vocab question's answer per text (tables repeat their labels)."""

    @wraps(fn)
    def wrapper(self, text):
        key = (fn.__name__, text)
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = fn(self, text)
            return value

    return wrapper


@dataclass(eq=False)
class Vocab:
    form: Form
    labels: dict[str, Label] = field(default_factory=dict)  # normalised label → Label
    longest: list[str] = field(default_factory=list)  # labels, longest first (prefix matching)
    funding_sources: frozenset[str] = frozenset()
    funding_suffixes: tuple[str, ...] = ()
    annual_words: tuple[str, ...] = ()
    comp_item: frozenset[str] = frozenset()
    comp_amount: frozenset[str] = frozenset()
    headers: dict[str, str] = field(default_factory=dict)  # normalised header → role
    qualitative: tuple[str, ...] = ()
    ocr_ops: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    level1: frozenset[str] = frozenset()
    level2: dict[str, str] = field(default_factory=dict)  # 二级 → its usual 一级
    children: dict[str, frozenset[str]] = field(default_factory=dict)
    own_categories: frozenset[str] = frozenset()  # the categories of the form's own profile
    titles: list[re.Pattern] = field(default_factory=list)
    detect_labels: frozenset[str] = frozenset()
    min_labels: int = 0
    unit_from_title: bool = False
    required: tuple[str, ...] = ()
    money_unit: str | None = None  # the unit the form file states for amounts without one
    memo: dict = field(default_factory=dict, repr=False)

    # -- labels -------------------------------------------------------------------------
    @_memo
    def label(self, text: str) -> tuple[Label | None, str | None]:
        """The label a whole cell is, with the unit its label names ('(万元)')."""
        t = norm(text)
        t = reading.regex("of_which_norm").sub("", t) if t.startswith(reading.words("of_which")) and len(t) > 2 else t
        base, unit = split_unit(t)
        found = self.labels.get(base) or self.labels.get(t)
        if found is None and base.endswith(")") and "(" in base:  # '年度绩效目标(文字)'
            found = self.labels.get(base[: base.rindex("(")])
        if found is None:
            found = self._amount_label(base)
        if found is None:
            found = self._loose_label(base)
        return found, unit

    # modifiers a label takes in front of the words the form lists (项目支出实施期, 本级预算部门)
    _LEAD = reading.words("label_leads")

    def _loose_label(self, base: str) -> Label | None:
        """A label the form does not spell, matched by principle (each such match is a review
        item): noise inside it removed ('绩??效目标'), a known label behind a modifier
        ('项目支出实施期'), or a known label with a word put in before its head word
        ('主管预算部门' → 主管部门, '主管部门及其编码' → 主管部门及编码)."""
        clean = re.sub(r"[?？*★☆·•_\ufffd]+", "", base)  # noise a copy left inside a label ('绩??效目标')
        if not 3 <= len(clean) <= 18 or re.search(r"\d|[,;。，；、%]", clean):
            return None
        if clean != base and clean in self.labels:
            return self._as_loose(self.labels[clean], base)
        for lead in self._LEAD:
            rest = clean[len(lead):]
            if clean.startswith(lead) and len(rest) >= 3 and rest in self.labels:
                return self._as_loose(self.labels[rest], base)
        level = GOV_LEVEL.match(clean)  # 市级主管部门, 区县财政部门: a level of government in front
        if level and len(clean) - level.end() >= 4 and clean[level.end():] in self.labels:
            return self._as_loose(self.labels[clean[level.end():]], base)
        if len(clean) >= 4:  # 资金名称 for 专项资金名称: a known label without its leading modifier
            whole = {self.labels[k].key: self.labels[k] for k in self.longest
                     if k.endswith(clean) and len(k) - len(clean) in (1, 2)}
            if len(whole) == 1:
                return self._as_loose(next(iter(whole.values())), base)
        inner = self._bracketed(clean)  # 专项(项目)名称: a word in brackets, an alternative to the one before
        if inner is not None:
            return self._as_loose(inner, base)
        best = None
        for known in self.longest:
            if len(known) < 4 or len(clean) - len(known) not in (1, 2) or known[-2:] != clean[-2:] \
                    or known[:2] != clean[:2]:
                continue
            it = iter(clean)
            if all(ch in it for ch in known):  # its characters in order, with a word put in
                lab = self.labels[known]
                if best is not None and best.key != lab.key:
                    return None  # two readings: not a label by principle
                best = best or lab
        return self._as_loose(best, base) if best is not None else None

    def _bracketed(self, clean: str) -> Label | None:
        """'专项(项目)名称': a label with a word in brackets inside it, read both ways — without the
        bracket (专项名称) and with the bracketed word in place of the one before it (项目名称). One
        key for every reading that is known: that key; two keys: not a label by principle."""
        m = re.fullmatch(r"(.*?)([\u4e00-\u9fff]{0,4})\(([\u4e00-\u9fff]{1,6})\)(.+)", clean)
        if m is None:
            return None
        head, word, alt, tail = m.groups()
        readings = (head + alt + tail, head + word + tail)
        found = [self.labels[r] for r in readings if r in self.labels]
        if not found or len({lab.key for lab in found}) > 1:
            return None
        return found[0]

    @staticmethod
    def _as_loose(lab: Label, text: str) -> Label | None:
        if lab.key in ("section", "money", "composition", "heads", "long_term", "annual", "extra"):
            return None
        return Label(lab.key, text, lab.source, loose=lab.text)

    def _amount_label(self, base: str) -> Label | None:
        """An amount label the form does not spell, by its make: 本年度申请市财政预算资金,
        年度资金申请总额, 当年年度预算 (the year's); 项目总投资额 (the total). A loose match, so
        a review item (LABEL_LOOSE): '项目总目标' and a goal '总额' read as one label make one."""
        if not 3 <= len(base) <= 20 or re.search(r"[\d:;,。、]", base) or "(" in base:
            return None
        if not reading.regex("amount_label").search(base):
            return None
        annual = next((w for w in self.annual_words if w in base), None)
        if annual:
            rest = base.replace(annual, "", 1).lstrip("度")
            if rest in self.funding_sources:
                return None  # 当年其他资金: a source, not the year's amount
            return self._made_amount("year_amount", base, rest if base.startswith(annual) else None)
        if reading.regex("total_amount_label").search(base):
            return self._made_amount("total_amount", base)
        return None

    def _made_amount(self, key: str, base: str, after_year: str | None = None) -> Label:
        """An amount label by its make is loose, unless it is the form's own label for the same
        amount with a word of its column after it ('年度资金总额' | '金额(万元)'), and nothing
        else ('年度预算追加金额' is loose), or the form's year word before the form's own amount
        label (`after_year`: '当年' + '资金总额')."""
        column = reading.regex("amount_label")
        own = any(base.startswith(lb) and lab.key == key and column.fullmatch(base[len(lb):])
                  for lb, lab in self.labels.items() if len(lb) >= 4)
        lab = self.labels.get(after_year) if after_year else None
        own = own or (lab is not None and lab.key in (key, "either_amount"))
        return Label(key, base, loose=None if own else KEY_ZH[key])

    @_memo
    def prefix_label(self, text: str) -> tuple[Label, str, str | None] | None:
        """A cell holding a label and its value run together: ('项目名称雾炮车…' or '资金总额:704')."""
        raw = unicodedata.normalize("NFKC", text).strip()
        m = re.match(r"^([^:]{2,24}?)\s*:\s*(.+)$", raw, re.S)
        if m:
            lab, unit = self.label(m.group(1))
            if lab is not None:
                return lab, m.group(2).strip(), unit
        compact = re.sub(r"\s+", "", raw)
        for cand in self.longest:
            if len(cand) >= 4 and compact.startswith(cand) and len(compact) > len(cand):
                rest = raw
                for ch in cand:  # cut the label off the raw text (it may hold spaces)
                    rest = rest[rest.index(ch) + 1:] if ch in rest else rest
                rest = rest.strip()
                unit = None
                um = re.match(r"^\((万元|亿元|元)\)\s*", rest)
                if um:
                    unit, rest = um.group(1), rest[um.end():]
                if rest and not rest.startswith((")", "(", "及", "和", "与", "、")):
                    return self.labels[cand], rest.lstrip(":").strip(), unit
        return None

    @_memo
    def is_funding(self, text: str) -> bool:
        t, _unit = split_unit(norm(reading.regex("of_which_lead").sub("", text)))
        if t in self.funding_sources:
            return True
        return 3 <= len(t) <= 16 and t.endswith(self.funding_suffixes) and not re.search(r"\d", t)

    @_memo
    def header_role(self, text: str) -> str | None:
        t = norm(text)
        if t in self.headers:
            return self.headers[t]
        base, _ = split_unit(t)
        if base in self.headers:
            return self.headers[base]
        m = re.match(r"^(.*?)\((.*)\)$", t)  # 权重(%)
        if m and m.group(1) in self.headers:
            return self.headers[m.group(1)]
        if reading.regex("actual_header").search(t):
            return "actual"
        if reading.regex("target_header").search(t):
            return "target"
        # a header a form does not list, named by a known one and a modifier ('指标值及单位',
        # '指标值(包含数字及文字描述)'): the known one's role
        if ("_headers_longest", None) not in self.memo:  # sorted once (the headers never change)
            self.memo[("_headers_longest", None)] = sorted(self.headers, key=len, reverse=True)
        for h in self.memo[("_headers_longest", None)]:
            if len(h) >= 3 and t.startswith(h) and re.match(r"^(?:及|和|与|或|\(|（|[\u4e00-\u9fff]{1,2}$)", t[len(h):]):
                return self.headers[h]
        # a header cut at its first character by PDF extraction ('级指标' for '一级指标')
        if len(t) >= 3:
            for h, role in self.headers.items():
                if len(h) == len(t) + 1 and h.endswith(t) and role in ("level1", "level2", "name"):
                    return role
        return None

    # -- categories ---------------------------------------------------------------------
    def is_category(self, text: str) -> bool:
        return text in self.level1 or text in self.level2

    @_memo
    def looks_like_category(self, text: str) -> bool:
        """A name like a 一级/二级 category that no framework lists (实施效果指标)."""
        t = norm(text)
        return (self.is_category(t) or (
            2 < len(t) <= 14 and t.endswith(reading.words("category_endings")) and not re.search(r"[\d%,;。，；=≥≤≧≦<>]", t)))

    @_memo
    def is_footer(self, text: str) -> bool:
        t = norm(text)
        return any(t.startswith(norm(m)) or (len(norm(m)) >= 3 and norm(m) in t) for m in self.footer)


def _add(v: Vocab, label: str, lab: Label) -> None:
    key = norm(label)
    v.labels.setdefault(key, lab)


def vocab(form_name: str | None = None) -> Vocab:
    """The compiled vocabulary of a form (by name or path), once per form file as loaded: an
    office's form of the same name in another store's folder is another form, another
    vocabulary (a server serves many stores)."""
    return _compile(load_form(form_name))


@per_object
def _compile(form: Form) -> Vocab:
    from xlsync.validators.profiles import BUILTIN, load_profile

    d = form.data
    v = Vocab(form)
    for key, labels in d.get("labels", {}).items():
        if key == "extra":
            for lb in labels.get("labels", []):
                _add(v, lb, Label("extra", lb))
        elif key == "funding_amount":
            for lb, (target, source) in labels.items():
                _add(v, lb, Label(target, lb, source))
        else:
            for lb in labels:
                _add(v, lb, Label(key, lb))
    sections = d.get("sections", {})
    for kind in ("plain", "composition", "money"):
        for lb in sections.get(kind, []):
            _add(v, lb, Label({"plain": "section"}.get(kind, kind), lb))
    ind = d.get("indicators", {})
    for kind in ("heads", "long_term", "annual"):
        for lb in ind.get(kind, []):
            _add(v, lb, Label(kind, lb))
    v.annual_words = tuple(sections.get("annual_words", ()))
    fund = d.get("funding", {})
    v.funding_sources = frozenset(norm(s) for s in fund.get("sources", ()))
    v.funding_suffixes = tuple(fund.get("suffixes", ()))
    comp = d.get("composition", {})
    v.comp_item = frozenset(norm(s) for s in comp.get("item", ()))
    v.comp_amount = frozenset(norm(s) for s in comp.get("amount", ()))
    for role in ("level1", "level2", "name", "target", "target_long", "actual", "unit", "op", "nature",
                 "weight", "note"):
        for h in ind.get(role, ()):
            v.headers.setdefault(norm(h), role)
    v.qualitative = tuple(sorted(ind.get("qualitative", ()), key=len, reverse=True))
    v.ocr_ops = tuple(ind.get("ocr_operators", ()))
    v.footer = tuple(d.get("footer", {}).get("markers", ()))
    detect = d.get("detect", {})
    v.titles = [re.compile(p) for p in detect.get("titles", ())]
    v.detect_labels = frozenset(norm(s) for s in detect.get("labels", ()))
    v.min_labels = int(detect.get("min_labels", 0))
    v.unit_from_title = bool(detect.get("unit_from_title", False))
    v.required = tuple(detect.get("required", ()))
    v.money_unit = d.get("money_unit") or None
    level1: set[str] = set()
    level2: dict[str, str] = {}
    children: dict[str, set[str]] = {}
    profiles = [load_profile(n) for n in BUILTIN]
    if form.profile not in BUILTIN:
        profiles.insert(0, load_profile(form.profile))
    for p in profiles:
        level1.update(p.level1)
        for l1, l2s in p.level1.items():
            children.setdefault(l1, set()).update(l2s)
            for l2 in l2s:
                level2.setdefault(l2, l1)
    v.level1, v.level2 = frozenset(level1), level2
    v.children = {k: frozenset(s) for k, s in children.items()}
    own = load_profile(form.profile)
    v.own_categories = frozenset(own.level1) | frozenset(x for xs in own.level1.values() for x in xs)
    v.longest = sorted(v.labels, key=len, reverse=True)
    return v


def checked_options(value: str) -> tuple[str | None, bool]:
    """'持续性项目■ 新增性项目口' → ('持续性项目', True); all boxes empty → (None, True);
    no boxes at all → (value, False)."""
    boxes = _CHECK + ("口" if any(c in value for c in _CHECK) or re.search(r"口\s|口$", value) else "")
    if not any(c in value for c in boxes):
        return value, False
    ticked = set("■☑✓√✔☒")
    text = value.strip()
    before = text[0] in boxes  # '☑新增 □延续' (box before its option) or '新增■ 延续□'
    parts = re.split(f"([{re.escape(boxes)}])", text)
    chosen = []
    for i, part in enumerate(parts):
        if part in ticked:
            opt = parts[i + 1] if before and i + 1 < len(parts) else parts[i - 1] if i > 0 else ""
            opt = re.sub(r"^[\s:：]+|[\s:：]+$", "", opt)
            opt = re.sub(r"^.*[:：]", "", opt).strip()  # '其他运转类: 专项运转类'
            if opt:
                chosen.append(opt)
    return ("、".join(chosen) if chosen else None), True
