"""``minhchung serve`` runs uvicorn with its C HTTP parser (httptools) and event loop (uvloop): both are
dependencies, and uvicorn's "auto" (which serve leaves in place) picks them (BENCHMARKS.md, web throughput)."""

from __future__ import annotations

import uvicorn
import uvloop
from uvicorn.protocols.http.auto import AutoHTTPProtocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def test_serve_parses_http_with_httptools_and_runs_on_uvloop():
    assert AutoHTTPProtocol is HttpToolsProtocol
    loop = uvicorn.Config(app="pipelines.web.app:app_from_env").get_loop_factory()()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
