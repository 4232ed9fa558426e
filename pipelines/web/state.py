"""What the web app keeps between requests (``app.state.web``): the data home, its settings, the templates,
the login limiter and the intake worker. Routes and helpers reach it through :func:`pipelines.web.deps.web`,
never through :mod:`pipelines.web.app` (which imports the routes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi.templating import Jinja2Templates

from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker
from pipelines.web.login_limit import LoginLimiter
from search.backends.sqlite import ColumnsCache

DEFAULT_MAX_UPLOAD = 200 * 1024**2  # one upload request of a logged-in clerk
DEFAULT_MAX_BODY = 64 * 1024  # any other request body (forms, JSON), and an upload without a clerk's session
UPLOAD_PATHS = ("/api/uploads", "/intake")  # POSTed to with files (the upload limit applies there only)
SESSION_COOKIE = "minhchung_session"


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD  # (the login limits and cookie settings go straight to their
    max_body_bytes: int = DEFAULT_MAX_BODY      # LoginLimiter and SessionMiddleware in create_app)
    page_size: int = 20


@dataclass
class WebState:
    config: Config
    settings: WebSettings
    templates: Jinja2Templates
    limiter: LoginLimiter
    intake: IntakeWorker
    search_cache: ColumnsCache = field(default_factory=ColumnsCache)  # page columns shared by all requests

    @property
    def home(self) -> Home:
        return self.config.home

    @property
    def image_cache(self) -> Path:
        return self.home.root / "cache" / "web"
