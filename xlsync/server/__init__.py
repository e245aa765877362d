"""xlwings Server wiring for `xlsync serve`: the same entry points as the desktop workbook,
served to Excel on Windows, macOS and the web (Office.js) by one office for all its units.

xlwings Server imports the top-level modules ``custom_scripts``, ``custom_functions`` and
``auth.<provider>`` from its project folder, and looks there first for templates and static
files: ours is ``project/`` beside this file (the scripts, the token check, the task pane, the
manifest, the ribbon). Everything is configured through xlwings Server's settings
(``XLWINGS_*``), which it reads once, at import: call `app()` once per process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "project"
# The add-in's id when an office sets none (xlwings Server's own default is xlwings').
DEFAULT_MANIFEST_ID = "6a1f3c52-9d47-4e8b-b0a2-5c7e91d3f846"


def configure(store: str | os.PathLike, users: str | os.PathLike | None = None, license_key: str | None = None,
              manifest_id: str | None = None, hostname: str | None = None, rules: str | None = None) -> None:
    """Environment for xlwings Server and our project folder; before importing xlwings_server."""
    env = {
        "XLWINGS_PROJECT_DIR": str(PROJECT_DIR),
        "XLWINGS_PROJECT_NAME": "xlsync",
        "XLWINGS_ENVIRONMENT": "prod",
        "XLWINGS_FUNCTIONS_NAMESPACE": "XLSYNC",
        "XLWINGS_TASKPANE_HTML": "xlsync_taskpane.html",
        "XLWINGS_MANIFEST_ID_PROD": manifest_id or DEFAULT_MANIFEST_ID,
        "XLWINGS_AUTH_PROVIDERS": json.dumps(["xlsync"] if users else []),
        # Same origin only: the task pane and the functions are served from this origin.
        "XLWINGS_CORS_ALLOW_ORIGINS": json.dumps([f"https://{hostname}"] if hostname else []),
        "XLWINGS_ENABLE_SOCKETIO": "false",  # no streaming functions: one way in fewer
        "XLWINGS_ENABLE_EXAMPLES": "false",
        "XLWINGS_ENABLE_TESTS": "false",
        "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLSYNC_SERVER_STORE": str(Path(store).resolve()),
        "XLSYNC_USERS": str(Path(users).resolve()) if users else "",
        "XLSYNC_SERVER_RULES": rules or "",
    }
    if hostname:
        env["XLWINGS_HOSTNAME"] = hostname
    if license_key:
        env["XLWINGS_LICENSE_KEY"] = license_key
    os.environ.update(env)


def app(store: str | os.PathLike, users: str | os.PathLike | None = None, license_key: str | None = None,
        max_request_mb: float = 16, **options):
    """The xlwings Server ASGI app with xlsync's scripts, functions, users and request guard."""
    configure(store, users, license_key, **options)
    from xlwings_server.main import main_app
    from xlwings_server.routers.xlwings import custom_functions, custom_scripts

    from .guard import Guard

    scripts = [n for n, f in vars(custom_scripts).items() if hasattr(f, "__xlscript__")]
    functions = [n for n, f in vars(custom_functions).items() if hasattr(f, "__xlfunc__")]
    return Guard(main_app, int(max_request_mb * 1024 * 1024), scripts, functions)


def settings() -> dict:
    """What the project folder's modules need at request time (set by `configure`)."""
    return {"store": os.environ.get("XLSYNC_SERVER_STORE") or None,
            "users": os.environ.get("XLSYNC_USERS") or None,
            "rules": os.environ.get("XLSYNC_SERVER_RULES") or None}
