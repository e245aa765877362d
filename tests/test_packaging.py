"""The package declares what it ships: every data folder is a declared package whose files
match its package-data globs (setuptools warns about, or silently drops, anything else)."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_in_the_package_folders_is_declared():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    st = conf["tool"]["setuptools"]
    assert conf["project"]["license"] == "MIT"  # an SPDX string, not the deprecated table
    dirs = st["package-dir"]

    def folder(pkg: str) -> Path:
        for prefix in sorted(dirs, key=len, reverse=True):
            if pkg == prefix or pkg.startswith(prefix + "."):
                rest = pkg[len(prefix):].lstrip(".")
                return ROOT / dirs[prefix] / Path(*rest.split(".")) if rest else ROOT / dirs[prefix]
        return ROOT / Path(*pkg.split("."))

    declared = {folder(p).resolve(): p for p in st["packages"]}
    for pkg_dir in [folder(p) for p in st["packages"]]:
        for path in pkg_dir.iterdir():
            if path.is_dir() and path.name != "__pycache__":
                assert path.resolve() in declared, f"{path} is not in [tool.setuptools] packages"
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                globs = st["package-data"].get(declared[pkg_dir.resolve()], [])
                assert any(fnmatch.fnmatch(path.name, g) for g in globs), f"{path} is not package data"
