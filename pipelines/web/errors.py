"""Error responses: JSON under ``/api/``, an error page elsewhere (401 there: to the login page), in the
request's language (:mod:`pipelines.web.lang`: Vietnamese unless the browser prefers English).

JSON errors are ``{"detail": <text>, "code": <message code>}``; malformed input is a 422 naming each field
and its problem (``detail``: a list of ``{field, message, type, code}``, ``message``: one sentence,
``code``: ``validation.invalid``). No input reaches a 500 by design, and an unexpected failure is logged and
answered with a short 500 that leaks nothing.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from pipelines.i18n import Msg, code_of, message_of, template, translate
from pipelines.web.body_limit import BodyTooLarge
from pipelines.web.deps import render
from pipelines.web.lang import request_lang
from pipelines.web.views import InputError

log = logging.getLogger("minhchung.web")
VALIDATION_CODE = "validation.invalid"
# Parameters of pydantic's error context that the validation messages name.
CONTEXT_PARAMS = ("ge", "gt", "le", "lt", "max_length", "min_length", "expected")


def title(status: int, lang: str) -> str:
    code = f"http.{status}"
    return translate(code if template(code) else "http.other", lang)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "?")


def problem_msg(error: dict) -> Msg:
    """One pydantic error as a message: ``validation.<type>`` with its context (``ge``, ``max_length`` …), or
    ``validation.other`` with pydantic's English text."""
    kind = str(error.get("type", ""))
    code = f"validation.{kind}"
    if not template(code):
        return Msg("validation.other", {"detail": str(error.get("msg", ""))})
    ctx = error.get("ctx") or {}
    params: dict[str, object] = {k: ctx[k] for k in CONTEXT_PARAMS if k in ctx}
    params["detail"] = str(ctx.get("error", error.get("msg", "")))
    return Msg(code, params)


def validation_messages(exc: RequestValidationError, lang: str = "vi") -> list[dict]:
    """Each problem: ``field``, ``message`` (the problem in ``lang``), pydantic's ``type`` and our ``code``."""
    out = []
    for error in exc.errors():
        msg = problem_msg(error)
        out.append({"field": _field(error.get("loc", ())), "message": msg.text(lang),
                    "type": str(error.get("type", "")), "code": msg.code})
    return out


def page(request: Request, status: int, message: str, details: list[str] | None = None,
         headers: dict[str, str] | None = None) -> Response:
    context = {"status": status, "title": title(status, request_lang(request)), "message": message,
               "details": details or []}
    response = render(request, "error.html", context, status_code=status)
    response.headers.update(headers or {})
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    lang = request_lang(request)
    code = code_of(exc)
    detail = message_of(exc, lang) if code else exc.detail
    if is_api(request):
        return JSONResponse({"detail": detail, "code": code or f"http.{exc.status_code}"}, exc.status_code,
                            headers=headers)
    if exc.status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", 303)
    return page(request, exc.status_code, str(detail), headers=headers)


async def invalid_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    lang = request_lang(request)
    problems = validation_messages(exc, lang)
    lines = [translate("validation.field", lang, field=p["field"], problem=p["message"]) for p in problems]
    if is_api(request):
        return JSONResponse({"detail": problems, "message": translate("validation.summary", lang, problems=lines),
                             "code": VALIDATION_CODE}, 422)
    return page(request, 422, translate(VALIDATION_CODE, lang), lines)


async def unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = translate("error.unexpected", request_lang(request))
    if is_api(request):
        return JSONResponse({"detail": message, "code": "error.unexpected"}, 500)
    return Response(message, 500, media_type="text/plain; charset=utf-8")


async def input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    message = exc.message(request_lang(request))
    if is_api(request):
        return JSONResponse({"detail": message, "code": exc.code}, 422)
    return page(request, 422, message)


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
