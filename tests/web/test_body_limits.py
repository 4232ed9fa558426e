"""Request body limits ("Web app hardening", item 1): every POST route refuses an oversized body without a
session with 413 before reading it — with a Content-Length and streamed chunked without one — against a
real uvicorn server over a socket (the test client would read the whole body first); nothing is parsed or
spooled to a temporary file. Only a logged-in clerk's session gets the upload limit, on the upload routes.
Normal logins and corrections still work."""

from __future__ import annotations

import re
import select
import socket
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import starlette.formparsers
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from web_live import serving
from web_support import PASSWORD, copy_home, login

from pipelines.catalog.db import connect
from pipelines.services.config import Config
from pipelines.services.sessions import end_all
from pipelines.web import create_app

STREAMED = 50 * 1024**2  # what the client would send
CHUNK = 64 * 1024
MAX_UPLOAD = 3 * 1024**2
BOUNDARY = "gioi-han"
# Known POST routes: the enumeration of app.routes below must find at least these (and tests any new one).
KNOWN_POSTS = {"/login", "/logout", "/logout-all", "/documents/{doc_id}/corrections", "/intake", "/api/login",
               "/api/logout", "/api/logout-all", "/api/documents/{doc_id}/corrections", "/api/uploads"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes the client got to send before the answer (or the closed connection) stopped it
    seconds: float


def body_routes(app) -> dict[str, str]:
    """Every route of the app that takes a request body (POST, PUT, PATCH, DELETE): its path → the path
    with its parameters filled in."""
    routes = iter_route_contexts(app.routes)  # (FastAPI keeps included routers as one entry of app.routes)
    paths = {r.path for r in routes if r.path and r.methods and set(r.methods) - {"GET", "HEAD"}}
    return {p: re.sub(r"\{[^}]+\}", "x", p) for p in sorted(paths)}


def multipart_head(field: str = "files", filename: str = "to.pdf") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()


def post_raw(port: int, path: str, *, chunked: bool, total: int = STREAMED, first: bytes | None = None,
             content_type: str = f"multipart/form-data; boundary={BOUNDARY}", cookie: str | None = None) -> Answer:
    """POST ``total`` bytes (``first``, then zeros) in 64 KiB pieces, declared with a Content-Length or sent
    chunked without one; stop sending as soon as the server answers or closes. Returns the answer."""
    first = multipart_head() if first is None else first
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Type: {content_type}",
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"]
    if cookie:
        head.append(f"Cookie: minhchung_session={cookie}")
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        piece = first
        try:
            while sent < total and not select.select([sock], [], [], 0)[0]:
                piece = piece[:total - sent]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
                piece = b"0" * CHUNK
            if chunked and sent >= total:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest: what it should do
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
                if b"\r\n\r\n" in data and _complete(data):
                    break
        except ConnectionResetError:
            pass
    seconds = time.monotonic() - started
    head_text, _, body = data.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), f"no answer to POST {path}: {data[:200]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Answer(int(lines[0].split()[1]), headers, body, sent, seconds)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    return bool(length) and len(body) >= int(length.group(1))


@pytest.fixture(scope="module")
def app(module_home):
    app = create_app(Config(module_home), max_upload_bytes=MAX_UPLOAD, intake_jobs=1)
    yield app
    app.state.web.intake.stop()


@pytest.fixture(scope="module")
def port(app):
    with serving(app) as port:
        yield port


@pytest.fixture
def spooled(tmp_path, monkeypatch) -> tuple[Path, list[str]]:
    """The server's temporary directory (where form parsing spools files), here a fresh one, and the
    files the multipart parser spools (recorded, whether they reach the disk or not)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    created: list[str] = []

    class Recorded(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs) -> None:
            created.append("spooled")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", Recorded)
    return folder, created


def test_the_enumeration_finds_every_post_route(app):
    assert set(body_routes(app)) >= KNOWN_POSTS


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversized_body_to_every_post_route_gets_413_before_it_is_read(app, port, spooled, chunked):
    timings = {}
    for path in body_routes(app).values():
        answer = post_raw(port, path, chunked=chunked)
        timings[path] = f"{answer.seconds * 1000:.0f} ms, {answer.sent >> 10} KiB sent"
        assert answer.status == 413, (path, answer.status, answer.body[:300])
        assert answer.seconds < 1.0, (path, answer.seconds)
        assert answer.sent < STREAMED // 4, (path, answer.sent)  # the server stopped reading early
        assert answer.headers.get("connection") == "close"
        if path.startswith("/api/"):
            assert answer.headers["content-type"].startswith("application/json")
            assert b'"code":"body_too_large"' in answer.body and "quá lớn".encode() in answer.body
        else:
            assert answer.headers["content-type"].startswith("text/html")
            assert "Dữ liệu gửi lên quá lớn".encode() in answer.body
    folder, created = spooled
    assert not list(folder.iterdir()) and not created, "nothing may be parsed or spooled"
    print(f"\n413 timings ({'chunked' if chunked else 'content-length'}, {STREAMED >> 20} MB offered):", timings)


def test_json_and_form_bodies_over_the_small_limit_are_refused(app, port):
    answer = post_raw(port, "/api/login", chunked=True, total=200_000, content_type="application/json",
                      first=b'{"username": "quantri", "password": "' + b"a" * 100_000)
    assert answer.status == 413 and b"body_too_large" in answer.body
    answer = post_raw(port, "/login", chunked=False, total=70_000, content_type="application/x-www-form-urlencoded",
                      first=b"username=quantri&password=" + b"a" * 70_000)
    assert answer.status == 413 and answer.sent <= 70_000


def _session_of(client: TestClient) -> str:
    return client.cookies.get("minhchung_session")


def test_only_a_clerk_session_gets_the_upload_limit(app, port, module_home):
    """200 KB (over the form limit, under the upload limit) to the upload routes, by session."""
    for path in ("/api/uploads", "/intake"):
        for chunked in (False, True):
            assert post_raw(port, path, chunked=chunked, total=200_000).status == 413  # no session
    inspector, clerk = TestClient(app), TestClient(app)
    login(inspector, "thanhtra")
    login(clerk, "vanthu")
    assert post_raw(port, "/api/uploads", chunked=True, total=200_000, cookie=_session_of(inspector)).status == 413
    forged = _session_of(clerk)[:-4] + "AAAA"
    assert post_raw(port, "/api/uploads", chunked=True, total=200_000, cookie=forged).status == 413
    # a clerk's session: the whole body reaches the route (which refuses it: no CSRF token, no end boundary)
    for chunked in (False, True):
        answer = post_raw(port, "/api/uploads", chunked=chunked, total=200_000, cookie=_session_of(clerk))
        assert answer.status in (400, 403, 422) and answer.sent == 200_000, answer
    # past the upload limit even a clerk gets 413
    answer = post_raw(port, "/api/uploads", chunked=True, cookie=_session_of(clerk))
    assert answer.status == 413 and "Tệp tải lên quá lớn".encode() in answer.body and answer.sent < STREAMED // 4
    # a session that has been ended (logout elsewhere, new password) no longer counts
    with closing(connect(module_home.catalog)) as db:
        assert end_all(db, "vanthu") == 1
    assert post_raw(port, "/api/uploads", chunked=True, total=200_000, cookie=_session_of(clerk)).status == 413


def test_a_normal_login_and_correction_still_work(ingested, tmp_path):
    home = copy_home(ingested["home"], tmp_path / "home")
    with closing(connect(home.catalog)) as db:
        doc_id = db.execute("SELECT id FROM documents WHERE facts LIKE '%15/KH-SNV%'").fetchone()["id"]
    app = create_app(Config(home), intake_jobs=1)
    try:
        client = TestClient(app, follow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        page = client.post("/login", data={"username": "ratsoat", "password": PASSWORD, "csrf_token": token})
        assert page.status_code == 303
        token = login(client, "ratsoat")
        form = client.post(f"/documents/{doc_id}/corrections",
                           data={"csrf_token": token, "doc_type": "BC", "note": "Ghi chú " * 200})
        assert form.status_code == 303 and "saved=1" in form.headers["location"]
        api = client.post(f"/api/documents/{doc_id}/corrections", json={"doc_type": "KH", "note": "trả lại"})
        assert api.status_code == 200 and api.json()["entries"][0]["after"] == "KH"
    finally:
        app.state.web.intake.stop()
