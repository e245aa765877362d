"""xlwings Server wiring for `xlsync serve`: the same entry points as the desktop add-in,
served to Excel on Windows, macOS and the web (Office.js), with no Python on the desks.

xlwings Server imports the top-level modules ``custom_scripts`` and ``custom_functions`` from
its project folder; ours is ``project/`` beside this file and holds no logic of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "project"


def configure(store: str | None = None, license_key: str | None = None) -> None:
    """Environment for xlwings Server; call before importing xlwings_server."""
    os.environ["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    if license_key:
        os.environ["XLWINGS_LICENSE_KEY"] = license_key
    if store:
        os.environ["XLSYNC_STORE"] = str(Path(store).resolve())


def app(store: str | None = None, license_key: str | None = None):
    """The xlwings Server ASGI app with xlsync's scripts and functions."""
    configure(store, license_key)
    from xlwings_server.main import main_app

    return main_app
