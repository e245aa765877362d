"""The tidy tables as JSON, CSV and Parquet files, each with its column schema.

CSV and Parquet folders get a `datapackage.json` (Frictionless Data Package: one resource per
table, with its Table Schema) beside the tables. Every file is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..errors import XlsyncError
from ..safefile import atomic_write
from .collect import Picture
from .tables import SCHEMA, rows, table_schema

TABLES = tuple(SCHEMA)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def _package(pic: Picture, fmt: str) -> dict:
    return {
        "name": "xlsync-consolidation",
        "title": f"{pic.year or ''}年度项目支出绩效目标汇总",
        "profile": "tabular-data-package" if fmt == "csv" else "data-package",
        "xlsync": {"year": pic.year, "format_version": 1},
        "resources": [
            {"name": t, "path": f"{t}.{fmt}", "format": fmt,
             **({"mediatype": "text/csv", "encoding": "utf-8", "dialect": {"header": True, "delimiter": ","}}
                if fmt == "csv" else {"mediatype": "application/vnd.apache.parquet"}),
             "schema": table_schema(t)}
            for t in TABLES
        ],
    }


def write_json(pic: Picture, path: Path) -> Path:
    """One JSON file: {"schema": data package, "tables": {name: [records]}}; decimals as strings."""
    out = {"format": "xlsync-consolidation", "format_version": 1, "year": pic.year,
           "schema": _package(pic, "json"), "tables": {}}
    for t in TABLES:
        names = [c[0] for c in SCHEMA[t]]
        out["tables"][t] = [{k: _json_value(v) for k, v in zip(names, row, strict=True)} for row in rows(pic, t)]
    atomic_write(Path(path), json.dumps(out, ensure_ascii=False, indent=1).encode("utf-8"))
    return Path(path)


def write_csv(pic: Picture, folder: Path) -> list[Path]:
    """<table>.csv (UTF-8, header row, empty field = null) and datapackage.json."""
    folder = Path(folder)
    written = []
    for t in TABLES:
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([c[0] for c in SCHEMA[t]])
        for row in rows(pic, t):
            w.writerow([_text(v) for v in row])
        atomic_write(folder / f"{t}.csv", buf.getvalue().encode("utf-8"))
        written.append(folder / f"{t}.csv")
    atomic_write(folder / "datapackage.json",
                 json.dumps(_package(pic, "csv"), ensure_ascii=False, indent=1).encode("utf-8"))
    return [*written, folder / "datapackage.json"]


def arrow_schema(table: str):
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "date": pa.date32()}
    fields = []
    for name, typ, scale, _title, _desc in SCHEMA[table]:
        fields.append(pa.field(name, pa.decimal128(28, scale) if typ == "decimal" else types[typ]))
    return pa.schema(fields)


def _arrow_value(value, typ: str, scale: int | None):
    if value is None:
        return None
    if typ == "decimal":
        q = Decimal(value).quantize(Decimal(1).scaleb(-scale))
        if q != Decimal(value):
            raise ValueError(f"{value} has more than {scale} decimal places")
        return q
    if typ == "date":
        return date.fromisoformat(value)
    return value


def write_parquet(pic: Picture, folder: Path) -> list[Path]:
    """<table>.parquet with exact decimal128 amounts, and datapackage.json."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise XlsyncError("写 Parquet 需要 pyarrow：pip install 'xlsync[parquet]'") from None
    folder = Path(folder)
    written = []
    for t in TABLES:
        cols = SCHEMA[t]
        data = [[] for _ in cols]
        for row in rows(pic, t):
            for k, (v, (_n, typ, scale, _ti, _d)) in enumerate(zip(row, cols, strict=True)):
                data[k].append(_arrow_value(v, typ, scale))
        schema = arrow_schema(t)
        table = pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(data, schema, strict=True)],
                                     schema=schema)
        buf = pa.BufferOutputStream()
        pq.write_table(table, buf)
        atomic_write(folder / f"{t}.parquet", buf.getvalue().to_pybytes())
        written.append(folder / f"{t}.parquet")
    atomic_write(folder / "datapackage.json",
                 json.dumps(_package(pic, "parquet"), ensure_ascii=False, indent=1).encode("utf-8"))
    return [*written, folder / "datapackage.json"]
