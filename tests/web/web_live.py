"""Helpers of the web tests in this folder: a data home with the four users, and a real uvicorn server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import uvicorn
from clihelp import REPO
from starlette.types import ASGIApp
from web_support import PASSWORD, USERS

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.users import add_user

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (apt-get install chromium)
SHOTS = REPO / "test-artifacts" / "web"  # screenshots and axe reports, looked at by people


def make_home(root: Path) -> Home:
    """An empty data home (no documents) with one user per role."""
    home = Home(root)
    home.create()
    with closing(connect(home.catalog)) as db:
        for name, role in USERS.items():
            add_user(db, name, role, PASSWORD)
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app: ASGIApp) -> Iterator[int]:
    """``app`` on a real uvicorn server on a free local port while in the block; yields the port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-web-tests", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(15)
