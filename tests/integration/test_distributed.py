"""Distributed OCR (issue 13): a private RabbitMQ node (Debian's rabbitmq-server), real ``minhchung worker``
processes, ``ingest --broker`` as a real coordinator process. As root, one worker runs in its own network
namespace (ip netns + veth) and reaches the broker and the coordinator's blob server only over that link."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from clihelp import run_cli
from distributed_support import (
    CLI,
    RABBIT_MISSING,
    TOKEN,
    RabbitNode,
    bar_inbox,
    free_port,
    rabbit_available,
    start_worker,
    wait_ready,
    worker_env,
)

pytestmark = pytest.mark.skipif(not rabbit_available(), reason=RABBIT_MISSING)
TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


def _export(home: Path) -> list[dict]:
    out = run_cli("--home", str(home), "export", check_codes=(0,)).stdout.splitlines()
    return sorted((json.loads(line) for line in out), key=lambda r: (r.get("source") or "", r.get("id") or ""))


def _engine_log(log: Path) -> tuple[Counter, Counter]:
    starts, ends = Counter(), Counter()
    for line in log.read_text().splitlines() if log.exists() else []:
        what, _, key = line.split()
        (starts if what == "start" else ends)[key] += 1
    return starts, ends


def _ingest(rabbit: RabbitNode, home: Path, inbox: Path, port: int, env: dict, *extra: str,
            broker: str | None = None) -> subprocess.Popen:
    args = [*CLI, "--home", str(home), "ingest", str(inbox), "--unit-from-folder", "--json",
            "--broker", broker or rabbit.url, "--blob-listen", f"0.0.0.0:{port}", *extra]
    return subprocess.Popen(args, env=worker_env(rabbit.url, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _count_done(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path) as db:
            return db.execute("SELECT COUNT(*) FROM pages WHERE method='ocr' AND status='done'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


class NetNs:
    """A network namespace joined to this one by a veth pair: host side .1, namespace side .2."""

    def __init__(self, name: str, subnet: int) -> None:
        self.name, self.host_if, self.ns_if = name, f"{name}a", f"{name}b"
        self.host_ip, self.ns_ip = f"10.231.{subnet}.1", f"10.231.{subnet}.2"

    def __enter__(self) -> NetNs:
        def ip(*args: str) -> None:
            subprocess.run(["ip", *args], check=True, capture_output=True)

        ip("netns", "add", self.name)
        ip("link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if)
        ip("link", "set", self.ns_if, "netns", self.name)
        ip("addr", "add", f"{self.host_ip}/30", "dev", self.host_if)
        ip("link", "set", self.host_if, "up")
        ip("netns", "exec", self.name, "ip", "addr", "add", f"{self.ns_ip}/30", "dev", self.ns_if)
        ip("netns", "exec", self.name, "ip", "link", "set", self.ns_if, "up")
        ip("netns", "exec", self.name, "ip", "link", "set", "lo", "up")
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        subprocess.run(["ip", "link", "del", self.host_if], capture_output=True)

    @property
    def prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.name]


def _can_netns() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None


def test_distributed_ingest_of_the_sample_inbox_equals_the_local_one(rabbit, ingested, tmp_path):
    """Two workers (one behind a veth link in its own network namespace when root) and the warm OCR cache:
    the catalog exported after the distributed ingest equals the one after the local ingest; ``status``
    shows the two workers."""
    cache = {"MINHCHUNG_OCR_CACHE": os.environ.get("MINHCHUNG_OCR_CACHE", str(REPO / ".cache" / "ocr"))}
    workers = []
    with NetNs(f"mc{os.getpid() % 10000}", os.getpid() % 200 + 20) if _can_netns() else _NoNs() as ns:
        host = ns.host_ip if ns else "127.0.0.1"
        broker = rabbit.url_for(host)
        try:
            workers.append(start_worker(rabbit.url, tmp_path / "w1", "local", env=cache))
            workers.append(start_worker(broker, tmp_path / "w2", "remote", env=cache, prefix=ns.prefix if ns else None))
            for w in workers:
                wait_ready(w)
            _status_shows_the_workers(ingested["home"], broker, rabbit.password)
            home = tmp_path / "home"
            proc = _ingest(rabbit, home, ingested["root"], free_port(), cache, broker=broker)
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 3, err  # the sample inbox has bad files on purpose
            assert rabbit.password not in out + err
            summary = json.loads(out)
            local = ingested["summary"]
            for key in ("pages_text", "pages_failed", "new_files", "documents"):
                assert summary[key] == local[key], key
            assert summary["pages_ocr"] + summary["pages_cached"] == local["pages_ocr"] + local["pages_cached"]
            assert _export(home) == _export(ingested["home"])
            assert all("succeeded" in w.text() for w in workers), [w.text()[-2000:] for w in workers]
        finally:
            for w in workers:
                w.kill(signal.SIGTERM)


def _status_shows_the_workers(home: Path, broker: str, password: str) -> None:
    """``status`` (text and JSON) with two idle workers: who is connected, the queue, the pages in flight."""
    proc = run_cli("--home", str(home), "status", "--json", env={"MINHCHUNG_BROKER_URL": broker}, check_codes=(0,))
    remote = json.loads(proc.stdout)["remote"]
    assert sorted(w["name"] for w in remote["workers"]) == ["local@test", "remote@test"]
    assert [w["processes"] for w in remote["workers"]] == [1, 1]
    assert remote["queue_depth"] == 0 and remote["in_flight"] == 0
    text = run_cli("--home", str(home), "status", env={"MINHCHUNG_BROKER_URL": broker}, check_codes=(0,)).stdout
    assert "2 máy kết nối, 0 trang chờ trong hàng đợi, 0 trang đang xử lý" in text
    assert password not in proc.stdout + proc.stderr + text


class _NoNs:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_worker_killed_mid_page_gives_the_page_to_another_worker_and_it_is_done_once(rabbit, slowbar, tmp_path):
    env, log = slowbar
    rabbit.purge()
    inbox = bar_inbox(tmp_path / "in", [[[3, 5]], [[2], [4]]])
    first = start_worker(rabbit.url, tmp_path / "w1", "doomed", env=env | {"SLOWBAR_SECONDS": "30"},
                         imports=("distributed_engine",))
    second = None
    try:
        wait_ready(first)
        proc = _ingest(rabbit, tmp_path / "home", inbox, free_port(), env)
        _wait_until(lambda: _engine_log(log)[0], 120, "the first page to start")
        first.kill(signal.SIGKILL)  # the whole worker (main process and its pool) dies mid-page
        second = start_worker(rabbit.url, tmp_path / "w2", "heir", env=env | {"SLOWBAR_SECONDS": "0.2"},
                              imports=("distributed_engine",))
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        summary = json.loads(out)
        assert summary["pages_ocr"] == 2 and summary["pages_failed"] == 0
        starts, ends = _engine_log(log)
        assert sorted(starts.values()) == [1, 2]  # the killed page was started twice…
        assert set(ends.values()) == {1} and len(ends) == 2  # …and each page was read to the end once
    finally:
        first.kill()
        if second:
            second.kill(signal.SIGTERM)


def test_a_page_that_kills_every_worker_is_quarantined_after_n_deliveries(rabbit, slowbar, tmp_path):
    env, log = slowbar
    rabbit.purge()
    inbox = bar_inbox(tmp_path / "in", [[[0]], [[3]]])  # dust (ocr_test_engine.DUST): ink it cannot read; "die" kills
    worker = start_worker(rabbit.url, tmp_path / "w1", "victim", env=env, imports=("distributed_engine",))
    try:
        wait_ready(worker)
        proc = _ingest(rabbit, tmp_path / "home", inbox, free_port(), env, "--lang", "die", "--max-deliveries", "2")
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 3, err
        summary = json.loads(out)
        assert summary["pages_ocr"] == 1 and summary["pages_failed"] == 1
        [bad] = summary["quarantined"]
        assert bad["source"].endswith("trang 1.png")
        assert "làm dừng đột ngột máy nhận dạng chữ (OCR) 2 lần" in bad["message"]
        with sqlite3.connect(tmp_path / "home" / "catalog.sqlite3") as db:
            assert db.execute("SELECT error_code FROM pages WHERE status='failed'").fetchall() == [
                ("remote.page_kills_workers",)]
        starts, _ = _engine_log(log)
        assert sorted(starts.values()) == [1, 2]  # the unreadable page was tried twice, never a third time
        assert worker.proc.poll() is None  # the worker itself lives on
    finally:
        worker.kill(signal.SIGTERM)


def test_coordinator_killed_mid_batch_rerun_finishes_and_ocrs_nothing_twice(rabbit, slowbar, tmp_path):
    env, log = slowbar
    rabbit.purge()
    inbox = bar_inbox(tmp_path / "in", [[[n]] for n in range(2, 8)])  # six one-page files
    worker = start_worker(rabbit.url, tmp_path / "w1", "steady", env=env | {"SLOWBAR_SECONDS": "1"},
                          imports=("distributed_engine",))
    home, port = tmp_path / "home", free_port()
    db_path = home / "catalog.sqlite3"
    try:
        wait_ready(worker)
        proc = _ingest(rabbit, home, inbox, port, env)
        _wait_until(lambda: _count_done(db_path) >= 2, 120, "two pages committed")
        os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its blob server, mid-batch
        proc.wait()
        with sqlite3.connect(db_path) as db:
            pending = db.execute("SELECT COUNT(*) FROM pages WHERE status='pending'").fetchone()[0]
        assert pending > 0
        rerun = _ingest(rabbit, home, inbox, port, env)  # the same command (the same blob server port)
        out, err = rerun.communicate(timeout=180)
        assert rerun.returncode == 0, out + err
        summary = json.loads(out)
        assert summary["pages_ocr"] + summary["pages_cached"] == pending  # the rest, nothing lost
        assert _count_done(db_path) == 6
        starts, ends = _engine_log(log)
        assert len(ends) == 6 and set(ends.values()) == {1}  # nothing OCRed twice
        with sqlite3.connect(db_path) as db:
            assert db.execute("SELECT COUNT(*) FROM remote_tasks").fetchone()[0] == 0
    finally:
        worker.kill(signal.SIGTERM)


def test_broker_unreachable_at_start_is_a_clear_error_exit_2_and_nothing_is_written(tmp_path):
    url = f"amqp://minhchung:s3cret-password@127.0.0.1:{free_port()}//"
    home = tmp_path / "home"
    inbox = bar_inbox(tmp_path / "in", [[[3]]])
    proc = subprocess.run([*CLI, "--home", str(home), "ingest", str(inbox), "--unit-from-folder",
                           "--broker", url], env={**os.environ, "MINHCHUNG_WORKER_TOKEN": TOKEN},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Không kết nối được máy chủ hàng đợi (broker) amqp://minhchung:***@127.0.0.1" in proc.stderr
    assert "s3cret-password" not in proc.stdout + proc.stderr
    assert not home.exists()
    worker = subprocess.run([*CLI, "--home", str(home), "worker"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "MINHCHUNG_WORKER_TOKEN": TOKEN, "MINHCHUNG_BROKER_URL": url})
    assert worker.returncode == 2 and "s3cret-password" not in worker.stdout + worker.stderr
    assert "Không kết nối được máy chủ hàng đợi" in worker.stderr


def test_ingest_with_a_broker_needs_a_worker_token(rabbit, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MINHCHUNG_WORKER_TOKEN"}
    inbox = bar_inbox(tmp_path / "in", [[[3]]])
    proc = subprocess.run([*CLI, "--home", str(tmp_path / "home"), "ingest", str(inbox), "--broker", rabbit.url],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "MINHCHUNG_WORKER_TOKEN" in proc.stderr
    assert not (tmp_path / "home").exists()


def test_a_task_lost_before_it_reached_the_broker_is_sent_again(rabbit, slowbar, tmp_path, monkeypatch):
    """The coordinator (here in this process) commits a page's task id before publishing it; a publish that
    never reached the broker (as when the coordinator dies in between) is found when nothing moves — no
    result, no page waiting, no worker holding it — and sent again."""
    env, log = slowbar
    rabbit.purge()
    inbox = bar_inbox(tmp_path / "in", [[[3]], [[4, 2]]])
    import distributed_engine  # noqa: F401 (the coordinator must know the engine's name)

    from ingest.ocr import OcrSettings
    from pipelines.catalog.db import connect
    from pipelines.catalog.home import Home
    from pipelines.executors.remote import RemoteExecutor
    from pipelines.services.intake import IngestOptions, ingest
    from pipelines.web.blobs import BlobServer

    worker = start_worker(rabbit.url, tmp_path / "w1", "patient", env=env, imports=("distributed_engine",))
    home = Home(tmp_path / "home")
    home.create()
    db = connect(home.catalog)
    notices: list[tuple[str, dict]] = []
    try:
        wait_ready(worker)
        with BlobServer(home.blobs, TOKEN, "127.0.0.1", 0) as server:
            executor = RemoteExecutor(rabbit.url, f"http://127.0.0.1:{server.port}", "lost-test", db, idle_check=2,
                                      notice=lambda code, params: notices.append((code, params)))
            published, send = [], executor.app.send_task

            def lossy(name, **kwargs):
                published.append(kwargs["task_id"])
                return None if len(published) == 1 else send(name, **kwargs)  # the first one is lost

            monkeypatch.setattr(executor.app, "send_task", lossy)
            summary = ingest(home, db, [inbox], IngestOptions(unit_from_folder=True,
                                                              settings=OcrSettings(engine="slowbar")),
                             executor=executor)
        assert summary.pages_ocr == 2 and summary.pages_failed == 0
        assert ("remote.resent", {"count": 1}) in notices
        assert len(published) == 3
        assert db.execute("SELECT COUNT(*) FROM remote_tasks").fetchone()[0] == 0

        # Results are recorded idempotently: a second result for a page already recorded (a redelivery after
        # a commit whose ack was lost) is acknowledged and ignored by the next run.
        sha, text = db.execute("SELECT sha256, text FROM pages ORDER BY sha256 LIMIT 1").fetchone()
        _publish_result(rabbit.url, executor.coordinator_id, {"sha256": sha, "n": 1, "ok": True, "page": {
            "text": "BẢN TRÙNG", "words": [], "confidence": 1.0, "width": 1, "height": 1, "matrix": [], "steps": []}})
        more = bar_inbox(tmp_path / "more", [[[5, 5, 5]]])
        with BlobServer(home.blobs, TOKEN, "127.0.0.1", 0) as server:
            executor = RemoteExecutor(rabbit.url, f"http://127.0.0.1:{server.port}", "lost-test", db)
            again = ingest(home, db, [more], IngestOptions(unit_from_folder=True,
                                                           settings=OcrSettings(engine="slowbar")), executor=executor)
        assert again.pages_ocr == 1
        assert db.execute("SELECT text FROM pages WHERE sha256=? AND n=1", (sha,)).fetchone()[0] == text
        assert _results_waiting(rabbit.url, "lost-test") == 0
    finally:
        db.close()
        worker.kill(signal.SIGTERM)


def _publish_result(url: str, coordinator: str, body: dict) -> None:
    from kombu import Connection

    from pipelines.executors.celery_app import results_queue

    with Connection(url) as conn:
        queue = results_queue(coordinator)(conn.channel())
        queue.declare()
        conn.Producer().publish(body, exchange="", routing_key=queue.name, serializer="json", delivery_mode=2)


def _results_waiting(url: str, coordinator: str) -> int:
    from kombu import Connection

    from pipelines.executors.celery_app import results_queue

    with Connection(url) as conn:
        return results_queue(coordinator)(conn.channel()).queue_declare(passive=True).message_count
