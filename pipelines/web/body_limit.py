"""Request body limits, enforced in ASGI middleware before any route sees the body.

Every request body is limited: ``max_body`` (small, 64 KiB by default) for forms and JSON on every route,
and ``max_upload`` (large) on the upload routes only, and there only for a session whose user may upload.
Whether a session may upload is decided from the session cookie: one look-up of its server-side session
and user (:func:`pipelines.web.deps.session_may`, in a worker thread) — before a byte of the body is read.
A forged, ended or expired session id gets the small limit.

- A declared ``Content-Length`` over the limit is refused at once, nothing read.
- Under the small limit the body is read here (at most ``max_body`` bytes) and handed to the app only when
  complete: an oversized body — also a chunked one without a length — is refused with 413 as soon as it
  passes the limit, before anything parses it or spools it to a temporary file, and the rest is never read
  (the response says ``Connection: close``).
- Under the upload limit the body streams to the app (files are spooled, not held in memory) and is
  counted as it arrives: past the limit :class:`BodyTooLarge` (a 413) is raised from ``receive``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# How a refusal is answered (a JSON body under /api/, a page elsewhere): built by pipelines.web.errors.
Refusal = Callable[[Scope, str], Awaitable[Response]]


def limit_text(max_bytes: int) -> str:
    if max_bytes >= 1024**2:
        return f"{max_bytes / 1024**2:.0f} MB"
    return f"{max_bytes / 1024:.0f} KB" if max_bytes >= 1024 else f"{max_bytes} byte"


def upload_message(max_bytes: int) -> str:
    return f"Tệp tải lên quá lớn: giới hạn mỗi lần tải là {limit_text(max_bytes)}."


def body_message(max_bytes: int, upload_path: bool) -> str:
    if upload_path:
        return (f"Dữ liệu gửi lên quá lớn: khi chưa đăng nhập bằng tài khoản được tiếp nhận hồ sơ, giới hạn là "
                f"{limit_text(max_bytes)}. Hãy đăng nhập rồi tải tệp lên lại.")
    return f"Dữ liệu gửi lên quá lớn: giới hạn là {limit_text(max_bytes)}."


class BodyTooLarge(HTTPException):
    """A streamed upload passed its limit (raised from ``receive``; FastAPI lets HTTPExceptions through)."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message, headers={"Connection": "close"})


class BodyLimitMiddleware:
    """413 for request bodies over the limit of their route and session (pure ASGI)."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int, upload_paths: tuple[str, ...],
                 may_upload: Callable[[Scope], bool], refuse: Refusal) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths
        self.may_upload = may_upload  # blocking (a catalog look-up): run in a worker thread
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if not declared and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (HTTP/1.1: neither header, length zero): most GETs
            return
        upload_path = scope["method"] == "POST" and scope["path"] in self.upload_paths
        if upload_path and (not declared.isdigit() or int(declared) > self.max_body) \
                and await to_thread.run_sync(self.may_upload, scope):
            if declared.isdigit() and int(declared) > self.max_upload:
                await self._refuse(scope, receive, send, upload_message(self.max_upload))
                return
            await self.app(scope, self._counting(receive), send)
            return
        if declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, receive, send, body_message(self.max_body, upload_path))
            return
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # the client went away: the app sees the disconnect
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                await self._refuse(scope, receive, send, body_message(self.max_body, upload_path))
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_upload:
                    raise BodyTooLarge(upload_message(self.max_upload))
            return message

        return counting_receive

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        response = await self.refuse(scope, message)
        response.headers["Connection"] = "close"  # the unread rest of the body must not be taken for a request
        await response(scope, receive, send)
