"""``serve``: synchronous routes run at most ``request_threads`` at a time per process (anyio's default is 40
threads, which let concurrent searches take turns on the interpreter lock mid-request: BENCHMARKS.md); one
process per core by default."""

from __future__ import annotations

from anyio import to_thread
from fastapi.testclient import TestClient

from pipelines.services.config import Config
from pipelines.web import create_app
from pipelines.web.app import DEFAULT_REQUEST_THREADS


def _tokens(client: TestClient) -> float:
    return client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)


def test_the_app_runs_its_sync_routes_on_the_threads_asked_for(empty_home):
    assert DEFAULT_REQUEST_THREADS == 2
    for threads in (DEFAULT_REQUEST_THREADS, 3):
        options = {} if threads == DEFAULT_REQUEST_THREADS else {"request_threads": threads}
        with TestClient(create_app(Config(empty_home), **options)) as client:
            assert _tokens(client) == threads
            assert client.get("/api/me").status_code == 401  # and it serves


def test_serve_defaults_to_the_apps_thread_count_and_a_process_per_core():
    from pipelines.cli.web import MAX_DEFAULT_WORKERS, default_workers, serve_cmd

    (threads,) = [p for p in serve_cmd.params if p.name == "threads"]
    assert threads.default == DEFAULT_REQUEST_THREADS
    assert MAX_DEFAULT_WORKERS == 4
    assert [default_workers(n) for n in (None, 1, 2, 3, 16)] == [1, 1, 2, 3, 4]
