"""Distributed OCR (issue 13) for the web intake: with a broker configured, an upload job sends its pages to a
real ``minhchung worker`` process through a private RabbitMQ node (Debian's rabbitmq-server), the worker fetches
each original from the server's own ``/internal/blobs`` route over HTTP, and the job page shows the pages done
of the total and, while it runs, the connected workers, the queue depth and the pages in flight. With Debian's
Chromium, the job page is photographed at 1366×768 and 390 px wide (test-artifacts/web/remote-job-*.png)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from distributed_support import (
    CLI,
    RABBIT_MISSING,
    TESTS,
    TOKEN,
    bar_inbox,
    free_port,
    rabbit_available,
    start_worker,
    wait_ready,
)
from fastapi.testclient import TestClient
from kombu import Connection
from web_support import PASSWORD, serving, sign_in

from ingest.ocr import OcrSettings
from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.executors.celery_app import RESULTS_PREFIX
from pipelines.executors.remote import coordinator_id
from pipelines.services.config import Config
from pipelines.services.users import add_user
from pipelines.web.app import create_app

pytestmark = pytest.mark.skipif(not rabbit_available(), reason=RABBIT_MISSING)
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = TESTS.parent / "test-artifacts" / "web"
PAGES = 4


def _home(root: Path) -> Home:
    home = Home(root)
    home.create()
    with closing(connect(home.catalog)) as db:
        add_user(db, "vanthu", "clerk", PASSWORD)
    return home


def _clerk(app) -> TestClient:
    client = TestClient(app)
    answer = client.post("/api/login", json={"username": "vanthu", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def _upload(client: TestClient, folder: Path) -> str:
    files = [("files", (p.name, p.read_bytes(), "image/png")) for p in sorted(folder.iterdir())]
    answer = client.post("/api/uploads", files=files, data={"unit": "Sở Nội vụ", "received": "2025-03-05"})
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def _poll(client: TestClient, job_id: str, until, timeout: float, seen: list[dict]) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/uploads/{job_id}").json()
        seen.append(job)
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"timed out; last: {seen[-1] if seen else None}")


def test_an_upload_is_ocred_by_the_remote_workers_and_its_page_shows_them(rabbit, slowbar, tmp_path):
    env, log = slowbar
    rabbit.purge()
    inbox = bar_inbox(tmp_path / "in", [[[2 + i]] for i in range(PAGES)])
    home = _home(tmp_path / "home")
    port = free_port()
    config = Config(home, ocr=OcrSettings(engine="slowbar"), broker_url=rabbit.url, worker_token=TOKEN)
    app = create_app(config, intake_jobs=1, intake_blob_url=f"http://127.0.0.1:{port}")
    worker = None
    with serving(app, port):
        base = f"http://127.0.0.1:{port}"
        try:
            client, seen = _clerk(app), []
            job_id = _upload(client, inbox / "Sở Nội vụ")
            # No worker yet: the pages wait in the queue, and the page says so.
            waiting = _poll(client, job_id, lambda j: (j["remote"] or {}).get("queue_depth") == PAGES, 60, seen)
            assert waiting["status"] == "running" and waiting["remote"]["workers"] == 0
            assert (waiting["stage"], waiting["done"], waiting["total"]) == ("pages", 0, PAGES)
            assert "0 máy kết nối, 4 trang chờ trong hàng đợi, 0 trang đang xử lý" in waiting["remote"]["text"]
            html = client.get(f"/intake/{job_id}").text
            assert "Nhận dạng chữ trên các máy từ xa: 0 máy kết nối, 4 trang chờ trong hàng đợi" in html
            assert "đang đọc chữ các trang" in html and "0/4 trang" in html
            english = client.get(f"/api/uploads/{job_id}?lang=en").json()["remote"]["text"]
            assert english.startswith("OCR on remote workers: 0 connected, 4 pages waiting")
            _photograph(base, job_id, "waiting")

            worker = start_worker(rabbit.url, tmp_path / "w", "web", env=env | {"SLOWBAR_SECONDS": "1.5"},
                                  imports=("distributed_engine",))
            wait_ready(worker)
            done = _poll(client, job_id, lambda j: j["status"] in ("done", "failed"), 120, seen)
        finally:
            if worker is not None:
                worker.kill(signal.SIGTERM)
    assert done["status"] == "done", done
    assert done["summary"]["pages_ocr"] == PAGES and done["total"] == PAGES and done["done"] == PAGES
    assert done["remote"] is None  # shown while the job runs only
    # Progress counted remote pages as local ones, and the page showed the worker at work.
    counts = [j["done"] for j in seen if j["status"] == "running" and j["total"]]
    assert counts == sorted(counts) and len(set(counts)) >= 2, counts
    assert any(j["remote"] and j["remote"]["workers"] == 1 and j["remote"]["in_flight"] >= 1 for j in seen), seen
    # Every page was read once, by the worker process, never by the server (the engine logs each reader's pid).
    readers = Counter(line.split()[1] for line in log.read_text().splitlines() if line.startswith("end "))
    assert sum(readers.values()) == PAGES and str(os.getpid()) not in readers
    assert worker.text().count("succeeded") == PAGES, worker.text()[-3000:]
    # The job's own results queue is gone from the broker.
    name = f"{RESULTS_PREFIX}{coordinator_id(home.root)}.job-{job_id}"
    with Connection(rabbit.url) as conn, pytest.raises(Exception, match="NOT_FOUND"):
        conn.channel().queue_declare(name, passive=True)
    app.state.web.intake.stop()


def _photograph(base: str, job_id: str, name: str) -> None:
    """The job page in Chromium at an office PC's 1366×768 and a phone's 390 px: the remote line is there and
    nothing is wider than the screen."""
    if not CHROMIUM.exists():
        return
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            for label, viewport in (("pc", {"width": 1366, "height": 768}), ("phone", {"width": 390, "height": 844})):
                page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
                page.set_default_timeout(30_000)
                page.goto(base + "/login")
                sign_in(page, "vanthu")
                page.wait_for_url("**/intake")
                page.goto(f"{base}/intake/{job_id}")
                page.wait_for_function("() => document.getElementById('job-remote').textContent.includes('máy')")
                assert page.locator("#job-remote").is_visible()
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= viewport["width"], (label, width)
                page.screenshot(path=str(SHOTS / f"remote-job-{name}-{label}.png"))
                page.context.close()
        finally:
            browser.close()


def test_an_upload_while_the_broker_is_down_fails_with_the_reason_and_writes_nothing(slowbar, tmp_path):
    home = _home(tmp_path / "home")
    dead = f"amqp://minhchung:bi-mat-{free_port()}@127.0.0.1:{free_port()}//"
    config = Config(home, ocr=OcrSettings(engine="slowbar"), broker_url=dead, worker_token=TOKEN)
    app = create_app(config, intake_jobs=1, intake_blob_url="http://127.0.0.1:9")
    client = _clerk(app)
    job_id = _upload(client, bar_inbox(tmp_path / "in", [[[3]]]) / "Sở Nội vụ")
    job = _poll(client, job_id, lambda j: j["status"] in ("done", "failed"), 60, [])
    assert job["status"] == "failed", job
    html = client.get(f"/intake/{job_id}").text
    assert "Không kết nối được máy chủ hàng đợi (broker)" in html and "chưa có gì được ghi" in html
    assert "bi-mat" not in html + job["error"]
    with closing(connect(home.catalog)) as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
    app.state.web.intake.stop()


def test_serve_and_ingest_refuse_a_redis_broker_and_serve_an_unreachable_one_exit_2(tmp_path):
    """RabbitMQ only (README: Redis keeps no delivery count); ``serve`` checks its broker before serving."""
    env = {**os.environ, "MINHCHUNG_WORKER_TOKEN": TOKEN}
    home = tmp_path / "home"
    redis = "redis://:s3cret-password@127.0.0.1:6379/0"
    ingest = subprocess.run([*CLI, "--home", str(home), "ingest", str(bar_inbox(tmp_path / "in", [[[3]]])),
                             "--unit-from-folder", "--broker", redis], env=env, capture_output=True, text=True,
                            timeout=120)
    assert ingest.returncode == 2, ingest.stderr
    assert "(redis://) không được hỗ trợ: chỉ dùng RabbitMQ" in ingest.stderr and not home.exists()
    for url in (redis, f"amqp://minhchung:s3cret-password@127.0.0.1:{free_port()}//"):
        serve = subprocess.run([*CLI, "--home", str(home), "serve", "--port", str(free_port())],
                               env=env | {"MINHCHUNG_BROKER_URL": url}, capture_output=True, text=True, timeout=120)
        assert serve.returncode == 2, serve.stderr
        assert "không được hỗ trợ" in serve.stderr or "Không kết nối được máy chủ hàng đợi" in serve.stderr
        assert "s3cret-password" not in serve.stdout + serve.stderr
