"""National documents built from the facts of the real published tables in
tests/data/samples (their .expected.json), laid out with the national form."""

from __future__ import annotations

import json
from pathlib import Path

from xlsync.document import FIELDS, new_document

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"


def national_docs():
    docs = []
    for path in sorted(SAMPLES.glob("*.expected.json")):
        facts = json.loads(path.read_text(encoding="utf-8"))
        docs.append(new_document(layout="national", **{k: v for k, v in facts.items() if k in FIELDS}))
    return docs
