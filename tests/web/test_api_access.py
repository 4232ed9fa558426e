"""The web app's access rules through its HTTP interface (FastAPI's TestClient, no server): login, roles on
every route, CSRF, malformed input, nasty strings in every page. Real OCRed sample documents (the session's
``ingested`` home, copied first; fixtures in conftest.py)."""

from __future__ import annotations

import re
from contextlib import closing
from urllib.parse import quote

import pytest
from web_support import PASSWORD, born_digital_pdf, call, client_for

from pipelines.catalog.db import connect
from pipelines.web.app import FEATURES

MISSING_JOB = "0" * 16
# Every route but the public ones: (method, path, permission); {doc} is a real document id.
ROUTES = [
    ("GET", "/", None), ("POST", "/logout", None),
    ("GET", "/search", "read"), ("GET", "/documents/{doc}", "read"), ("GET", "/gaps", "read"),
    ("POST", "/documents/{doc}/corrections", "correct"), ("POST", "/gaps/scores", "correct"),
    ("GET", "/intake", "upload"), ("POST", "/intake", "upload"), ("GET", f"/intake/{MISSING_JOB}", "upload"),
    ("POST", "/api/logout", None), ("GET", "/api/me", None),
    ("GET", "/api/search?q=tham", "read"), ("GET", "/api/documents", "read"), ("GET", "/api/documents/{doc}", "read"),
    ("GET", "/api/documents/{doc}/pages/1", "read"), ("GET", "/api/documents/{doc}/pages/1/image", "read"),
    ("GET", "/api/documents/{doc}/original", "read"), ("GET", "/api/documents/{doc}/searchable.pdf", "read"),
    ("GET", "/api/documents/{doc}/audit", "read"), ("GET", "/api/gaps", "read"),
    ("GET", "/api/gaps/export?format=csv", "read"), ("GET", "/api/quarantine", "read"),
    ("POST", "/api/documents/{doc}/corrections", "correct"),
    ("POST", "/api/uploads", "upload"), ("GET", "/api/uploads", "upload"),
    ("GET", f"/api/uploads/{MISSING_JOB}", "upload"),
    ("GET", "/api/users", "admin"), ("GET", "/api/status", "read"),
    ("GET", "/admin/users", "admin"), ("POST", "/admin/users", "admin"), ("POST", "/admin/users/password", "admin"),
    ("POST", "/admin/users/disable", "admin"),
    ("POST", "/logout-all", None), ("POST", "/api/logout-all", None),
]
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/login"), ("GET", "/api/openapi.json"),
          ("GET", "/internal/blobs/{sha256}")}  # remote OCR workers: a worker token, not a login
ALLOWED = {"clerk": {"read", "upload"}, "inspector": {"read"}, "reviewer": {"read", "correct"},
           "admin": {"read", "upload", "correct", "admin"}}


def test_the_route_table_covers_every_route(app):
    declared = {(m, re.sub(r"\?.*", "", p)) for m, p, _ in ROUTES}
    templated = {(m, re.sub(r"\{doc\}", "{doc_id}", p).replace(MISSING_JOB, "{job_id}").replace("/1", "/{page}"))
                 for m, p in declared}
    actual = {(m, r.path) for feature in FEATURES for r in feature.router.routes for m in r.methods if m != "HEAD"}
    assert actual - PUBLIC == templated
    schema = client_for(app).get("/api/openapi.json").json()
    assert {p for p in schema["paths"]} == {p for _, p in actual if p.startswith("/api/")} - {"/api/openapi.json"}


@pytest.mark.parametrize("method,path,permission", ROUTES)
def test_every_route_needs_a_login(app, doc_id, method, path, permission):
    response = call(client_for(app), method, path.format(doc=doc_id))
    if path.startswith("/api/"):
        assert response.status_code == 401, response.text
        assert response.json()["detail"] == "Cần đăng nhập."
    else:
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_gets_403_exactly_where_it_may_not_go(app, doc_id, role):
    client = client_for(app, role)
    for method, path, permission in ROUTES:
        if "logout" in path:
            continue
        response = call(client, method, path.format(doc=doc_id))
        if permission is None or permission in ALLOWED[role]:
            assert response.status_code not in (401, 403, 500), (role, method, path, response.status_code)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)
            if path.startswith("/api/"):
                assert "không có quyền" in response.json()["detail"]
            else:
                assert "Không có quyền" in response.text


def test_login_page_and_session_cookie_flags(app):
    client = client_for(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": "thanhtra", "password": PASSWORD, "next": "/gaps",
                                           "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/gaps"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie
    assert client.get("/search").status_code == 200
    assert "default-src 'self'" in client.get("/search").headers["content-security-policy"]
    # an open redirect to another site is refused: next goes back to /search
    client2 = client_for(app)
    token2 = re.search(r'value="([^"]{20,})"', client2.get("/login").text).group(1)
    response = client2.post("/login", data={"username": "thanhtra", "password": PASSWORD,
                                            "next": "//evil.example/x", "csrf_token": token2})
    assert response.headers["location"] == "/search"


def test_csrf_token_is_required_on_every_post(app, doc_id):
    client = client_for(app, "admin")
    token = client.headers.pop("X-CSRF-Token")
    body = {"doc_type": "BC"}
    assert client.post(f"/api/documents/{doc_id}/corrections", json=body).status_code == 403
    wrong = client.post(f"/api/documents/{doc_id}/corrections", json=body, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403 and "CSRF" in wrong.json()["detail"]
    not_ascii = client.post(f"/api/documents/{doc_id}/corrections", json=body, headers=[("X-CSRF-Token", "é".encode())])
    assert not_ascii.status_code == 403
    assert client.post(f"/documents/{doc_id}/corrections", data={"doc_type": "BC"}).status_code == 403
    assert client.post("/api/uploads", files={"files": ("a.pdf", born_digital_pdf())},
                       data={"unit": "Sở Tài chính", "received": "2025-03-01"}).status_code == 403
    assert client.post("/api/logout").status_code == 403
    login_page = client_for(app)
    assert login_page.post("/login", data={"username": "quantri", "password": PASSWORD}).status_code == 403
    login_page.get("/login")
    assert login_page.post("/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": "đ" * 43}
                           ).status_code == 403
    with closing(connect(app.state.web.home.catalog)) as db:
        assert db.execute("SELECT COUNT(*) FROM audit WHERE doc_id=?", (doc_id,)).fetchone()[0] == 0
    client.headers["X-CSRF-Token"] = token
    assert client.get("/api/me").status_code == 200


MALFORMED = [
    ("GET", "/api/search", None, 422), ("GET", "/api/search?q=", None, 422),
    ("GET", '/api/search?q="tham', None, 422), ("GET", "/api/search?q=-tham", None, 422),
    ("GET", "/api/search?q=tham&from=2024-13-01", None, 422), ("GET", "/api/search?q=tham&limit=0", None, 422),
    ("GET", "/api/search?q=tham&limit=abc", None, 422), ("GET", "/api/search?q=tham&sort=nope", None, 422),
    ("GET", "/api/search?q=tham&from=2024-12-01&to=2024-01-01", None, 422),
    ("GET", "/api/search?q=" + "a" * 501, None, 422),
    ("GET", "/api/documents?limit=-1", None, 422), ("GET", "/api/documents/khong-co", None, 404),
    ("GET", "/api/documents/..%2F..%2Fetc%2Fpasswd", None, 404), ("GET", "/api/documents/{doc}/pages/0", None, 404),
    ("GET", "/api/documents/{doc}/pages/99", None, 404), ("GET", "/api/documents/{doc}/pages/x", None, 422),
    ("GET", "/api/documents/{doc}/pages/99/image", None, 404), ("GET", "/api/documents/khong-co/original", None, 404),
    ("GET", "/api/gaps?unit=Sở Không Có", None, 404), ("GET", "/api/gaps/export?format=pdf", None, 422),
    ("GET", "/api/uploads/khong-co", None, 404),
    ("POST", "/api/documents/{doc}/corrections", {}, 422),
    ("POST", "/api/documents/{doc}/corrections", {"doc_type": "XX"}, 422),
    ("POST", "/api/documents/{doc}/corrections", {"issued": "2024-02-30"}, 422),
    ("POST", "/api/documents/{doc}/corrections", {"add_indicators": ["Z.9.9"]}, 422),
    ("POST", "/api/documents/{doc}/corrections", {"attach_requirements": ["KHONG.CO"]}, 422),
    ("POST", "/api/documents/{doc}/corrections", {"add_indicators": "A.1.1"}, 422),
    ("POST", "/api/documents/{doc}/corrections", [1, 2], 422),
    ("POST", "/api/documents/khong-co/corrections", {"doc_type": "BC"}, 404),
    ("GET", "/search?q=tham&from=31/02/2024", None, 422), ("GET", '/search?q="tham', None, 422),
    ("GET", "/search?page=0", None, 422), ("GET", "/search?in_period=maybe", None, 422),
    ("GET", "/gaps?unit=Sở Không Có", None, 422), ("GET", "/documents/khong-co", None, 404),
]


@pytest.mark.parametrize("method,path,body,status", MALFORMED)
def test_malformed_input_gets_a_clear_4xx(app, doc_id, method, path, body, status):
    client = client_for(app, "admin")
    path = path.format(doc=doc_id)
    response = client.get(path) if method == "GET" else client.post(path, json=body)
    assert response.status_code == status, response.text
    if path.startswith("/api/"):
        detail = response.json()["detail"]
        assert detail and (isinstance(detail, str) or detail[0]["field"])
    else:
        assert "<h1>" in response.text and ("không hợp lệ" in response.text or "Không" in response.text)


NASTY = ["\x00", "'\"<>&", "é" * 300, "%", "*", "OR", "-", "tham*", "\u200b", "../../etc/passwd", "1' OR '1'='1"]


@pytest.mark.parametrize("value", NASTY)
def test_html_pages_survive_nasty_input(app, value):
    """The HTML routes are outside the OpenAPI schema, so the fuzz test does not reach them."""
    client = client_for(app, "admin")
    for path, params in (("/search", {"q": value}), ("/search", {"q": "tham", "unit": value, "type": value}),
                         ("/search", {"q": "tham", "from": value}), ("/gaps", {"unit": value}),
                         (f"/documents/{quote(value, safe='')}", {"q": value}), ("/intake/" + quote(value), {})):
        response = client.get(path, params=params)
        assert response.status_code in (200, 404, 422), (path, params, response.status_code)
        assert "<>" not in value or value not in response.text  # reflected only HTML-escaped
    token = client.headers["X-CSRF-Token"]
    response = client.post("/intake", data={"csrf_token": token, "unit": value, "received": value},
                           files={"files": ("x.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 422


def test_a_body_that_is_not_json_is_422(app, doc_id):
    client = client_for(app, "admin")
    response = client.post(f"/api/documents/{doc_id}/corrections", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
