"""撤回 (withdraw) a project, and bring one back: an explicit status, never inferred.

A withdrawn document stays in the store with its history (`status: "withdrawn"`); `list`,
`export` and consolidation leave it out unless asked (`--include-withdrawn`). A unit says it
by `xlsync withdraw ID`, or by typing 撤回 in the project's 状态 cell on 目录 and pushing. A
sheet deleted from a workbook withdraws nothing (the push reports it).
"""

from __future__ import annotations

from .document import ProjectDocument
from .errors import StoreError
from .store import PutResult, Store

WITHDRAWN = "withdrawn"
WITHDRAWN_ZH = "撤回"


def set_withdrawn(store: Store, doc_id: str, withdrawn: bool = True) -> tuple[ProjectDocument, PutResult]:
    """Withdraw (or, withdrawn=False, bring back) one project; its history keeps the change."""
    with store.writing():
        if not store.exists(doc_id):
            raise StoreError(f"存储 {store.root} 中没有项目 {doc_id}（用 xlsync list 查看项目编号）")
        doc = store.get(doc_id)
        new = doc.model_copy(update={"status": WITHDRAWN if withdrawn else None})
        result = store.put(new, "withdraw" if withdrawn else "reinstate")
    return new, result


def is_withdrawn(doc: ProjectDocument) -> bool:
    return doc.status == WITHDRAWN


def visible(docs, include_withdrawn: bool = False) -> list[ProjectDocument]:
    """The documents a list, an export or a summary shows."""
    return list(docs) if include_withdrawn else [d for d in docs if not is_withdrawn(d)]


def apply_index_status(content) -> list[str]:
    """What 目录's 状态 cells say, into the read documents: 撤回 withdraws. (Bringing a project
    back is `xlsync withdraw --undo`: the 状态 cell is also where 校验 writes its result.)
    Returns notes for the report."""
    notes = []
    for sp in content.projects:
        doc = sp.document
        if doc is None:
            continue
        said = content.index_status.get(doc.id)
        if said == WITHDRAWN_ZH and not is_withdrawn(doc):
            sp.document = doc.model_copy(update={"status": WITHDRAWN})
            notes.append(f"[PROJECT_WITHDRAWN] 项目“{doc.name}”（{doc.id}）在目录中标为“撤回”：推送后撤回")
    return notes
