"""Text files: the encoding found or named, a file that is not text called what it is, the
size limit checked before reading; what is stored is exactly the seed's documents."""

import codecs

import pytest
from click.testing import CliRunner

from xlsync.cli import cli
from xlsync.document import dumps
from xlsync.errors import ImportTextError
from xlsync.published import read_file
from xlsync.store import Store


@pytest.mark.parametrize("encoding, bom, code", [
    ("utf-8", b"", None), ("utf-8", codecs.BOM_UTF8, None),
    ("utf-16-le", codecs.BOM_UTF16_LE, "ENCODING_UTF16"), ("utf-16-be", codecs.BOM_UTF16_BE, "ENCODING_UTF16"),
    ("utf-16-le", b"", "ENCODING_UTF16"), ("utf-16-be", b"", "ENCODING_UTF16"),
    ("gb18030", b"", "ENCODING_GB18030"),
])
def test_encodings_are_detected_and_stored_exactly(tmp_path, seed_path, seed_docs, encoding, bom, code):
    path = tmp_path / "seed.txt"
    path.write_bytes(bom + seed_path.read_text(encoding="utf-8").encode(encoding))
    tables, notes = read_file(path)
    assert [t.document for t in tables] == seed_docs
    assert [n.code for n in notes if n.code.startswith("ENCODING")] == ([code] if code else [])
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    stored = sorted(dumps(d) for d in Store(tmp_path / "s").documents()[0])
    assert stored == sorted(dumps(d) for d in seed_docs)


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".doc/.xls"),
    (b"\xff\xfe\x00\x00a\x00\x00\x00", "UTF-32"),
    (b"\x00\x01\x02\x03\xff\xfe\xfd" * 50, "二进制"),
    (b"\xfe\xff\xd8\x00", "UTF-16 BE"),  # a BOM, then a broken surrogate pair
])
def test_files_that_are_not_text_are_named(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(ImportTextError, match=message):
        read_file(path)
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 2 and message in res.output
    assert not (tmp_path / "s").exists() or not list((tmp_path / "s").glob("*/*/*.json"))


def test_text_file_size_limit_is_checked_before_reading(tmp_path, seed_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(seed_path.read_bytes() * 4)
    monkeypatch.setenv("XLSYNC_MAX_TEXT_MB", "0.1")
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 2 and "文件过大" in res.output and "XLSYNC_MAX_TEXT_MB" in res.output
    assert not (tmp_path / "s" / "2020").exists()


def test_a_binary_file_is_named_as_none_of_the_kinds_xlsync_reads(tmp_path):
    """Binary bytes that are no file kind xlsync reads: said so, without asking the user to
    convert a PDF or Word file (import-text reads those directly)."""
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\x00\x01garbage\xff\xfe")
    with pytest.raises(ImportTextError) as got:
        read_file(path)
    assert "二进制文件" in got.value.message and "PDF 文件" in got.value.message
    assert "转成文本" not in got.value.message
