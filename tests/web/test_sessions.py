"""Server-side sessions and caching (web hardening): the cookie carries only a random id, the catalog its
hash; logout ends one session, logout-all every one; expired, ended and outdated sessions are refused;
every answer but the static files says ``Cache-Control: no-store``; clerks land on the intake page."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from contextlib import closing

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from web_live import free_port
from web_support import PASSWORD, client_for, login

from pipelines.catalog.db import connect
from pipelines.services import sessions
from pipelines.services.config import Config
from pipelines.services.users import add_user, set_password
from pipelines.web import create_app
from pipelines.web.app import FEATURES

COOKIE = "minhchung_session"
MISSING_JOB = "0" * 16
# Every route of the app (app.routes holds the feature routers; test_routes_are_all_listed checks it).
ROUTES = sorted({(method, route.path) for feature in FEATURES for route in feature.router.routes
                 for method in route.methods if method != "HEAD"})
ENDS_SESSION = {"/logout", "/logout-all", "/api/logout", "/api/logout-all"}


@pytest.fixture
def quiet_app(empty_home):
    app = create_app(Config(empty_home), intake_jobs=1)
    yield app
    app.state.web.intake.stop()


def session_rows(app) -> list[dict]:
    with closing(connect(app.state.web.home.catalog)) as db:
        return [dict(r) for r in db.execute("SELECT * FROM sessions ORDER BY created")]


def test_routes_are_all_listed(app):
    routes = iter_route_contexts(app.routes)  # (FastAPI keeps included routers as one entry of app.routes)
    actual = {(m, r.path) for r in routes if r.path and r.methods for m in r.methods if m != "HEAD"}
    assert actual - {("GET", "/api/openapi.json")} == set(ROUTES)
    assert {"/logout-all", "/api/logout-all"} <= {path for _, path in ROUTES}


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_answer_says_no_store(app, doc_id, method, path):
    client = client_for(app, "admin")  # every permission; a fresh session (some routes end it)
    url = path.replace("{doc_id}", doc_id).replace("{page}", "1").replace("{job_id}", MISSING_JOB)
    if method == "GET":
        response = client.get(url, params={"q": "tham nhũng"} if "search" in url else None)
    else:
        response = client.post(url, data={"csrf_token": client.headers["X-CSRF-Token"]})
    assert response.status_code < 500, response.text
    assert response.headers["cache-control"] == "no-store", (method, path, response.status_code)


def test_downloads_and_static_files(app, doc_id):
    client = client_for(app, "inspector")
    for url in (f"/api/documents/{doc_id}/original", f"/api/documents/{doc_id}/searchable.pdf",
                f"/api/documents/{doc_id}/pages/1/image", "/api/gaps/export?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store", url
    for anyone in (client, client_for(app)):  # logged in or not: the app's own static files may be cached
        static = anyone.get("/static/app.css")
        assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    assert client_for(app).get("/login").headers["cache-control"] == "no-store"


def test_the_cookie_reveals_nothing(quiet_app):
    client = TestClient(quiet_app)
    response = client.post("/api/login", json={"username": "thanhtra", "password": PASSWORD})
    csrf = response.json()["csrf_token"]
    set_cookie = response.headers["set-cookie"]
    value = client.cookies.get(COOKIE)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", value)  # 256 random bits, url-safe
    assert "thanhtra" not in value and csrf not in value and "." not in value  # no signed payload either
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error:
        decoded = b""
    assert b"thanhtra" not in decoded and csrf.encode() not in decoded
    with pytest.raises(ValueError):
        json.loads(decoded)
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=28800" in set_cookie
    assert "Secure" not in set_cookie
    # the catalog keeps the id's SHA-256, never the id
    (row,) = session_rows(quiet_app)
    assert row["id"] == hashlib.sha256(value.encode()).hexdigest() and value not in json.dumps(row)
    assert row["user"] == "thanhtra" and row["csrf"] == csrf
    # a second login is another id and another CSRF token
    other = TestClient(quiet_app)
    assert login(other, "thanhtra") != csrf and other.cookies.get(COOKIE) != value


def test_secure_cookies(empty_home):
    app = create_app(Config(empty_home), secure_cookies=True, session_hours=1)
    response = TestClient(app).post("/api/login", json={"username": "thanhtra", "password": PASSWORD})
    assert "; Secure" in response.headers["set-cookie"] and "Max-Age=3600" in response.headers["set-cookie"]
    assert "; Secure" in TestClient(app).get("/login").headers["set-cookie"]


def test_logout_ends_only_that_session(quiet_app):
    first, second = client_for(quiet_app, "reviewer"), client_for(quiet_app, "reviewer")
    old = first.cookies.get(COOKIE)
    response = first.post("/logout", data={"csrf_token": first.headers["X-CSRF-Token"]})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert f'{COOKIE}=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert second.get("/api/me").status_code == 200
    replay = client_for(quiet_app)
    replay.cookies.set(COOKIE, old)
    assert replay.get("/api/me").status_code == 401
    assert [r["user"] for r in session_rows(quiet_app)] == ["ratsoat"]


def test_logout_all_ends_every_session_of_the_user_only(quiet_app):
    first, second = client_for(quiet_app, "reviewer"), client_for(quiet_app, "reviewer")
    colleague = client_for(quiet_app, "inspector")
    token = first.headers.pop("X-CSRF-Token")
    assert first.post("/logout-all", data={"csrf_token": "sai"}).status_code == 403  # CSRF still required
    response = first.post("/logout-all", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert first.get("/api/me").status_code == 401 and second.get("/api/me").status_code == 401
    assert colleague.get("/api/me").status_code == 200
    third, fourth = client_for(quiet_app, "reviewer"), client_for(quiet_app, "reviewer")
    assert third.post("/api/logout-all").status_code == 204
    assert fourth.get("/api/me").status_code == 401
    assert [r["user"] for r in session_rows(quiet_app)] == ["thanhtra"]


def test_an_expired_session_is_refused_and_purged(quiet_app):
    client = client_for(quiet_app, "inspector")
    assert client.get("/api/me").status_code == 200
    with closing(connect(quiet_app.state.web.home.catalog)) as db:
        db.execute("UPDATE sessions SET expires='2020-01-01T00:00:00+00:00'")
    assert client.get("/api/me").status_code == 401
    assert client.get("/search").status_code == 303  # pages: to the login page
    client_for(quiet_app, "admin")  # a login purges expired sessions
    assert [r["user"] for r in session_rows(quiet_app)] == ["quantri"]


def test_activity_slides_the_expiry_with_throttled_writes(quiet_app):
    client = client_for(quiet_app, "inspector")
    (before,) = session_rows(quiet_app)
    response = client.get("/api/me")
    assert "set-cookie" not in response.headers and session_rows(quiet_app) == [before]  # no write per request
    with closing(connect(quiet_app.state.web.home.catalog)) as db:
        db.execute("UPDATE sessions SET seen='2020-01-01T00:00:00+00:00'")
    response = client.get("/api/me")
    assert response.status_code == 200 and "Max-Age=28800" in response.headers["set-cookie"]
    (after,) = session_rows(quiet_app)
    assert after["seen"] > "2020" and after["seen"] >= before["seen"] and after["expires"] >= before["expires"]


def test_a_new_password_or_role_ends_the_sessions(quiet_app):
    reviewer, clerk, admin = (client_for(quiet_app, role) for role in ("reviewer", "clerk", "admin"))
    home = quiet_app.state.web.home
    with closing(connect(home.catalog)) as db:
        set_password(db, "ratsoat", "mat-khau-moi-123")
        add_user(db, "vanthu", "inspector", PASSWORD, update=True)
    assert reviewer.get("/api/me").status_code == 401 and clerk.get("/api/me").status_code == 401
    assert admin.get("/api/me").status_code == 200
    assert [r["user"] for r in session_rows(quiet_app)] == ["quantri"]


def test_a_session_of_an_older_user_version_is_refused(quiet_app):
    client = client_for(quiet_app, "inspector")
    with closing(connect(quiet_app.state.web.home.catalog)) as db:  # as an older release changed the password
        db.execute("UPDATE users SET version=version+1 WHERE name='thanhtra'")
        assert sessions.count(db, "thanhtra") == 1
    assert client.get("/api/me").status_code == 401


def test_forged_cookies_are_refused(quiet_app):
    client = client_for(quiet_app, "admin")
    value = client.cookies.get(COOKIE)
    for forged in (value[:-2] + "AA", "", "x" * 5000, hashlib.sha256(value.encode()).hexdigest(), "%C4%91" * 20):
        other = TestClient(quiet_app)
        other.cookies.set(COOKIE, forged)
        assert other.get("/api/me").status_code == 401, forged[:20]


def login_form(client: TestClient, name: str, next_page: str | None = None):
    page = client.get("/login")
    assert "minhchung_login=" in page.headers["set-cookie"] and "Path=/login" in page.headers["set-cookie"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    data = {"username": name, "password": PASSWORD, "csrf_token": token}
    return client.post("/login", data={**data, "next": next_page} if next_page is not None else data)


def test_clerks_land_on_intake_others_on_search(quiet_app):
    assert login_form(client_for(quiet_app), "vanthu").headers["location"] == "/intake"
    assert login_form(client_for(quiet_app), "vanthu", "").headers["location"] == "/intake"
    assert login_form(client_for(quiet_app), "thanhtra").headers["location"] == "/search"
    assert login_form(client_for(quiet_app), "vanthu", "/gaps").headers["location"] == "/gaps"
    assert login_form(client_for(quiet_app), "vanthu", "//evil.example").headers["location"] == "/intake"
    page = client_for(quiet_app).get("/login?next=/intake")
    assert 'name="next" value="/intake"' in page.text


def test_the_login_form_token_is_bound_to_the_browser(quiet_app):
    first, second = client_for(quiet_app), client_for(quiet_app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/login").text).group(1)
    second.get("/login")
    refused = second.post("/login", data={"username": "thanhtra", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 403 and "hết hạn" in refused.text
    assert first.post("/login", data={"username": "thanhtra", "password": PASSWORD,
                                      "csrf_token": token}).status_code == 303


def test_worker_processes_share_the_sessions(empty_home, monkeypatch):
    """``serve --workers 2``: each worker builds its app from the environment the CLI sets (app_from_env); a
    login is valid whichever worker takes a request, and after logout refused by every one (each request on a
    new connection, which either worker may accept)."""
    from pipelines.web.app import APP_ENV, app_env, app_from_env

    monkeypatch.setenv(APP_ENV, app_env(Config(empty_home), max_upload_bytes=5_000_000, session_hours=2.0))
    built = app_from_env()
    assert built.state.web.home.root == empty_home.root and built.state.web.settings.max_upload_bytes == 5_000_000
    built.state.web.intake.stop()

    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "pipelines", "--home", str(empty_home.root), "serve", "--port",
                             str(port), "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        login_answer = httpx.post(f"{base}/api/login", json={"username": "thanhtra", "password": PASSWORD})
        cookie, token = login_answer.cookies[COOKIE], login_answer.json()["csrf_token"]

        def me() -> int:  # a new connection each time: the kernel hands them to either worker
            return httpx.get(f"{base}/api/me", cookies={COOKIE: cookie}, headers={"Connection": "close"}).status_code

        assert [me() for _ in range(12)] == [200] * 12
        ended = httpx.post(f"{base}/api/logout", cookies={COOKIE: cookie}, headers={"X-CSRF-Token": token})
        assert ended.status_code == 204
        assert [me() for _ in range(12)] == [401] * 12
    finally:
        proc.terminate()
        _, errors = proc.communicate(timeout=30)
    assert errors.count(b"Started server process") == 2, errors.decode()[-2000:]
