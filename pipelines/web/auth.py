"""Accounts: the login page and form, logging out (this session, or every session of the user), the same for
the JSON API (``/api/login``, ``/api/logout``, ``/api/logout-all``, ``/api/me``), the admin's user list
(``/api/users``) and ``/``, which sends each role to its first page.

Sessions are server-side (:mod:`pipelines.services.sessions`); logins are rate-limited per user name and
per client address (:mod:`pipelines.web.login_limit`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pipelines.services import sessions
from pipelines.services.users import PERMISSIONS, User, authenticate, list_users
from pipelines.web.deps import (
    Admin,
    AnyPoster,
    AnyUser,
    CurrentSession,
    catalog,
    forget_session,
    render,
    start_session,
    web,
)
from pipelines.web.models import LoginIn, MeOut, UserOut
from pipelines.web.security import cookie_header, login_token, new_nonce, queue_cookie, same
from pipelines.web.state import LOGIN_COOKIE

router = APIRouter()
LANDING = {"clerk": "/intake"}  # where a role lands after logging in without a page to go back to
DEFAULT_LANDING = "/search"


def client_address(request: Request) -> str:
    """The client's address as the server sees it (the proxy's client with ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def landing(user: User) -> str:
    return LANDING.get(user.role, DEFAULT_LANDING)


def attempt_login(request: Request, name: str, password: str) -> User:
    """Check the password under the rate limit; on success start a new session (new id, new CSRF token)."""
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
    start_session(request, user)
    return user


def _local(target: str | None) -> str | None:
    """Only a path on this site (no open redirect to another host); None otherwise."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _login_form_token(request: Request) -> str:
    """The login form's CSRF token, from the browser's login nonce (a new nonce cookie when it has none)."""
    state = web(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or len(nonce) > 100:
        nonce = new_nonce()
        queue_cookie(request, cookie_header(LOGIN_COOKIE, nonce, path="/login", secure=state.settings.secure_cookies,
                                            max_age=int(state.settings.session_lifetime.total_seconds())))
    return login_token(state.secret, nonce)


def _login_page(request: Request, next: str | None, error: str | None, status_code: int = 200,
                username: str | None = None) -> Response:
    return render(request, "login.html", {"next": _local(next) or "", "error": error, "username": username,
                                          "csrf_token": _login_form_token(request)}, status_code=status_code)


def me_out(user: User, csrf: str) -> MeOut:
    return MeOut(name=user.name, role=user.role, role_vi=user.role_vi, permissions=sorted(PERMISSIONS[user.role]),
                 csrf_token=csrf)


@router.get("/", include_in_schema=False)
def home(user: AnyUser) -> Response:
    return RedirectResponse(landing(user), 303)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next, None)


@router.post("/login", include_in_schema=False)
def login_form(request: Request, username: Annotated[str, Form(max_length=64)] = "",
               password: Annotated[str, Form(max_length=1024)] = "",
               next: Annotated[str, Form(max_length=2000)] = "",
               csrf_token_field: Annotated[str, Form(alias="csrf_token", max_length=200)] = "") -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not same(csrf_token_field, login_token(web(request).secret, nonce)):
        return _login_page(request, next, "Phiên làm việc đã hết hạn: hãy đăng nhập lại.", 403)
    if not username or not password:
        return _login_page(request, next, "Nhập tên đăng nhập và mật khẩu.", 422)
    try:
        user = attempt_login(request, username, password)
    except HTTPException as exc:
        return _login_page(request, next, exc.detail, exc.status_code, username)
    return RedirectResponse(_local(next) or landing(user), 303)


def _end(request: Request, session: sessions.Session, everywhere: bool) -> None:
    with catalog(request) as db:
        if everywhere:
            sessions.end_all(db, session.user.name)
        else:
            sessions.end(db, session)
    forget_session(request)


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, user: AnyPoster, session: CurrentSession) -> Response:
    _end(request, session, everywhere=False)
    return RedirectResponse("/login", 303)


@router.post("/logout-all", include_in_schema=False)
def logout_all_form(request: Request, user: AnyPoster, session: CurrentSession) -> Response:
    _end(request, session, everywhere=True)
    return RedirectResponse("/login", 303)


@router.post("/api/login", response_model=MeOut, tags=["auth"],
             responses={401: {"description": "wrong name or password"}, 429: {"description": "too many failures"}})
def api_login(request: Request, body: LoginIn) -> MeOut:
    """Log in: sets the HttpOnly session cookie; returns the CSRF token to send with POSTs."""
    user = attempt_login(request, body.username, body.password)
    return me_out(user, request.state.session.csrf)


@router.post("/api/logout", status_code=204, tags=["auth"])
def api_logout(request: Request, user: AnyPoster, session: CurrentSession) -> Response:
    """End this session (the user's other sessions, on other devices, stay)."""
    _end(request, session, everywhere=False)
    return Response(status_code=204)


@router.post("/api/logout-all", status_code=204, tags=["auth"])
def api_logout_all(request: Request, user: AnyPoster, session: CurrentSession) -> Response:
    """End every session of the logged-in user, this one included (log out on every device)."""
    _end(request, session, everywhere=True)
    return Response(status_code=204)


@router.get("/api/me", response_model=MeOut, tags=["auth"])
async def api_me(session: CurrentSession) -> MeOut:
    """The logged-in user, their permissions and the session's CSRF token."""
    return me_out(session.user, session.csrf)


@router.get("/api/users", response_model=list[UserOut], tags=["admin"])
def api_users(request: Request, user: Admin) -> list[UserOut]:
    """The users and their roles (admin only; users are managed with 'minhchung users')."""
    with catalog(request) as db:
        return [UserOut(name=u.name, role=u.role, role_vi=u.role_vi) for u in list_users(db)]
