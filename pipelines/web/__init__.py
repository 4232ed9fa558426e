"""The web interface of minhchung (``minhchung serve``); the app is built by :func:`create_app`
(imported lazily, so the command line does not load the web stack for other commands)."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from pipelines.web.app import create_app

        return create_app
    raise AttributeError(f"module 'pipelines.web' has no attribute {name!r}")
