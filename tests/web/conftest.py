"""Fixtures of the web tests in this folder (which also use ``tests/web_support.py``, on the test path, and
the fixtures of ``tests/conftest.py``)."""

from __future__ import annotations

import pytest
from web_live import make_home

from pipelines.catalog.home import Home


@pytest.fixture
def empty_home(tmp_path) -> Home:
    return make_home(tmp_path / "home")


@pytest.fixture(scope="module")
def module_home(tmp_path_factory) -> Home:
    return make_home(tmp_path_factory.mktemp("web") / "home")
