"""The web app of minhchung: search, documents with page images, gaps, review and intake.

Why FastAPI (on Starlette, served by uvicorn): the JSON API is declared once with pydantic models and the
OpenAPI schema comes from the same code (so ``tests/test_web_fuzz.py`` can fuzz every operation from it);
dependencies express "logged in, with this permission" per route, so no route can forget the check;
Starlette brings the pieces a small server-rendered app needs (Jinja2 templates, static files, signed
session cookies, multipart uploads) without a framework's ORM or settings module. Pages are rendered on the
server; the small script in ``static/app.js`` only adds conveniences (progress polling, box toggling).
Nothing is loaded from another site: the API docs UI (which FastAPI takes from a CDN) is switched off, the
schema is at ``/api/openapi.json``.

State lives on the app (``app.state.web``): the data home, settings, templates, the login limiter and the
intake worker. Each request opens its own SQLite connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from pipelines.assessment.formats import COLOURS, LETTERS
from pipelines.assessment.gaps import STATUS_VI
from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker
from pipelines.services.users import ensure_table
from pipelines.web import errors
from pipelines.web.security import LoginLimiter, SecurityHeadersMiddleware, UploadLimitMiddleware, load_secret
from search.backends.sqlite import ColumnsCache

DEFAULT_MAX_UPLOAD = 200 * 1024**2
UPLOAD_PATHS = ("/api/uploads", "/intake")
SESSION_COOKIE = "minhchung_session"


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD  # (the login limits and cookie settings go straight to their
    page_size: int = 20                         # LoginLimiter and SessionMiddleware in create_app)


@dataclass
class WebState:
    home: Home
    settings: WebSettings
    templates: Jinja2Templates
    limiter: LoginLimiter
    intake: IntakeWorker
    search_cache: ColumnsCache = field(default_factory=ColumnsCache)  # page columns shared by all requests

    @property
    def image_cache(self) -> Path:
        return self.home.root / "cache" / "web"


def _dmy(value: object) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _when(value: object) -> str:
    """An ISO timestamp (UTC, as the catalog stores it) in the server's local time."""
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value or "—")


FIELD_VI = {"doc_type": "Loại văn bản", "issued": "Ngày ban hành", "number": "Số", "symbol": "Số, ký hiệu",
            "issuer": "Cơ quan ban hành", "signer": "Người ký", "subject": "Trích yếu", "unit": "Đơn vị",
            "indicator": "Chỉ số", "requirement": "Yêu cầu"}


def _field_vi(field: str) -> str:
    """``indicator:B.1.9`` → ``Chỉ số B.1.9``; ``doc_type`` → ``Loại văn bản``."""
    name, _, key = field.partition(":")
    return f"{FIELD_VI.get(name, name)} {key}".strip()


def _value_vi(value: object) -> str:
    return {True: "có", False: "không", None: "—"}.get(value, str(value)) if isinstance(value, bool | None) \
        else str(value)


def _templates() -> Jinja2Templates:
    folder = resources.files("pipelines.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    templates.env.filters["dmy"] = _dmy
    templates.env.filters["when"] = _when
    templates.env.filters["field_vi"] = _field_vi
    templates.env.filters["value_vi"] = _value_vi
    templates.env.globals.update(status_vi=STATUS_VI, colours=COLOURS, letters=LETTERS)
    return templates


def create_app(config: Config, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD, login_failures: int = 5,
               login_window: float = 300.0, session_hours: float = 8.0, secure_cookies: bool = False,
               intake_jobs: int | None = None) -> FastAPI:
    """The ASGI app for one data home (created if missing). ``max_upload_bytes`` limits one upload request;
    ``login_failures`` failed logins in ``login_window`` seconds per IP or user name block logins (429);
    ``secure_cookies`` marks the session cookie Secure (serve behind HTTPS); ``intake_jobs``: OCR processes."""
    from pipelines.web import api_read, api_write, pages_auth, pages_read, pages_write

    home = config.home
    home.create()
    with closing(connect(home.catalog)) as db:
        ensure_table(db)
    settings = WebSettings(max_upload_bytes)
    state = WebState(home, settings, _templates(), LoginLimiter(login_failures, login_window),
                     IntakeWorker(config, intake_jobs))

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
    for module in (pages_auth, pages_read, pages_write, api_read, api_write):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("pipelines.web") / "static")), name="static")
    app.add_middleware(UploadLimitMiddleware, max_bytes=max_upload_bytes, paths=UPLOAD_PATHS)
    app.add_middleware(SessionMiddleware, secret_key=load_secret(home), session_cookie=SESSION_COOKIE,
                       max_age=int(session_hours * 3600), same_site="lax", https_only=secure_cookies)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
