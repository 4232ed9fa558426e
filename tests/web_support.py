"""Shared by the web tests: a writable copy of the ingested sample home with one user per role, logging in,
and a small born-digital PDF to upload."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import uvicorn
from clihelp import copy_data_home
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.samples.digital import digital_pdf
from pipelines.samples.spec import load_specs
from pipelines.services.users import add_user

USERS = {"vanthu": "clerk", "thanhtra": "inspector", "ratsoat": "reviewer", "quantri": "admin"}
ROLE_USER = {role: name for name, role in USERS.items()}
PASSWORD = "mat-khau-thu-nghiem"


def copy_home(source: Path, target: Path) -> Home:
    """A copy of an ingested data home (never change the session's own) with the four users."""
    copy_data_home(source, target)
    home = Home(target)
    with closing(connect(home.catalog)) as db:
        for name, role in USERS.items():
            add_user(db, name, role, PASSWORD)
    return home


def fill_login(page, name: str, password: str = PASSWORD) -> None:
    """Type a user's name and password into the login form a browser page (Playwright) shows."""
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)


def sign_in(page, name: str, password: str = PASSWORD) -> None:
    """:func:`fill_login` and send the form."""
    fill_login(page, name, password)
    page.click("form button[type=submit]")


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log the client in through the API; returns the CSRF token (also set as the client's default header)."""
    response = client.post("/api/login", json={"username": name, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


def born_digital_pdf() -> bytes:
    """A Sở Tài chính plan with a real text layer (no OCR needed), unlike any sample document."""
    base = next(s for s in load_specs() if s.name.startswith("01_"))
    spec = dataclasses.replace(
        base, name="web-upload", unit="Sở Tài chính", issuer="SỞ TÀI CHÍNH", number="Số: 77/KH-STC",
        place_date="Đắk Lắk, ngày 20 tháng 02 năm 2024",
        subject="Phòng, chống tham nhũng trong quản lý ngân sách và hóa đơn điện tử năm 2024",
        paragraphs=("Thực hiện Luật Phòng, chống tham nhũng năm 2018, Sở Tài chính ban hành kế hoạch kiểm soát "
                    "hóa đơn điện tử tại các đơn vị sự nghiệp công lập trên địa bàn tỉnh.",
                    "Mục đích: công khai, minh bạch việc quản lý ngân sách; phòng ngừa tham nhũng, tiêu cực."))
    return digital_pdf(spec)


def cli(*args: str, stdin: str = "", codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    """``minhchung ARGS`` with ``stdin`` as standard input (for --password-stdin)."""
    proc = subprocess.run([sys.executable, "-m", "pipelines", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=os.environ.copy())
    assert proc.returncode in codes, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def client_for(app, role: str | None = None, ip: str = "testclient") -> TestClient:
    client = TestClient(app, client=(ip, 50000), follow_redirects=False)
    if role:
        login(client, ROLE_USER[role])
    return client


def call(client: TestClient, method: str, path: str):
    return client.get(path) if method == "GET" else client.post(path, data={"csrf_token": client.headers.get(
        "X-CSRF-Token", "")})


@contextmanager
def serving(app: ASGIApp, port: int | None = None) -> Iterator[int]:
    """``app`` on a real uvicorn server on ``port`` (default: a free local port) while in the block; yields the
    port."""
    if port is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
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
