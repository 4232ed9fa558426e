"""The web app of minhchung: search, documents with page images, gaps, review and intake.

Why FastAPI (on Starlette, served by uvicorn): the JSON API is declared once with pydantic models and the
OpenAPI schema comes from the same code (so ``tests/test_web_fuzz.py`` can fuzz every operation from it);
dependencies express "logged in, with this permission" per route, so no route can forget the check;
Starlette brings the pieces a small server-rendered app needs (Jinja2 templates, static files, signed
session cookies, multipart uploads) without a framework's ORM or settings module. Pages are rendered on the
server; the small script in ``static/app.js`` only adds conveniences (progress polling, box toggling).
Nothing is loaded from another site: the API docs UI (which FastAPI takes from a CDN) is switched off, the
schema is at ``/api/openapi.json``.

The routes are grouped per feature, each module holding its pages and its JSON API: :mod:`.auth`,
:mod:`.search`, :mod:`.documents`, :mod:`.gaps`, :mod:`.review`, :mod:`.intake`. They only parse input,
call the services and render; they reach the app's state (:class:`~pipelines.web.state.WebState`, on
``app.state.web``) through :mod:`.deps`, never through this module. Each request opens its own SQLite
connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from functools import partial
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker
from pipelines.services.users import ensure_table
from pipelines.web import auth, deps, documents, errors, gaps, intake, review, search
from pipelines.web.body_limit import BodyLimitMiddleware
from pipelines.web.login_limit import DEFAULT_PER_ADDRESS, DEFAULT_PER_NAME, DEFAULT_WINDOW, LoginLimiter
from pipelines.web.security import SecurityHeadersMiddleware, load_secret
from pipelines.web.state import (
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_UPLOAD,
    SESSION_COOKIE,
    UPLOAD_PATHS,
    WebSettings,
    WebState,
)
from pipelines.web.templating import templates

FEATURES = (auth, search, documents, gaps, review, intake)


def _may_upload(home: Home, scope: Scope) -> bool:
    return deps.session_may(home, scope.get("session") or {}, "upload")


def create_app(config: Config, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD, max_body_bytes: int = DEFAULT_MAX_BODY,
               login_failures_per_name: int = DEFAULT_PER_NAME,
               login_failures_per_address: int = DEFAULT_PER_ADDRESS, login_window: float = DEFAULT_WINDOW,
               session_hours: float = 8.0, secure_cookies: bool = False, intake_jobs: int | None = None) -> FastAPI:
    """The ASGI app for one data home (created if missing).

    ``max_upload_bytes`` limits one upload request of a logged-in clerk, ``max_body_bytes`` every other
    request body (413 past either); ``login_failures_per_name`` failed logins for one user name, or
    ``login_failures_per_address`` from one address, in ``login_window`` seconds block logins (429);
    ``secure_cookies`` marks the session cookie Secure (serve behind HTTPS); ``intake_jobs``: OCR processes."""
    home = config.home
    home.create()
    with closing(connect(home.catalog)) as db:
        ensure_table(db)
    settings = WebSettings(max_upload_bytes, max_body_bytes)
    limiter = LoginLimiter(login_failures_per_name, login_failures_per_address, login_window)
    state = WebState(config, settings, templates(), limiter, IntakeWorker(config, intake_jobs))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.intake.stop()

    app = FastAPI(title="minhchung", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Tra cứu minh chứng PCTN: tìm kiếm, văn bản, thiếu minh chứng, rà soát, tiếp nhận. "
                              "Đăng nhập bằng POST /api/login; mọi POST khác cần tiêu đề X-CSRF-Token "
                              "(lấy từ GET /api/me).")
    app.state.web = state
    errors.install(app)
    for feature in FEATURES:
        app.include_router(feature.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("pipelines.web") / "static")), name="static")
    # The last added runs first: security headers, then the session (decoded from the signed cookie), then
    # the body limit, which needs the session to tell a clerk's upload from anyone else's request.
    app.add_middleware(BodyLimitMiddleware, max_body=max_body_bytes, max_upload=max_upload_bytes,
                       upload_paths=UPLOAD_PATHS, may_upload=partial(_may_upload, home), refuse=errors.refuse_body)
    app.add_middleware(SessionMiddleware, secret_key=load_secret(home), session_cookie=SESSION_COOKIE,
                       max_age=int(session_hours * 3600), same_site="lax", https_only=secure_cookies)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
