"""Security pieces of the web app: the data home's secret, CSRF tokens, cookies, the security headers.

- Sessions: server-side (:mod:`pipelines.services.sessions`). The cookie ``minhchung_session`` carries only
  a random id (256 bits), HttpOnly, SameSite=Lax, Secure with ``--secure-cookies``; the user, the CSRF token
  and the expiry stay in the catalog. A session ends after ``session_hours`` without a request.
- CSRF: a random token per session (synchronizer token); forms send it as the field ``csrf_token``,
  JSON POSTs as the header ``X-CSRF-Token``. ``POST /api/login`` needs none: it only accepts a JSON body,
  which a cross-site form cannot send, and the app answers no CORS preflight. The login form, shown before
  any session exists, carries an HMAC (the data home's secret) of a random nonce held in the cookie
  ``minhchung_login`` (path ``/login`` only).
- Caching: every answer but ``/static/`` says ``Cache-Control: no-store`` (pages, API answers, page
  images, downloads: evidence must not stay in a shared computer's browser cache).
- Login rate limit: per user name and per address, in :mod:`pipelines.web.login_limit`.
- Request bodies: limited per route and session before anything reads them, in :mod:`pipelines.web.body_limit`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipelines.catalog.home import Home

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SECRET_FILE = "web-secret.key"
COOKIES_KEY = "minhchung.set_cookies"  # in the request's state: Set-Cookie values the middleware adds
NO_STORE = (b"cache-control", b"no-store")
STATIC_PREFIX = "/static/"


def load_secret(home: Home) -> str:
    """The data home's secret key, created once (mode 0600) with :mod:`secrets`."""
    path: Path = home.root / SECRET_FILE
    home.root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def same(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two tokens (any text; False when either is missing)."""
    if not given or not expected:
        return False
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


async def csrf_ok(request: Request, expected: str | None) -> bool:
    """Does the request carry ``expected`` (the session's CSRF token) as header, or form field of a form POST?"""
    if not expected:
        return False
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    return same(given, expected)


def login_token(secret: str, nonce: str) -> str:
    """The login form's CSRF token: an HMAC of the nonce in the browser's login cookie."""
    return hmac.new(secret.encode(), b"login-csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def cookie_header(name: str, value: str, *, max_age: int, secure: bool, path: str = "/") -> bytes:
    """A Set-Cookie value: HttpOnly, SameSite=Lax, Secure when asked; ``max_age`` 0 deletes the cookie."""
    parts = [f"{name}={value}", f"Path={path}", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


def queue_cookie(request: Request, header: bytes) -> None:
    """Have :class:`SecurityHeadersMiddleware` send this Set-Cookie with the response (whatever the route
    returns, an error page included)."""
    cookies: list[bytes] = request.scope.setdefault("state", {}).setdefault(COOKIES_KEY, [])
    cookies.append(header)


class SecurityHeadersMiddleware:
    """Headers on every response: no framing, no MIME sniffing, no referrer leaving the site, a Content
    Security Policy allowing only the app's own scripts, styles and images (inline styles: word boxes),
    ``Cache-Control: no-store`` on everything but the static files, and the cookies the request queued."""

    HEADERS = (
        (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                     b"script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                                     b"form-action 'self'; base-uri 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(STATIC_PREFIX)
        state: dict = scope.setdefault("state", {})

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not static:  # whatever a route said about caching: not stored
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append(NO_STORE)
                headers.extend(self.HEADERS)
                headers.extend((b"set-cookie", c) for c in state.get(COOKIES_KEY, ()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
