"""`xlsync serve` as Excel (Office.js) uses it: the real xlwings Server app (FastAPI's test
client) with requests built from real workbooks, users from `xlsync user`, and a store."""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from payload import payload_from_xlsx
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.exchange import export
from xlsync.store import Store
from xlsync.users import UsersFile

PROFILE = load_profile("seed")
PUSH = "/xlwings/custom-scripts-call/xlsync_push"
PULL = "/xlwings/custom-scripts-call/xlsync_pull"


def _token(args, users):
    result = CliRunner().invoke(cli, ["user", *args, "--users", str(users)])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]  # the token: printed once, on the last line


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from xlsync.server import app

    first = tmp_path_factory.mktemp("office")
    _token(["add", "admin", "--unit", "000000"], first / "users.json")
    asgi = app(first / "store", first / "users.json", "noncommercial",
               manifest_id=UsersFile(first / "users.json").manifest_id())
    with TestClient(asgi, base_url="https://xlsync.test") as c:
        c.manifest_id = UsersFile(first / "users.json").manifest_id()
        yield c


@pytest.fixture
def office(tmp_path, seed_docs, monkeypatch):
    """A store with the seed tables, users alice (095002) and bob (095001), the served settings
    pointed at them, and 095002's workbook with its 存储位置 pointing elsewhere."""
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    users = tmp_path / "users.json"
    tokens = {"alice": _token(["add", "alice", "--unit", "095002"], users),
              "bob": _token(["add", "bob", "--unit", "095001", "--unit", "095004"], users)}
    monkeypatch.setenv("XLSYNC_SERVER_STORE", str(store.root))
    monkeypatch.setenv("XLSYNC_USERS", str(users))
    book = export(store, tmp_path / "095002-2020.xlsx", PROFILE, unit="095002")[0]
    return store, users, tokens, book


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _edit(book, sheet, name, value, store_setting=None):
    wb = load_workbook(book)
    ws = wb[sheet]
    ws[ws.defined_names[name].attr_text.split("!")[1].replace("$", "")] = value
    if store_setting is not None:
        wb["目录"]["C5"] = store_setting
    wb.save(book)


def _snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and p.name != "lock"}


def _alerts(response):
    return [a["args"][0] for a in response.json()["actions"] if a["func"] == "alert"]


def test_no_token_or_a_wrong_one_is_401(client, office):
    _store, _users, tokens, book = office
    payload = payload_from_xlsx(book)
    assert client.post(PUSH, json=payload).status_code == 401
    assert client.post(PUSH, json=payload, headers=_auth(tokens["alice"][:-2] + "xx")).status_code == 401
    assert client.post(PUSH, json=payload, headers={"Authorization": tokens["alice"]}).status_code == 401
    call = {"func_name": "share", "args": [[[1]], [[2]]], "client": "Office.js", "version": "x", "runtime": "1.4"}
    assert client.post("/xlwings/custom-functions-call", json=call).status_code == 401
    ok = client.post("/xlwings/custom-functions-call", json=call, headers=_auth(tokens["bob"]))
    assert ok.status_code == 200 and ok.json()["result"] == [[50.0]]


def test_another_units_workbook_is_403_and_nothing_is_written(client, office):
    store, _users, tokens, book = office
    _edit(book, "服务大厅建设费", "xs_owner", "新负责人")
    before = _snapshot(store.root)
    for path in (PUSH, PULL):
        r = client.post(path, json=payload_from_xlsx(book), headers=_auth(tokens["bob"]))
        assert r.status_code == 403 and "095002" in r.json()["detail"]
    assert _snapshot(store.root) == before


def test_a_workbook_naming_another_units_ids_is_403(client, office):
    store, _users, tokens, book = office
    payload = json.dumps(payload_from_xlsx(book), ensure_ascii=False)
    forged = payload.replace("2020-095002-", "2020-095001-")  # ids in the hidden sheet, unit code kept
    before = _snapshot(store.root)
    r = client.post(PUSH, content=forged.encode(), headers={**_auth(tokens["bob"]), "Content-Type": "application/json"})
    assert r.status_code == 403
    assert _snapshot(store.root) == before


@pytest.mark.parametrize("setting", ["/etc/x", "../../x", "ABSOLUTE"])
def test_own_unit_pushes_into_the_served_store_never_the_workbooks(client, office, tmp_path, monkeypatch, setting):
    store, _users, tokens, book = office
    elsewhere = tmp_path / "elsewhere"
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    setting = str(elsewhere) if setting == "ABSOLUTE" else setting
    _edit(book, "服务大厅建设费", "xs_owner", "新负责人", store_setting=setting)
    r = client.post(PUSH, json=payload_from_xlsx(book), headers=_auth(tokens["alice"]))
    assert r.status_code == 200, r.text
    assert "[更新]" in _alerts(r)[0] or "更新" in _alerts(r)[0]
    doc = [d for d in store.documents(unit="095002")[0] if d.name == "服务大厅建设费"][0]
    assert doc.owner == "新负责人"
    assert store.log(doc.id)[-1].author == "alice"
    assert not Path("/etc/x").exists() and not (tmp_path / "x").exists() and not elsewhere.exists()
    assert sorted(p.name for p in cwd.iterdir()) == []


def test_request_limits_and_content_type(client, office):
    _store, _users, tokens, book = office
    big = b"[" + b"0," * (32 * 1024 * 1024) + b"0]"  # 64 MB of JSON
    r = client.post(PUSH, content=big, headers={**_auth(tokens["alice"]), "Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post(PUSH, content=json.dumps(payload_from_xlsx(book)).encode(),
                    headers={**_auth(tokens["alice"]), "Content-Type": "text/plain"})
    assert r.status_code == 415
    for body in (b"{not json", b'{"book": 1}', b"[]"):
        r = client.post(PUSH, content=body, headers={**_auth(tokens["alice"]), "Content-Type": "application/json"})
        assert r.status_code == 400, (body, r.text)
    assert client.post("/xlwings/custom-scripts-call/hello_world", json=payload_from_xlsx(book),
                       headers=_auth(tokens["alice"])).status_code == 404


def test_cross_origin_is_refused(client):
    r = client.options(PUSH, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "authorization,content-type"})
    assert "access-control-allow-origin" not in r.headers


def test_an_unreadable_amount_is_an_alert_naming_the_cell(client, office):
    store, _users, tokens, book = office
    wb = load_workbook(book)
    ws = wb["服务大厅建设费"]
    cell = ws.defined_names["xs_total_amount"].attr_text.split("!")[1].replace("$", "")
    ws[cell] = 123456789.125  # a marker replaced by the value below in the request text
    wb.save(book)
    text = json.dumps(payload_from_xlsx(book), ensure_ascii=False).replace("123456789.125", "1e999999999")
    before = _snapshot(store.root)
    for path in (PUSH, PULL, "/xlwings/custom-scripts-call/xlsync_plan"):
        r = client.post(path, content=text.encode(), headers={**_auth(tokens["alice"]), "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        actions = r.json()["actions"]
        assert [a["func"] for a in actions] == ["alert"], actions  # nothing else is written
        assert "服务大厅建设费" in actions[0]["args"][0] and cell in actions[0]["args"][0]
    r = client.post("/xlwings/custom-scripts-call/xlsync_validate", content=text.encode(),
                    headers={**_auth(tokens["alice"]), "Content-Type": "application/json"})
    said = _alerts(r)[0]
    assert r.status_code == 200 and said.startswith("校验完成") and f"服务大厅建设费!{cell}" in said
    assert _snapshot(store.root) == before


def test_pulled_text_that_excel_would_evaluate_goes_in_as_text(client, office):
    store, _users, tokens, book = office
    doc = [d for d in store.documents(unit="095002")[0] if d.name == "服务大厅建设费"][0]
    indicators = [doc.indicators[0].model_copy(update={"target": "=100%"}), *doc.indicators[1:]]
    store.put(doc.model_copy(update={"contact": "+1+1", "owner": "-2+3", "fund_use": "@SUM(A1)",
                                     "indicators": indicators}))
    r = client.post(PULL, json=payload_from_xlsx(book), headers=_auth(tokens["alice"]))
    assert r.status_code == 200, r.text
    written = [v for a in r.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row]
    for text in ("+1+1", "-2+3", "@SUM(A1)", "=100%"):
        assert "'" + text in written and text not in written
    assert not [v for v in written if isinstance(v, str) and v[:1] in ("=", "+", "-", "@")]


def test_validate_in_the_pane_and_errors_of_the_workbook(client, office, tmp_path):
    _store, _users, tokens, book = office
    r = client.post("/xlwings/custom-scripts-call/xlsync_validate", json={**payload_from_xlsx(book), "args": ["pane"]},
                    headers=_auth(tokens["bob"]))  # validating needs no store: any user may
    shown = [a["args"] for a in r.json()["actions"] if a["func"] == "runMacro"]
    assert r.status_code == 200 and shown[0][0] == "xlsyncShowResult" and shown[0][1].startswith("校验完成")
    blank = tmp_path / "blank.xlsx"
    from openpyxl import Workbook

    Workbook().save(blank)
    r = client.post(PUSH, json={**payload_from_xlsx(blank), "args": ["pane"]}, headers=_auth(tokens["alice"]))
    shown = [a["args"] for a in r.json()["actions"]]
    assert r.status_code == 200 and shown == [["xlsyncShowResult", shown[0][1], "error"]]
    assert "没有项目工作表" in shown[0][1]


def test_tokens_are_stored_hashed_and_can_be_replaced_or_revoked(client, office):
    _store, users, tokens, book = office
    text = users.read_text(encoding="utf-8")
    assert tokens["alice"] not in text and tokens["alice"].split("_")[-1] not in text
    payload = payload_from_xlsx(book)
    assert client.post(PULL, json=payload, headers=_auth(tokens["alice"])).status_code == 200
    new = _token(["token", "alice"], users)
    assert client.post(PULL, json=payload, headers=_auth(tokens["alice"])).status_code == 401
    assert client.post(PULL, json=payload, headers=_auth(new)).status_code == 200
    result = CliRunner().invoke(cli, ["user", "list", "--users", str(users), "--format", "json"])
    assert [(u["name"], u["units"]) for u in json.loads(result.output)] == [("alice", ["095002"]),
                                                                          ("bob", ["095001", "095004"])]
    assert new not in result.output
    _token(["remove", "alice"], users)
    assert client.post(PULL, json=payload, headers=_auth(new)).status_code == 401


def test_manifest_task_pane_ribbon_and_functions(client):
    manifest = client.get("/manifest").text
    assert f"<Id>{client.manifest_id}</Id>" in manifest and "4f342d85" not in manifest  # not xlwings' id
    assert '<DisplayName DefaultValue="xlsync" />' in manifest
    assert '<bt:String id="Functions.Namespace" DefaultValue="XLSYNC" />' in manifest
    functions = re.findall(r"<FunctionName>([^<]+)</FunctionName>", manifest)
    assert functions == ["xlsync-validate", "xlsync-plan", "xlsync-push", "xlsync-pull"]
    assert "https://xlsync.test/taskpane.html" in manifest
    ribbon = client.get("/static/js/ribbon.js").text
    mapping = dict(re.findall(r'"(xlsync-\w+)": "(xlsync_\w+)"', ribbon))
    assert list(mapping) == functions
    scripts = {m["function_name"] for m in client.get("/xlwings/custom-scripts-meta").json()}
    assert set(mapping.values()) | {"xlsync_new_project"} == scripts  # 新增项目: in the pane (it asks a name)
    pane = client.get("/taskpane.html").text
    assert [b for b in re.findall(r'xw-click="(\w+)"', pane)] == [*mapping.values(), "xlsync_new_project"]
    assert all(label in pane for label in ("校验", "计算计划", "推送", "拉取", "令牌"))
    assert 'localStorage.getItem' in client.get("/static/js/auth.js").text
    names = [f["name"] for f in client.get("/xlwings/custom-functions-meta").json()["functions"]]
    assert names == ["SHARE", "TARGET"]  # with the namespace: =XLSYNC.SHARE(…), =XLSYNC.TARGET(…)


def test_serve_refuses_a_public_address_without_users(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path), "--host", "0.0.0.0",
                                      "--license-key", "noncommercial"])
    assert result.exit_code == 2 and "--users" in result.output
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path), "--host", "::",
                                      "--license-key", "noncommercial"])
    assert result.exit_code == 2


def test_user_commands_refuse_bad_input(tmp_path):
    users = tmp_path / "u.json"
    for args in (["add", "x"], ["add", "a b", "--unit", "1"], ["add", "x", "--unit", "../1"], ["remove", "nobody"],
                 ["token", "nobody"]):
        result = CliRunner().invoke(cli, ["user", *args, "--users", str(users)])
        assert result.exit_code == 2, (args, result.output)
    _token(["add", "x", "--unit", "1"], users)
    assert CliRunner().invoke(cli, ["user", "add", "x", "--unit", "1", "--users", str(users)]).exit_code == 2
    shutil.copy(users, tmp_path / "copy.json")
    assert (users.stat().st_mode & 0o777) == 0o600


def test_a_ticked_review_item_is_cleared_by_the_served_push_and_the_history_names_the_user(client, office, tmp_path):
    from xlsync.document import ReviewItem

    store, _users, tokens, _book = office
    doc = [d for d in store.documents(unit="095002")[0] if d.name == "服务大厅建设费"][0]
    item = ReviewItem(code="LABEL_LOOSE", field="owner", source="负责人", line=7, message="标签近似匹配")
    store.put(doc.model_copy(update={"review": [item]}), "import-text")
    book = export(store, tmp_path / "r.xlsx", PROFILE, unit="095002")[0]
    wb = load_workbook(book)
    ws = wb["核对"]
    ws.cell(5, 9).value = "✓"  # 已核对 on the one item
    wb.save(book)
    r = client.post(PUSH, json=payload_from_xlsx(book), headers=_auth(tokens["alice"]))
    assert r.status_code == 200, r.text
    assert store.get(doc.id).review == []
    last = store.log(doc.id)[-1]
    assert last.author == "alice" and [(c["field"], c["how"]) for c in last.cleared] == [("owner", "ticked")]


def test_new_project_in_the_pane_lands_in_the_store_under_the_users_unit(client, office, tmp_path):
    store, _users, tokens, book = office
    call = "/xlwings/custom-scripts-call/xlsync_new_project"
    r = client.post(call, json={**payload_from_xlsx(book), "args": ["pane", "档案数字化项目", ""]},
                    headers=_auth(tokens["alice"]))
    assert r.status_code == 200
    actions = r.json()["actions"]
    shown = [a["args"] for a in actions if a["func"] == "runMacro"]
    assert "[PROJECT_NEW]" in shown[-1][1] and shown[-1][2] == "ok", shown
    new = [d for d in store.documents(unit="095002", year=2020)[0] if d.name == "档案数字化项目"]
    assert len(new) == 1 and new[0].layout is None and new[0].id in shown[-1][1]
    assert any(a["func"] == "addSheet" for a in actions)
    names = {a["args"][0] for a in actions if a["func"] == "namesAdd"}
    assert {"xs_name", "xs_year_amount", "xs_indicators"} <= names
    meta = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert "'" + new[0].id in meta  # the sheet's id, in the hidden metadata (as text)
    # the same name again, or a unit the user may not write: refused, nothing stored
    r = client.post(call, json={**payload_from_xlsx(book), "args": ["pane", "档案数字化项目", ""]},
                    headers=_auth(tokens["alice"]))
    assert "存储中已是项目" in [a["args"] for a in r.json()["actions"]][-1][1]
    r = client.post(call, json={**payload_from_xlsx(book), "args": ["pane", "另一个项目", ""]},
                    headers=_auth(tokens["bob"]))
    assert r.status_code == 403
    assert len(store.documents(unit="095002", year=2020)[0]) == 3


def test_push_from_the_pane_gives_new_sheets_their_ids(client, office, tmp_path):
    """A workbook of alice's unit with a 新增项目 sheet (no id yet): the push answers with the id
    and writes it into the open workbook's metadata and 目录."""
    from xlsync.newproject import add_project
    from xlsync.templates import build_template

    store, _users, tokens, _book = office
    book = tmp_path / "095002-2027.xlsx"
    build_template(book, layout="national", year=2027, unit_code="095002", unit_name="某分中心")
    new = add_project(book, "档案数字化项目")
    r = client.post(PUSH, json={**payload_from_xlsx(book), "args": ["pane"]}, headers=_auth(tokens["alice"]))
    assert r.status_code == 200
    actions = r.json()["actions"]
    shown = [a["args"] for a in actions if a["func"] == "runMacro"][-1][1]
    made = [d for d in store.documents(unit="095002", year=2027)[0]]
    assert [d.name for d in made] == ["档案数字化项目"] and f"项目编号 {made[0].id}" in shown
    written = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert written.count("'" + made[0].id) == 2  # in the hidden metadata and in 目录
    assert new.title in shown
