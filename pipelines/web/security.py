"""Security pieces of the web app: the session secret, the login rate limit, CSRF tokens, security headers.

- Sessions: Starlette's signed cookie (itsdangerous, HMAC-SHA1 over the secret below), HttpOnly and
  SameSite=Lax, Secure when ``--secure-cookies`` (behind HTTPS); they expire after ``session_hours``.
- CSRF: a random token per session (synchronizer token); forms send it as the field ``csrf_token``,
  JSON POSTs as the header ``X-CSRF-Token``. ``POST /api/login`` needs none: it only accepts a JSON body,
  which a cross-site form cannot send, and the app answers no CORS preflight.
- Login rate limit: ``max_failures`` failed logins within ``window`` seconds from one IP address, or for
  one user name, block further attempts (429 with Retry-After) until the oldest failure ages out.
- Request bodies: limited per route and session before anything reads them, in :mod:`pipelines.web.body_limit`.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
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


class LoginLimiter:
    """Failed logins per IP address and per user name in a sliding window (thread-safe, in memory)."""

    def __init__(self, max_failures: int = 5, window: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= at - self.window:
            times.popleft()
        return times

    def retry_after(self, ip: str, name: str) -> int | None:
        """Seconds until another attempt is allowed, or None when it is allowed now."""
        at = self.clock()
        with self._lock:
            waits = [times[0] + self.window - at for key in (f"ip:{ip}", f"user:{name.lower()}")
                     if len(times := self._recent(key, at)) >= self.max_failures]
        return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, ip: str, name: str) -> None:
        at = self.clock()
        with self._lock:
            for key in (f"ip:{ip}", f"user:{name.lower()}"):
                self._recent(key, at).append(at)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{name.lower()}", None)


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
