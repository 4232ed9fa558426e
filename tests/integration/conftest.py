"""Fixtures of the distributed OCR tests (issue 13) in this folder: a private RabbitMQ node per test module and
the ``slowbar`` test engine's environment (tests/distributed_support.py)."""

from __future__ import annotations

import sys

import pytest
from distributed_support import TESTS, RabbitNode, slowbar_env


@pytest.fixture(scope="module")
def rabbit(tmp_path_factory):
    node = RabbitNode(tmp_path_factory.mktemp("rabbit")).start()
    yield node
    node.stop()


@pytest.fixture
def slowbar(tmp_path):
    """Environment that registers the ``slowbar`` engine in every Python process (workers, a coordinator
    process) and its page log; the engine is registered in this process too (a web app's coordinator)."""
    if str(TESTS / "unit") not in sys.path:
        sys.path.append(str(TESTS / "unit"))
    import distributed_engine  # noqa: F401 (registers the engine)

    return slowbar_env(tmp_path)
