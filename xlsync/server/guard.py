"""The door of `xlsync serve`: every POST must be JSON, no larger than the limit, and shaped
as Excel (Office.js) sends it, before xlwings Server reads it.

- a body without ``Content-Type: application/json`` gets 415 (so a cross-site form post,
  which cannot set that type without a CORS preflight, never reaches a script);
- a body over the limit gets 413: at once when its Content-Length says so, else as soon as
  the bytes received pass it; at most the limit is ever held in memory;
- a body that is no JSON, or not shaped like a workbook (scripts) or a function call
  (functions), or names a script or function that does not exist, gets 400/404.
What passes is handed on unchanged. Authentication stays with xlwings Server's own hook.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

Scalar = str | float | int | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class _BookInfo(_Model):
    name: str
    active_sheet_index: int
    selection: str | None = None


class _Table(_Model):
    name: str
    range_address: str
    header_row_range_address: str | None = None
    data_body_range_address: str | None = None
    total_row_range_address: str | None = None


class _Sheet(_Model):
    name: str
    values: list[list[Scalar]]
    tables: list[_Table] = []
    pictures: list[dict[str, Any]] = []
    visibility: str = "Visible"


class _Name(_Model):
    name: str
    sheet_index: int | None = None
    address: str | None = None
    book_scope: bool = True


class BookPayload(_Model):
    """What Excel sends with a script call (xlwings' getBookData)."""

    client: str
    version: str
    book: _BookInfo
    names: list[_Name]
    sheets: list[_Sheet]
    args: list[Scalar] | None = None

    @model_validator(mode="after")
    def _active_sheet_exists(self):
        if not self.sheets or not 0 <= self.book.active_sheet_index < len(self.sheets):
            raise ValueError("book.active_sheet_index names no sheet")
        for sheet in self.sheets:
            widths = {len(row) for row in sheet.values}
            if len(widths) > 1:
                raise ValueError(f"sheet {sheet.name!r}: rows of different lengths")
        return self


class FunctionCall(_Model):
    """What Excel sends with a worksheet function call."""

    func_name: str
    args: list[Any]
    client: str
    version: str
    runtime: str
    caller_address: str | None = None
    session_id: str | None = None
    culture_info_name: str | None = None
    date_format: str | None = None


async def _respond(send, status: int, detail: str) -> None:
    """A refusal; the connection is closed after it, so the rest of a body is not received."""
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _problem(path: str, data, scripts, functions) -> tuple[int, str] | None:
    """(status, message) when the parsed body is not what the endpoint takes."""
    if "/xlwings/custom-scripts-call/" in path:
        name = path.rsplit("/", 1)[-1]
        if name not in scripts:
            return 404, f"没有这个操作: {name}"
        model = BookPayload
    elif path.endswith("/xlwings/custom-functions-call"):
        model = FunctionCall
    else:
        return None
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(body)"
        return 400, f"请求内容不是 Excel 发送的格式: {where}: {err['msg']}"
    if model is FunctionCall and parsed.func_name not in functions:
        return 404, f"没有这个函数: {parsed.func_name}"
    return None


class Guard:
    """ASGI middleware around xlwings Server's app (see the module docstring)."""

    def __init__(self, app, max_bytes: int, scripts, functions):
        self.app, self.max_bytes = app, max_bytes
        self.scripts, self.functions = set(scripts), set(functions)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media != b"application/json":
            return await _respond(send, 415, "请求必须是 JSON（Content-Type: application/json）")
        limit_mb = f"{self.max_bytes / 1024 / 1024:g} MB"
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await _respond(send, 400, "Content-Length 无效")
            if int(declared) > self.max_bytes:
                return await _respond(send, 413, f"请求超过 {limit_mb} 的上限")
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                return await _respond(send, 413, f"请求超过 {limit_mb} 的上限")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return await _respond(send, 400, f"请求不是有效的 JSON: {exc}")
        problem = _problem(scope["path"], data, self.scripts, self.functions)
        if problem:
            return await _respond(send, *problem)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)
