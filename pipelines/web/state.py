"""What the web app keeps between requests (``app.state.web``): the data home, its settings, the templates,
the login limiter, the intake worker, the session settings and the catalog connections. Routes and helpers
reach it through :func:`pipelines.web.deps.web`, never through :mod:`pipelines.web.app` (which imports the
routes)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi.templating import Jinja2Templates

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker
from pipelines.web.login_limit import LoginLimiter
from pipelines.web.viewcache import ViewCache
from search.backends.columns import ColumnsCache
from search.backends.sqlite import tune_connection

DEFAULT_MAX_UPLOAD = 200 * 1024**2  # one upload request of a logged-in clerk
DEFAULT_MAX_BODY = 64 * 1024  # any other request body (forms, JSON), and an upload without a clerk's session
UPLOAD_PATHS = ("/api/uploads", "/intake")  # POSTed to with files (the upload limit applies there only)
SESSION_COOKIE = "minhchung_session"  # the session's random id (pipelines.services.sessions)
LOGIN_COOKIE = "minhchung_login"  # a random nonce behind the login form's CSRF token (path /login only)


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD  # (the login limits go straight to their LoginLimiter)
    max_body_bytes: int = DEFAULT_MAX_BODY
    page_size: int = 20
    session_lifetime: timedelta = timedelta(hours=8)  # idle time after which a session ends
    secure_cookies: bool = False  # cookies marked Secure (served over HTTPS)


class Connections:
    """One catalog connection per thread, opened on the thread's first request and kept for the next ones.

    Opening a connection costs the migration check and the connection settings, and a new connection starts
    with an empty page cache; the web app's request threads (anyio's pool, and the event loop's thread for
    the session look-up) are long-lived, so each keeps its own (SQLite connections cannot be shared between
    threads). A connection is closed when its thread ends. Nested use in one thread gets the same connection;
    when the outermost use ends, a transaction left open is rolled back, so the next request starts clean.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _open(self) -> sqlite3.Connection:
        db = connect(self.path)
        tune_connection(db)  # the search's page cache and mmap, set once instead of per search
        self._local.db, self._local.depth = db, 0
        return db

    @contextmanager
    def use(self) -> Iterator[sqlite3.Connection]:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._open()
        elif self._local.depth == 0:
            try:
                db.total_changes  # noqa: B018 - raises ProgrammingError when something closed it
            except sqlite3.ProgrammingError:
                db = self._open()
        self._local.depth += 1
        try:
            yield db
        finally:
            self._local.depth -= 1
            if self._local.depth == 0 and db.in_transaction:
                db.execute("ROLLBACK")


@dataclass
class WebState:
    config: Config
    settings: WebSettings
    templates: Jinja2Templates
    limiter: LoginLimiter
    intake: IntakeWorker
    secret: str = ""  # the data home's key: signs the login form's CSRF token
    search_cache: ColumnsCache = field(default_factory=ColumnsCache)  # page columns shared by all requests
    views: ViewCache = field(default_factory=ViewCache)  # the search page's lists and results per catalog state
    connections: Connections = field(init=False)

    def __post_init__(self) -> None:
        self.connections = Connections(self.home.catalog)

    @property
    def home(self) -> Home:
        return self.config.home

    @property
    def image_cache(self) -> Path:
        return self.home.root / "cache" / "web"
