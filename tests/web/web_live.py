"""Helpers of the web tests in this folder: a data home with the four users, and a real uvicorn server."""

from __future__ import annotations

import socket
from contextlib import closing
from pathlib import Path

from clihelp import REPO
from web_support import PASSWORD, USERS, serving  # noqa: F401 (serving: used from here)

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
