"""The web app answers errors in the browser's language (Accept-Language, ``?lang=``): Vietnamese unless it
prefers English; JSON errors keep ``detail`` (translated) and add ``code``."""

from __future__ import annotations

from contextlib import closing

import pytest
from web_support import USERS, client_for

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.users import add_user
from pipelines.web import create_app, views

PASSWORD = "mat-khau-thu-nghiem"
EN = {"Accept-Language": "en-US,en;q=0.9"}
VI = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("messages") / "home")
    home.create()
    with closing(connect(home.catalog)) as db:
        for name, role in USERS.items():
            add_user(db, name, role, PASSWORD)
    app = create_app(Config(home), intake_jobs=1)
    yield app
    app.state.web.intake.stop()


@pytest.fixture(scope="module")
def client(app):
    return client_for(app, "inspector")


def test_a_query_error_in_vietnamese_by_default_and_in_english_for_an_english_browser(client):
    for headers in ({}, VI):
        answer = client.get("/api/search", params={"q": '"tham nhũng'}, headers=headers)
        assert answer.status_code == 422
        assert answer.json() == {"code": "query.unbalanced_quote",
                                 "detail": 'Dấu ngoặc kép ở vị trí 1 chưa được đóng: thêm một dấu " nữa để kết thúc '
                                           "cụm từ"}
    answer = client.get("/api/search", params={"q": '"tham nhũng'}, headers=EN)
    assert answer.json() == {"code": "query.unbalanced_quote",
                             "detail": 'unbalanced quote at position 1: close the phrase with another "'}
    assert client.get("/api/search", params={"q": '"tham', "lang": "en"}, headers=VI).json()["detail"].startswith(
        "unbalanced quote")


def test_a_validation_error_names_the_field_in_the_browsers_language(client):
    vi = client.get("/api/search", params={"q": "tham", "limit": "abc"}, headers=VI)
    en = client.get("/api/search", params={"q": "tham", "limit": "abc"}, headers=EN)
    assert vi.status_code == en.status_code == 422
    assert vi.json()["code"] == en.json()["code"] == "validation.invalid"
    assert vi.json()["detail"] == [{"field": "limit", "message": "phải là số nguyên", "type": "int_parsing",
                                    "code": "validation.int_parsing"}]
    assert vi.json()["message"] == "Dữ liệu không hợp lệ: Trường «limit»: phải là số nguyên"
    assert en.json()["detail"][0]["message"] == "must be an integer"
    assert en.json()["message"] == "Invalid data: Field «limit»: must be an integer"
    too_big = client.get("/api/search", params={"q": "tham", "limit": "500"}, headers=VI).json()
    assert too_big["detail"][0]["message"] == "phải nhỏ hơn hoặc bằng 100"


def test_a_date_filter_error_and_a_missing_document(client):
    page = client.get("/search", params={"q": "tham", "from": "31/02/2024"}, headers=VI)
    assert page.status_code == 422 and "Từ ngày: «31/02/2024» không phải là ngày" in page.text
    with pytest.raises(views.InputError) as caught:  # the search page shows exc.message(lang)
        views.parse_day("31/02/2024", "Từ ngày")
    assert (caught.value.code, caught.value.message("en")) == (
        "date.invalid", "From date: «31/02/2024» is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    missing = client.get("/api/documents/khong-co", headers=EN)
    assert missing.status_code == 404 and missing.json()["code"] == "document.not_found"
    assert missing.json()["detail"] == "no document with id «khong-co»"
    assert client.get("/api/documents/khong-co").json()["detail"] == "Không có văn bản mã «khong-co»."


def test_an_html_validation_error_page(client):
    vi = client.get("/search", params={"page": "0"}, headers=VI)
    en = client.get("/search", params={"page": "0"}, headers=EN)
    assert vi.status_code == en.status_code == 422
    assert "Dữ liệu gửi lên không hợp lệ." in vi.text and "Trường «page»: phải lớn hơn hoặc bằng 1" in vi.text
    assert "The data sent is not valid." in en.text and "Field «page»: must be at least 1" in en.text
