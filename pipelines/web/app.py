"""The web app of minhchung: search, documents with page images, gaps, review and intake.

Why FastAPI (on Starlette, served by uvicorn): the JSON API is declared once with pydantic models and the
OpenAPI schema comes from the same code (so ``tests/test_web_fuzz.py`` can fuzz every operation from it);
dependencies express "logged in, with this permission" per route, so no route can forget the check;
Starlette brings the pieces a small server-rendered app needs (Jinja2 templates, static files, multipart
uploads) without a framework's ORM or settings module. Pages are rendered on the
server; the small script in ``static/app.js`` only adds conveniences (progress polling, box toggling).
Nothing is loaded from another site: the API docs UI (which FastAPI takes from a CDN) is switched off, the
schema is at ``/api/openapi.json``.

The routes are grouped per feature, each module holding its pages and its JSON API: :mod:`.auth`,
:mod:`.search`, :mod:`.documents`, :mod:`.gaps`, :mod:`.review`, :mod:`.intake`. They only parse input,
call the services and render; they reach the app's state (:class:`~pipelines.web.state.WebState`, on
``app.state.web``) through :mod:`.deps`, never through this module. Each request thread keeps its own
SQLite connection between requests (:class:`~pipelines.web.state.Connections`); sessions are server-side
(:mod:`pipelines.services.sessions`, cookie and CSRF in :mod:`.security`).

Per request the app does, besides the route's own work: one session look-up (a primary-key read on the
event loop's connection, no thread hop), the permission check, and for sync routes one hop to anyio's
thread pool. ``minhchung serve --workers N`` runs N such processes (:func:`app_from_env` builds each one's
app); the login limiter counts per process, so N workers allow up to N times the failures.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import timedelta
from functools import partial
from importlib import resources
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import HTTPConnection
from starlette.types import Scope

from pipelines.catalog.db import connect
from pipelines.services import sessions
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker
from pipelines.web import admin, auth, blobs, deps, documents, errors, gaps, intake, review, search, status
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

FEATURES = (auth, search, documents, gaps, review, intake, admin, status, blobs)
APP_ENV = "MINHCHUNG_WEB_APP"  # set by 'minhchung serve' for its worker processes: see app_from_env


def _may_upload(state: WebState, scope: Scope) -> bool:
    return deps.session_may(state, HTTPConnection(scope).cookies.get(SESSION_COOKIE), "upload")


# Synchronous routes run in threads, and in one process they share one interpreter lock: anyio's default of 40
# threads let 8 clients' searches take turns on it mid-request (a new query's search 3.8 ms alone, 35 ms each at
# 8 clients; 8.7 ms of CPU a request instead of 6). Every thread more costs CPU per request (new searches through
# the page at 8 clients, CPU ms per request: 8 threads 8.7, 4: 7.4, 2: 6.5, 1: 6.1); two keep a slow export from
# holding up the searches (BENCHMARKS.md, "Web throughput, third round").
DEFAULT_REQUEST_THREADS = 2


def create_app(config: Config, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD, max_body_bytes: int = DEFAULT_MAX_BODY,
               login_failures_per_name: int = DEFAULT_PER_NAME,
               login_failures_per_address: int = DEFAULT_PER_ADDRESS, login_window: float = DEFAULT_WINDOW,
               session_hours: float = 8.0, secure_cookies: bool = False, intake_jobs: int | None = None,
               intake_blob_url: str | None = None, request_threads: int = DEFAULT_REQUEST_THREADS) -> FastAPI:
    """The ASGI app for one data home (created if missing).

    ``max_upload_bytes`` limits one upload request of a logged-in clerk, ``max_body_bytes`` every other
    request body (413 past either); ``login_failures_per_name`` failed logins for one user name, or
    ``login_failures_per_address`` from one address, in ``login_window`` seconds block logins (429);
    ``session_hours`` without a request end a session; ``secure_cookies`` marks the cookies Secure (serve
    behind HTTPS); ``intake_jobs``: OCR processes; ``intake_blob_url``: with a broker configured, the address
    of this server's blob route as the remote OCR workers reach it (uploads are then OCRed by them);
    ``request_threads``: the synchronous routes (searches, pages, exports) run at most this many at a time in
    the process (:data:`DEFAULT_REQUEST_THREADS`)."""
    home = config.home
    home.create()
    with closing(connect(home.catalog)) as db:  # migrated once here; expired sessions dropped
        sessions.purge(db)
    settings = WebSettings(max_upload_bytes, max_body_bytes, session_lifetime=timedelta(hours=session_hours),
                           secure_cookies=secure_cookies)
    limiter = LoginLimiter(login_failures_per_name, login_failures_per_address, login_window,
                           path=home.root / "tmp" / "login-failures.sqlite3")  # shared by the workers
    pages = templates()
    pages.env.auto_reload = False  # the templates are package data: no stat() of each file per render
    intake = IntakeWorker(config, intake_jobs, intake_blob_url)
    state = WebState(config, settings, pages, limiter, intake, load_secret(home))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = request_threads
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
    # The last added runs first: security headers (and the cookies a route queued), then the body limit, which
    # looks the session up from its cookie to tell a clerk's upload from anyone else's request.
    app.add_middleware(BodyLimitMiddleware, max_body=max_body_bytes, max_upload=max_upload_bytes,
                       upload_paths=UPLOAD_PATHS, may_upload=partial(_may_upload, state), refuse=errors.refuse_body)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def app_env(config: Config, **options: Any) -> str:
    """What :func:`app_from_env` needs, as the value of :data:`APP_ENV`: the data home and create_app's
    options. The rest of the :class:`Config` is read from the same environment by each worker."""
    return json.dumps({"home": str(config.home.root), "options": options})


def app_from_env() -> FastAPI:
    """The app of one worker process of ``minhchung serve --workers N`` (uvicorn's factory: workers import
    the app by name, they cannot be handed an object): the data home and options from :data:`APP_ENV`."""
    spec = json.loads(os.environ[APP_ENV])
    return create_app(Config.from_env(spec["home"]), **spec["options"])
