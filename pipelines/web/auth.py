"""Accounts: the login page and form, logging out, the same for the JSON API (``/api/login``, ``/api/logout``,
``/api/me``), the admin's user list (``/api/users``) and ``/``, which sends each role to its first page.

Logins are rate-limited per user name and per client address (:mod:`pipelines.web.login_limit`).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pipelines.services.users import PERMISSIONS, User, authenticate, end_sessions, list_users
from pipelines.web.deps import Admin, AnyPoster, AnyUser, LoggedIn, catalog, render, web
from pipelines.web.models import LoginIn, MeOut, UserOut
from pipelines.web.security import csrf_token

router = APIRouter()


def client_address(request: Request) -> str:
    """The client's address as the server sees it (the proxy's client with ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def attempt_login(request: Request, name: str, password: str) -> User:
    """Check the password under the rate limit; on success start a fresh session (new CSRF token)."""
    limiter = web(request).limiter
    address = client_address(request)
    wait = limiter.retry_after(address, name)
    if wait is not None:
        raise HTTPException(429, f"Đăng nhập sai quá nhiều lần: thử lại sau {wait} giây.",
                            headers={"Retry-After": str(wait)})
    with catalog(request) as db:
        user = authenticate(db, name, password)
    if user is None:
        limiter.failed(address, name)
        raise HTTPException(401, "Sai tên đăng nhập hoặc mật khẩu.")
    limiter.succeeded(address, name)
    request.session.clear()
    request.session.update({"user": user.name, "v": user.version})
    csrf_token(request)
    request.state.user = user
    return user


def _local(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/search"


def me_out(request: Request, user: User) -> MeOut:
    return MeOut(name=user.name, role=user.role, role_vi=user.role_vi,
                 permissions=sorted(PERMISSIONS[user.role]), csrf_token=csrf_token(request))


@router.get("/", include_in_schema=False)
def home(user: AnyUser) -> Response:
    return RedirectResponse("/intake" if user.role == "clerk" else "/search", 303)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _local(next), "error": None})


@router.post("/login", include_in_schema=False)
def login_form(request: Request, username: Annotated[str, Form(max_length=64)] = "",
               password: Annotated[str, Form(max_length=1024)] = "",
               next: Annotated[str, Form(max_length=2000)] = "/search",
               csrf_token_field: Annotated[str, Form(alias="csrf_token", max_length=200)] = "") -> Response:
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(csrf_token_field.encode(), expected.encode()):
        return render(request, "login.html", {"next": _local(next), "error": "Phiên làm việc đã hết hạn: "
                                              "hãy đăng nhập lại."}, status_code=403)
    if not username or not password:
        return render(request, "login.html", {"next": _local(next), "error": "Nhập tên đăng nhập và mật khẩu."},
                      status_code=422)
    try:
        attempt_login(request, username, password)
    except HTTPException as exc:
        return render(request, "login.html", {"next": _local(next), "error": exc.detail, "username": username},
                      status_code=exc.status_code)
    return RedirectResponse(_local(next), 303)


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, user: AnyPoster) -> Response:
    with catalog(request) as db:
        end_sessions(db, user.name)
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.post("/api/login", response_model=MeOut, tags=["auth"],
             responses={401: {"description": "wrong name or password"}, 429: {"description": "too many failures"}})
def api_login(request: Request, body: LoginIn) -> MeOut:
    """Log in: sets the HttpOnly session cookie; returns the CSRF token to send with POSTs."""
    return me_out(request, attempt_login(request, body.username, body.password))


@router.post("/api/logout", status_code=204, tags=["auth"])
def api_logout(request: Request, user: AnyPoster) -> Response:
    """End every session of the logged-in user."""
    with catalog(request) as db:
        end_sessions(db, user.name)
    request.session.clear()
    return Response(status_code=204)


@router.get("/api/me", response_model=MeOut, tags=["auth"])
def api_me(request: Request, user: LoggedIn) -> MeOut:
    """The logged-in user, their permissions and the session's CSRF token."""
    return me_out(request, user)


@router.get("/api/users", response_model=list[UserOut], tags=["admin"])
def api_users(request: Request, user: Admin) -> list[UserOut]:
    """The users and their roles (admin only; users are managed with 'minhchung users')."""
    with catalog(request) as db:
        return [UserOut(name=u.name, role=u.role, role_vi=u.role_vi) for u in list_users(db)]
