"""Per-request helpers shared by the page and API routes: the catalog connection, the session and its user,
the permission check, CSRF, and rendering a template with the common context."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from pipelines.services import sessions
from pipelines.services.sessions import Session
from pipelines.services.users import ROLE_VI, User
from pipelines.web.security import cookie_header, csrf_ok, queue_cookie
from pipelines.web.state import SESSION_COOKIE, WebState

PERMISSION_VI = {"read": "xem và tra cứu", "upload": "tiếp nhận hồ sơ", "correct": "rà soát, sửa thông tin",
                 "admin": "quản trị"}
_UNKNOWN = object()  # request.state.session before the look-up


def web(request: Request) -> WebState:
    return request.app.state.web


@contextmanager
def catalog(request: Request) -> Iterator[sqlite3.Connection]:
    """This thread's catalog connection (kept open between requests: :class:`~pipelines.web.state.Connections`)."""
    with web(request).connections.use() as db:
        yield db


def session_may(state: WebState, token: str | None, permission: str) -> bool:
    """Does the session cookie ``token`` name a live session whose user holds ``permission``? (Blocking: the
    body limit middleware runs it in a worker thread before the body is read.)"""
    if not token:
        return False  # no look-up for a request without a session
    with state.connections.use() as db:
        session = sessions.lookup(db, token)
    return session is not None and session.user.can(permission)


def session_cookie(state: WebState, token: str) -> bytes:
    settings = state.settings
    return cookie_header(SESSION_COOKIE, token, max_age=int(settings.session_lifetime.total_seconds()),
                         secure=settings.secure_cookies)


def start_session(request: Request, user: User) -> Session:
    """Log ``user`` in: a new server-side session, its cookie sent with the response (blocking: a write)."""
    state = web(request)
    with catalog(request) as db:
        token, session = sessions.create(db, user, state.settings.session_lifetime)
    queue_cookie(request, session_cookie(state, token))
    request.state.session = session
    request.state.user = user
    return session


def forget_session(request: Request) -> None:
    """Delete the browser's session cookie with the response (the session itself is ended by the caller)."""
    queue_cookie(request, cookie_header(SESSION_COOKIE, "", max_age=0, secure=web(request).settings.secure_cookies))
    request.state.session = None
    request.state.user = None


def _touch(state: WebState, session: Session) -> Session:
    with state.connections.use() as db:
        return sessions.touch(db, session, state.settings.session_lifetime)


async def session_of(request: Request) -> Session | None:
    """The request's live session, looked up once per request.

    The look-up (one primary-key read on the event loop thread's own connection, tens of microseconds) runs
    on the event loop: a worker thread would cost more than the read. The write that slides the expiry
    (at most once per :data:`~pipelines.services.sessions.TOUCH_EVERY`) runs in a worker thread, and the
    cookie is sent again with the new expiry."""
    known = getattr(request.state, "session", _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    token = request.cookies.get(SESSION_COOKIE)
    session = None
    if token:
        state = web(request)
        with state.connections.use() as db:
            session = sessions.lookup(db, token)
        if session is not None and sessions.touch_due(session):
            session = await to_thread.run_sync(_touch, state, session)
            queue_cookie(request, session_cookie(state, token))
    request.state.session = session
    return session


async def _logged_in(request: Request) -> Session:
    session = await session_of(request)
    if session is None:
        raise HTTPException(401, "Cần đăng nhập.", headers={"WWW-Authenticate": 'Cookie realm="minhchung"'})
    request.state.user = session.user
    return session


async def current_user(request: Request) -> User:
    return (await _logged_in(request)).user


async def current_session(request: Request) -> Session:
    return await _logged_in(request)


def require(permission: str | None, *, csrf: bool = False) -> Callable[..., Any]:
    """A dependency: the logged-in user (401 otherwise) holding ``permission`` (403 otherwise; None: any
    user); with ``csrf`` the request must also carry the session's CSRF token (403 otherwise). One flat
    dependency (no sub-dependencies to solve per request)."""

    async def dependency(request: Request) -> User:
        session = await _logged_in(request)
        user = session.user
        if permission is not None and not user.can(permission):
            raise HTTPException(403, f"Vai trò {user.role_vi} không có quyền {PERMISSION_VI[permission]}.")
        if csrf and not await csrf_ok(request, session.csrf):
            raise HTTPException(403, "Thiếu hoặc sai mã chống giả mạo (CSRF): tải lại trang rồi gửi lại; "
                                     "ứng dụng gọi API gửi mã trong tiêu đề X-CSRF-Token.")
        return user

    return dependency


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    session = getattr(request.state, "session", None)
    csrf = session.csrf if isinstance(session, Session) else ""
    base = {"user": user, "csrf_token": csrf, "role_vi": ROLE_VI, "path": request.url.path}
    return web(request).templates.TemplateResponse(request, name, {**base, **(context or {})},
                                                   status_code=status_code)


# The user of a route, checked: ``user: Reader`` etc. (401 without login, 403 without the permission).
LoggedIn = Annotated[User, Depends(current_user)]
CurrentSession = Annotated[Session, Depends(current_session)]
AnyUser = Annotated[User, Depends(require(None))]
AnyPoster = Annotated[User, Depends(require(None, csrf=True))]
Reader = Annotated[User, Depends(require("read"))]
Reviewer = Annotated[User, Depends(require("correct", csrf=True))]
Clerk = Annotated[User, Depends(require("upload"))]
ClerkPoster = Annotated[User, Depends(require("upload", csrf=True))]
Admin = Annotated[User, Depends(require("admin"))]
