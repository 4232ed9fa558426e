"""Security pieces of the web app: the session secret, CSRF tokens, the security headers.

- Sessions: Starlette's signed cookie (itsdangerous, HMAC-SHA1 over the secret below), HttpOnly and
  SameSite=Lax, Secure when ``--secure-cookies`` (behind HTTPS); they expire after ``session_hours``.
- CSRF: a random token per session (synchronizer token); forms send it as the field ``csrf_token``,
  JSON POSTs as the header ``X-CSRF-Token``. ``POST /api/login`` needs none: it only accepts a JSON body,
  which a cross-site form cannot send, and the app answers no CORS preflight.
- Login rate limit: per user name and per address, in :mod:`pipelines.web.login_limit`.
- Request bodies: limited per route and session before anything reads them, in :mod:`pipelines.web.body_limit`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipelines.catalog.home import Home

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SECRET_FILE = "web-secret.key"


def load_secret(home: Home) -> str:
    """The session signing key of this data home, created once (mode 0600) with :mod:`secrets`."""
    path: Path = home.root / SECRET_FILE
    home.root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    """Does the request carry the session's CSRF token (header, or form field of a form POST)?"""
    expected = request.session.get("csrf")
    if not expected:
        return False
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    return bool(given) and secrets.compare_digest(str(given).encode(), expected.encode())


class SecurityHeadersMiddleware:
    """Headers on every response: no framing, no MIME sniffing, no referrer leaving the site, and a Content
    Security Policy allowing only the app's own scripts, styles and images (inline styles: word boxes)."""

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

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
