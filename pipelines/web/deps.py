"""Per-request helpers shared by the page and API routes: the catalog connection, the logged-in user and
the permission check, CSRF, and rendering a template with the common context."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.users import ROLE_VI, User, get_user
from pipelines.web.security import csrf_ok, csrf_token
from pipelines.web.state import WebState

PERMISSION_VI = {"read": "xem và tra cứu", "upload": "tiếp nhận hồ sơ", "correct": "rà soát, sửa thông tin",
                 "admin": "quản trị"}


def web(request: Request) -> WebState:
    return request.app.state.web


@contextmanager
def catalog(request: Request) -> Iterator[sqlite3.Connection]:
    """A new SQLite connection for this request (connections cannot cross threads), closed afterwards."""
    db = connect(web(request).home.catalog)
    try:
        yield db
    finally:
        db.close()


def user_of(db: sqlite3.Connection, session: Mapping[str, Any]) -> User | None:
    """The user a (signed, decoded) session names, if their sessions are still valid (not logged out since,
    password unchanged, not removed)."""
    name, version = session.get("user"), session.get("v")
    if not isinstance(name, str):
        return None
    user = get_user(db, name)
    return user if user is not None and user.version == version else None


def session_may(home: Home, session: Mapping[str, Any], permission: str) -> bool:
    """Does the session belong to a valid user holding ``permission``? (Outside a request: middleware.)"""
    if not isinstance(session.get("user"), str):
        return False  # no look-up for a request without a login
    with closing(connect(home.catalog)) as db:
        user = user_of(db, session)
    return user is not None and user.can(permission)


def session_user(request: Request) -> User | None:
    """The logged-in user, if the session names one whose sessions are still valid."""
    with catalog(request) as db:
        user = user_of(db, request.session)
    if user is None:
        request.session.pop("user", None)
        request.session.pop("v", None)
        return None
    return user


def current_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise HTTPException(401, "Cần đăng nhập.", headers={"WWW-Authenticate": 'Cookie realm="minhchung"'})
    request.state.user = user
    return user


def require(permission: str | None, *, csrf: bool = False) -> Callable[..., Any]:
    """A dependency: the logged-in user (401 otherwise) holding ``permission`` (403 otherwise; None: any
    user); with ``csrf`` the request must also carry the session's CSRF token (403 otherwise)."""

    async def dependency(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
        if permission is not None and not user.can(permission):
            raise HTTPException(403, f"Vai trò {user.role_vi} không có quyền {PERMISSION_VI[permission]}.")
        if csrf and not await csrf_ok(request):
            raise HTTPException(403, "Thiếu hoặc sai mã chống giả mạo (CSRF): tải lại trang rồi gửi lại; "
                                     "ứng dụng gọi API gửi mã trong tiêu đề X-CSRF-Token.")
        return user

    return dependency


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    base = {"user": user, "csrf_token": csrf_token(request), "role_vi": ROLE_VI, "path": request.url.path}
    return web(request).templates.TemplateResponse(request, name, {**base, **(context or {})},
                                                   status_code=status_code)


# The user of a route, checked: ``user: Reader`` etc. (401 without login, 403 without the permission).
LoggedIn = Annotated[User, Depends(current_user)]
AnyUser = Annotated[User, Depends(require(None))]
AnyPoster = Annotated[User, Depends(require(None, csrf=True))]
Reader = Annotated[User, Depends(require("read"))]
Reviewer = Annotated[User, Depends(require("correct", csrf=True))]
Clerk = Annotated[User, Depends(require("upload"))]
ClerkPoster = Annotated[User, Depends(require("upload", csrf=True))]
Admin = Annotated[User, Depends(require("admin"))]
