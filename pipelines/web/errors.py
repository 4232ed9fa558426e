"""Error responses: JSON under ``/api/``, a Vietnamese error page elsewhere (401 there: to the login page).

Malformed input is a 422 naming the field and the problem; no input reaches a 500 by design, and an
unexpected failure is logged and answered with a short 500 that leaks nothing.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from pipelines.web.body_limit import BodyTooLarge
from pipelines.web.deps import render
from pipelines.web.views import InputError

log = logging.getLogger("minhchung.web")
TITLES = {400: "Yêu cầu không hợp lệ", 401: "Cần đăng nhập", 403: "Không có quyền", 404: "Không tìm thấy",
          405: "Phương thức không được hỗ trợ", 413: "Dữ liệu gửi lên quá lớn", 422: "Dữ liệu không hợp lệ",
          429: "Thử quá nhiều lần", 500: "Lỗi hệ thống"}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "?")


def validation_messages(exc: RequestValidationError) -> list[dict]:
    return [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()]


def page(request: Request, status: int, message: str, details: list[str] | None = None,
         headers: dict[str, str] | None = None) -> Response:
    response = render(request, "error.html", {"status": status, "title": TITLES.get(status, "Lỗi"),
                                              "message": message, "details": details or []}, status_code=status)
    response.headers.update(headers or {})
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if is_api(request):
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
    if exc.status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", 303)
    return page(request, exc.status_code, str(exc.detail), headers=headers)


async def invalid_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = validation_messages(exc)
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    if is_api(request):
        return JSONResponse({"detail": problems, "message": f"Dữ liệu không hợp lệ: {summary}"}, 422)
    return page(request, 422, "Dữ liệu gửi lên không hợp lệ.", [f"{p['field']}: {p['message']}" for p in problems])


async def unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = "Lỗi không mong đợi; đã ghi vào nhật ký máy chủ."
    if is_api(request):
        return JSONResponse({"detail": message}, 500)
    return Response(message, 500, media_type="text/plain; charset=utf-8")


async def input_error(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse({"detail": str(exc)}, 422)
    return page(request, 422, str(exc))


def too_large(request: Request, message: str) -> Response:
    """413: the request body is over its limit (JSON with ``code`` under /api/, a page elsewhere)."""
    headers = {"Connection": "close"}
    if is_api(request):
        return JSONResponse({"detail": message, "code": "body_too_large"}, 413, headers=headers)
    return page(request, 413, message, headers=headers)


async def refuse_body(scope: Scope, message: str) -> Response:
    """:class:`~pipelines.web.body_limit.BodyLimitMiddleware`'s answer, before any route ran."""
    return too_large(Request(scope), message)


async def body_too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    return too_large(request, str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(BodyTooLarge, body_too_large)
    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_input)
    app.add_exception_handler(Exception, unexpected)
