"""Fixtures of the web tests in this folder (which also use ``tests/web_support.py``, on the test path, and
the fixtures of ``tests/conftest.py``)."""

from __future__ import annotations

from contextlib import closing

import pytest
from web_live import CHROMIUM, SHOTS, make_home
from web_support import copy_home

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.web import create_app


@pytest.fixture
def empty_home(tmp_path) -> Home:
    return make_home(tmp_path / "home")


@pytest.fixture(scope="module")
def module_home(tmp_path_factory) -> Home:
    return make_home(tmp_path_factory.mktemp("web") / "home")


# The ingested sample home (copied) and one app over it, per test module.
@pytest.fixture(scope="module")
def home(ingested, tmp_path_factory):
    return copy_home(ingested["home"], tmp_path_factory.mktemp("web") / "home")


@pytest.fixture(scope="module")
def app(home):
    app = create_app(Config(home), max_upload_bytes=3 * 1024 * 1024, intake_jobs=1)
    yield app
    app.state.web.intake.stop()


@pytest.fixture(scope="module")
def doc_id(home) -> str:
    """A scanned document (OCR words and boxes): the Sở Nội vụ plan 15/KH-SNV."""
    with closing(connect(home.catalog)) as db:
        row = db.execute("SELECT id FROM documents WHERE facts LIKE '%15/KH-SNV%'").fetchone()
    return row["id"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright (no browser download), for the page tests."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()
