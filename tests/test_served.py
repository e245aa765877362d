"""The real `xlsync serve` process on a loopback port: its task pane in a headless Chromium
with Office.js stubbed (the buttons and the ribbon call the right scripts with the user's
token), and its request limit on the wire (413 before the body is read)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsync.cli import cli
from xlsync.store import Store

STUB = (Path(__file__).parent / "browser" / "office_stub.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCRIPTS = {"xlsync-validate": "xlsync_validate", "xlsync-plan": "xlsync_plan", "xlsync-push": "xlsync_push",
           "xlsync-pull": "xlsync_pull"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, seed_docs):
    root = tmp_path_factory.mktemp("served")
    Store(root / "store").put_many(seed_docs)
    result = CliRunner().invoke(cli, ["user", "add", "alice", "--unit", "095002", "--users", str(root / "users.json")])
    token = result.output.strip().splitlines()[-1]
    port = _free_port()
    xlsync = Path(sys.executable).with_name("xlsync")
    proc = subprocess.Popen(
        [str(xlsync), "serve", "--store", str(root / "store"), "--users", str(root / "users.json"),
         "--port", str(port)],
        env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}, cwd=root,
        stdout=open(root / "serve.log", "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/manifest", timeout=1)
                break
            except OSError:
                assert proc.poll() is None, (root / "serve.log").read_text()
                time.sleep(0.1)
        yield url, port, token, proc, root
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _peak_rss_kb(pid: int) -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


def _response(sock) -> bytes:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_oversized_requests_get_413_before_they_are_read(served):
    url, port, token, proc, _root = served
    peak = _peak_rss_kb(proc.pid)
    head = (f"POST /xlwings/custom-scripts-call/xlsync_push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n")
    with socket.create_connection(("127.0.0.1", port)) as sock:  # a declared 64 MB: refused at once
        sock.sendall((head + f"Content-Length: {64 * 1024 * 1024}\r\n\r\n").encode() + b"[" * 1024)
        assert _response(sock).startswith(b"HTTP/1.1 413")
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:  # 64 MB streamed: refused on the way
        sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        chunk = b"%x\r\n" % (1024 * 1024) + b"0" * (1024 * 1024) + b"\r\n"
        sock.settimeout(10)
        try:
            while sent < 64 * 1024 * 1024:
                sock.sendall(chunk)
                sent += 1024 * 1024
        except OSError:  # the server answered and closed while we were still sending
            pass
        assert _response(sock).startswith(b"HTTP/1.1 413")
    assert sent < 64 * 1024 * 1024
    assert _peak_rss_kb(proc.pid) - peak < 48 * 1024  # never held the whole body


@pytest.fixture
def page(served):
    from playwright import sync_api

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required for this test: `make test` installs it"
    url, _port, _token, _proc, _root = served
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS)
        page = context.new_page()
        page.calls = []
        page.on("request", lambda r: page.calls.append((r.url.rsplit("/", 1)[-1], r.headers.get("authorization")))
                if "/custom-scripts-call/" in r.url else None)
        page.route("**/office.js", lambda route: route.fulfill(body=STUB, content_type="text/javascript"))
        page.goto(url + "/taskpane.html")
        page.wait_for_function("document.querySelector('[xw-click-initialized]') !== null")
        yield page
        context.close()


def _wait_result(page):
    page.wait_for_function("() => { const t = document.getElementById('xlsync-result').innerText; "
                           "return t && !t.startsWith('正在处理'); }", timeout=30000)
    return page.inner_text("#xlsync-result")


def test_task_pane_buttons_call_their_scripts_with_the_token(served, page):
    _url, _port, token, _proc, _root = served
    page.click("#xlsync-validate")  # no token yet: the server says so, in Chinese
    page.wait_for_function("document.querySelector('#global-error-alert span').innerText.length > 0")
    assert "令牌" in page.inner_text("#global-error-alert")
    assert page.calls == [("xlsync_validate", None)]
    page.fill("#xlsync-token", token)
    page.click("#xlsync-token-save")
    assert page.evaluate("localStorage.getItem('xlsync-token')") == token
    assert page.input_value("#xlsync-token") == ""  # not left on the screen
    page.calls.clear()
    for button, script in [("#xlsync-validate", "xlsync_validate"), ("#xlsync-plan", "xlsync_plan"),
                           ("#xlsync-push", "xlsync_push"), ("#xlsync-pull", "xlsync_pull")]:
        page.evaluate("document.getElementById('xlsync-result').innerText = ''")
        page.click(button)
        shown = _wait_result(page)
        assert page.calls[-1] == (script, f"Bearer {token}")
        assert "工作簿中没有项目工作表" in shown  # the stubbed workbook has none: the pane says so
    assert [c[0] for c in page.calls] == list(SCRIPTS.values())


def test_ribbon_buttons_call_their_scripts_with_the_token(served, page):
    _url, _port, token, _proc, _root = served
    page.evaluate("t => localStorage.setItem('xlsync-token', t)", token)
    page.wait_for_function("Object.keys(globalThis.__ribbonHandlers).length === 4")
    assert sorted(page.evaluate("Object.keys(globalThis.__ribbonHandlers)")) == sorted(SCRIPTS)
    for name, script in SCRIPTS.items():
        page.evaluate("""name => new Promise(done =>
            globalThis.__ribbonHandlers[name]({completed: () => done(true)}))""", name)
        assert page.calls[-1] == (script, f"Bearer {token}")


def test_task_pane_new_project_lands_in_the_store_under_the_users_unit(served, page):
    """新增项目 clicked in the task pane of a real `xlsync serve`: the project is created in the
    store under alice's unit (095002), of the year typed (the stubbed workbook has no project)."""
    _url, _port, token, _proc, root = served
    store = Store(root / "store")
    page.evaluate("t => localStorage.setItem('xlsync-token', t)", token)
    page.fill("#xlsync-new-name", "档案数字化项目")
    page.fill("#xlsync-new-year", "2027")
    page.calls.clear()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.click("#xlsync-new-project")
    shown = _wait_result(page)
    assert page.calls[-1] == ("xlsync_new_project", f"Bearer {token}")
    assert "[PROJECT_NEW]" in shown and "095002" in shown, shown
    docs, _errors = store.documents(unit="095002", year=2027)
    assert [d.name for d in docs] == ["档案数字化项目"] and docs[0].layout == "national"
    assert docs[0].id in shown
    assert store.log(docs[0].id)[-1].author == "alice"
    assert errors == []  # the sheet's actions all ran in the (stubbed) workbook
