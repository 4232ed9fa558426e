"""Accounts and sessions of the web app: logout revokes sessions, the login rate limit, ``minhchung users``.
An empty data home is enough here (no documents needed)."""

from __future__ import annotations

import re
from contextlib import closing

import pytest
from fastapi.testclient import TestClient
from web_support import PASSWORD, USERS, cli, login

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.users import add_user
from pipelines.web import create_app
from pipelines.web.login_limit import LoginLimiter


@pytest.fixture
def home(tmp_path) -> Home:
    home = Home(tmp_path / "home")
    home.create()
    with closing(connect(home.catalog)) as db:
        for name, role in USERS.items():
            add_user(db, name, role, PASSWORD)
    return home


def client_for(app, role_user: str | None = None, ip: str = "testclient") -> TestClient:
    client = TestClient(app, client=(ip, 50000), follow_redirects=False)
    if role_user:
        login(client, role_user)
    return client


def test_logout_ends_only_this_session_and_logout_all_ends_every_one(home):
    app = create_app(Config(home))
    first, second, third = client_for(app, "thanhtra"), client_for(app, "thanhtra"), client_for(app, "thanhtra")
    old_cookie = first.cookies.get("minhchung_session")
    assert first.post("/api/logout").status_code == 204
    assert first.get("/api/me").status_code == 401
    assert second.get("/api/me").status_code == 200  # the same user's other sessions stay
    replay = client_for(app)
    replay.cookies.set("minhchung_session", old_cookie)
    assert replay.get("/api/me").status_code == 401  # the ended id is refused even when sent again
    assert second.post("/api/logout-all").status_code == 204
    assert second.get("/api/me").status_code == 401 and third.get("/api/me").status_code == 401


def test_login_rate_limit_per_ip_and_per_user_name(home):
    clock = [1000.0]
    app = create_app(Config(home))
    # both limits at 5 here (the per-address default is 50: tests/web/test_login_limit.py)
    app.state.web.limiter = LoginLimiter(per_name=5, per_address=5, window=300.0, clock=lambda: clock[0])
    attacker = client_for(app, ip="10.9.9.9")
    for _ in range(5):
        assert attacker.post("/api/login", json={"username": "thanhtra", "password": "sai-mat-khau"}).status_code == 401
    blocked = attacker.post("/api/login", json={"username": "quantri", "password": PASSWORD})
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["retry-after"]) <= 301
    assert "thử lại sau" in blocked.json()["detail"]
    # the user name is blocked from another address too; another user from there is not
    other = client_for(app, ip="10.8.8.8")
    assert other.post("/api/login", json={"username": "thanhtra", "password": PASSWORD}).status_code == 429
    assert other.post("/api/login", json={"username": "ratsoat", "password": PASSWORD}).status_code == 200
    form = client_for(app, ip="10.9.9.9")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get("/login").text).group(1)
    page = form.post("/login", data={"username": "vanthu", "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429 and "Đăng nhập sai quá nhiều lần" in page.text
    clock[0] += 301
    assert attacker.post("/api/login", json={"username": "thanhtra", "password": PASSWORD}).status_code == 200


def test_users_command(tmp_path):
    home = str(tmp_path / "home")
    cli("--home", home, "users", "add", "an", "--role", "reviewer", "--password-stdin", stdin="mat-khau-1\n")
    proc = cli("--home", home, "users", "add", "an", "--role", "admin", "--password-stdin", stdin="mat-khau-2\n",
               codes=(2,))
    assert "Người dùng “an” đã có" in proc.stderr  # the catalog's users.exists, Vietnamese by default
    english = cli("--home", home, "--lang", "en", "users", "add", "an", "--role", "admin", "--password-stdin",
                  stdin="mat-khau-2\n", codes=(2,))
    assert "user “an” already exists" in english.stderr
    cli("--home", home, "users", "add", "an", "--role", "admin", "--password-stdin", "--update", stdin="mat-khau-2\n")
    cli("--home", home, "users", "add", "b", "--role", "boss", "--password-stdin", stdin="x" * 9, codes=(2,))
    short = cli("--home", home, "users", "add", "c", "--role", "clerk", "--password-stdin", stdin="short\n", codes=(2,))
    assert "từ 8 đến 1024 ký tự" in short.stderr
    cli("--home", home, "users", "passwd", "an", "--password-stdin", stdin="mat-khau-3\n")
    assert cli("--home", home, "users", "list").stdout.split() == ["an", "admin", "Quản", "trị"]
    cli("--home", home, "users", "remove", "an")
    assert cli("--home", home, "users", "list").stdout == ""
    cli("--home", home, "users", "remove", "an", codes=(2,))


def test_a_new_password_or_removal_ends_the_user_sessions(home):
    from pipelines.services.users import remove_user, set_password

    app = create_app(Config(home))
    reviewer, admin = client_for(app, "ratsoat"), client_for(app, "quantri")
    with closing(connect(home.catalog)) as db:
        set_password(db, "ratsoat", "mat-khau-moi-123")
        remove_user(db, "quantri")
    assert reviewer.get("/api/me").status_code == 401 and admin.get("/api/me").status_code == 401
    assert client_for(app).post("/api/login", json={"username": "ratsoat", "password": PASSWORD}).status_code == 401
    login(client_for(app), "ratsoat", "mat-khau-moi-123")


def test_users_add_asks_the_password_twice_in_vietnamese(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli.main import main

    home = str(tmp_path / "home")
    differ = CliRunner().invoke(main, ["--home", home, "users", "add", "an", "--role", "clerk"],
                                input="mat-khau-1\nmat-khau-2\n")
    assert differ.exit_code == 2 and "Hai lần nhập mật khẩu không khớp nhau" in differ.output
    assert "Mật khẩu" in differ.output and "Nhập lại mật khẩu" in differ.output and "do not match" not in differ.output
    same = CliRunner().invoke(main, ["--home", home, "users", "add", "an", "--role", "clerk"],
                              input="mat-khau-1\nmat-khau-1\n")
    assert same.exit_code == 0 and "Người dùng an: clerk (Văn thư)" in same.output
