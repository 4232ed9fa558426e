"""Distributed OCR without a broker: the blob route and its token, the worker's blob copies (digest check,
bounded folder), the Celery settings that make a page survive a dying worker, JSON tasks, masked credentials."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import threading
import time

import pytest
from distributed_support import TOKEN, free_port
from fastapi.testclient import TestClient

from ingest.ocr import OcrSettings
from pipelines.catalog.home import Home
from pipelines.executors.celery_app import make_app, mask_url, redact
from pipelines.executors.httpblobs import BlobFetchError, HttpBlobs
from pipelines.executors.pagejob import PageResult, PageTask
from pipelines.executors.wire import result_from_json, result_to_json, task_from_json, task_to_json
from pipelines.services.config import Config
from pipelines.web.app import create_app
from pipelines.web.blobs import BlobServer, blob_app


@pytest.fixture
def home(tmp_path) -> Home:
    home = Home(tmp_path / "home")
    home.create()
    return home


def _store(home: Home, data: bytes) -> str:
    return home.store(io.BytesIO(data))[0]


def test_the_blob_route_needs_the_worker_token(home):
    sha = _store(home, b"%PDF-1.4 original")
    client = TestClient(blob_app(home.blobs, TOKEN))
    url = f"/internal/blobs/{sha}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong-token-of-some-length"}).status_code == 401
    assert client.get(url, headers={"Authorization": TOKEN}).status_code == 401  # no "Bearer "
    ok = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.content == b"%PDF-1.4 original"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/internal/blobs/" + "0" * 64, headers=auth).status_code == 404
    assert client.get("/internal/blobs/..%2F..%2Fcatalog.sqlite3", headers=auth).status_code == 404
    assert client.get(f"/internal/blobs/{sha.upper()}", headers=auth).status_code == 404


def test_serve_answers_the_blob_route_only_when_a_worker_token_is_set(home):
    sha = _store(home, b"scan")
    off = create_app(Config(home), intake_jobs=1)
    on = create_app(Config(home, worker_token=TOKEN), intake_jobs=1)
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert TestClient(off).get(f"/internal/blobs/{sha}", headers=auth).status_code == 404
        assert TestClient(on).get(f"/internal/blobs/{sha}").status_code == 401
        answer = TestClient(on).get(f"/internal/blobs/{sha}", headers=auth)
        assert answer.status_code == 200 and answer.content == b"scan"
        assert "/internal/blobs/{sha256}" not in TestClient(on).get("/api/openapi.json").json()["paths"]
    finally:
        off.state.web.intake.stop()
        on.state.web.intake.stop()


def test_a_worker_fetches_checks_and_keeps_a_bounded_copy(home, tmp_path):
    shas = [_store(home, os.urandom(40_000) + bytes([i])) for i in range(4)]
    with BlobServer(home.blobs, TOKEN, "127.0.0.1", 0) as server:
        url = f"http://127.0.0.1:{server.port}"
        blobs = HttpBlobs(url, TOKEN, tmp_path / "copies", max_bytes=100_000, patience=0)
        path = blobs.path(shas[0])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == shas[0]
        old = time.time() - 3600  # copies not used for an hour may go
        os.utime(path, (old, old))
        for sha in shas[1:]:
            os.utime(blobs.path(sha), (old, old))
        kept = [p for p in (tmp_path / "copies").glob("??/*")]
        assert sum(p.stat().st_size for p in kept) <= 100_000 and len(kept) == 2
        assert blobs.path(shas[3]).exists()

        # a blob whose bytes are not its name's sha256 is refused and not kept
        fake = "ab" * 32
        (home.blobs / fake[:2]).mkdir(exist_ok=True)
        (home.blobs / fake[:2] / fake[2:]).write_bytes(b"not that content")
        with pytest.raises(BlobFetchError) as bad:
            blobs.path(fake)
        assert bad.value.code == "remote.blob_digest"
        assert not (tmp_path / "copies" / fake[:2] / fake[2:]).exists()

        with pytest.raises(BlobFetchError) as refused:
            HttpBlobs(url, "another-token-entirely", tmp_path / "c2", patience=0).path(shas[0])
        assert refused.value.code == "remote.token_refused"
    with pytest.raises(BlobFetchError) as down:
        HttpBlobs(f"http://127.0.0.1:{free_port()}", TOKEN, tmp_path / "c3", patience=0).path(shas[0])
    assert down.value.code == "remote.blob_unreachable"


def _cutting_server(data: bytes, cut_first: int) -> tuple[socket.socket, list[int]]:
    """A raw HTTP server: the first ``cut_first`` answers promise the whole body and close after half of it
    (a coordinator killed mid-answer), then whole answers."""
    server = socket.create_server(("127.0.0.1", 0))
    served: list[int] = []

    def loop() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                body = data[: len(data) // 2] if len(served) < cut_first else data
                served.append(len(body))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(data)
                             + body)

    threading.Thread(target=loop, daemon=True).start()
    return server, served


def test_a_download_cut_off_mid_body_is_tried_again_not_a_failed_page(tmp_path):
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    server, served = _cutting_server(data, cut_first=1)
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(BlobFetchError) as cut:  # no patience: the cut-off body is "cannot be reached"
            HttpBlobs(url, TOKEN, tmp_path / "c1", patience=0).path(sha)
        assert cut.value.code == "remote.blob_unreachable"
        assert not any(p.is_file() for p in (tmp_path / "c1").rglob("*"))  # no part left behind
        served.clear()
        copy = HttpBlobs(url, TOKEN, tmp_path / "c2", patience=5).path(sha)  # cut once, then whole
        assert copy.read_bytes() == data and served == [len(data) // 2, len(data)]
    finally:
        server.close()


def test_a_busy_blob_port_is_a_coded_error(home):
    with BlobServer(home.blobs, TOKEN, "127.0.0.1", 0) as server:
        with pytest.raises(Exception) as busy:
            BlobServer(home.blobs, TOKEN, "127.0.0.1", server.port)
        assert getattr(busy.value, "code", None) == "remote.blob_port_busy"


def test_the_celery_settings_that_make_a_page_survive_a_dying_worker():
    conf = make_app("amqp://u:p@127.0.0.1:5672//").conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_ignore_result is True  # results travel on the coordinator's durable queue
    [queue] = conf.task_queues
    assert queue.queue_arguments == {"x-queue-type": "quorum"} and queue.durable


def test_tasks_and_results_cross_as_json():
    task = PageTask("a" * 64, 3, "pdf", 300, OcrSettings(lang="vie", timeout=12.5))
    assert task_from_json(task_to_json(task)) == task
    result = PageResult("a" * 64, 3, True, page={"text": "Ủy ban", "words": []}, cached=True, seconds=1.5)
    assert result_from_json(result_to_json(result) | {"worker": "w@host"}) == result


def test_broker_credentials_are_masked():
    url = "amqp://minhchung:s3cret@rabbit.local:5672/pctn"
    assert mask_url(url) == "amqp://minhchung:***@rabbit.local:5672/pctn"
    assert "s3cret" not in redact(f"[Errno 111] connecting to {url} with s3cret failed", url)
    assert mask_url("amqp://rabbit.local//") == "amqp://rabbit.local//"
