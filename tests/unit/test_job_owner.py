"""``serve --workers N`` runs N processes, each with its own intake thread: a process that starts fails the
upload jobs left unfinished by a stopped server, never those another live process is running."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from pipelines.catalog import jobs as stored_jobs
from pipelines.catalog.db import connect, now
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.uploads import IntakeWorker, Job

HOLD = """import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


def _job(db, job_id: str, folder: Path, status: str = "running") -> None:
    stored_jobs.save_job(db, dataclasses.asdict(Job(job_id, "vanthu", "Sở Nội vụ", "2024-03-01", ["a.pdf"],
                                                    str(folder), now(), status=status)))


def _status(home: Home, job_id: str) -> tuple[str, str | None]:
    with closing(connect(home.catalog)) as db:
        job = stored_jobs.get_job(db, job_id)
    return job["status"], job["error_code"]


def test_a_starting_process_fails_only_the_jobs_no_live_process_owns(tmp_path):
    home = Home(tmp_path / "home")
    home.create()
    folders = {name: home.root / "tmp" / "uploads" / name / "Sở Nội vụ" for name in ("alive", "orphan", "gone")}
    for name in ("alive", "orphan"):
        folders[name].mkdir(parents=True)
    with closing(connect(home.catalog)) as db:
        _job(db, "alive", folders["alive"])
        _job(db, "orphan", folders["orphan"], status="queued")
        _job(db, "gone", folders["gone"])
    owner = subprocess.Popen([sys.executable, "-c", HOLD, str(folders["alive"].parent / ".owner")],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "held"  # another server process runs the job "alive"
        IntakeWorker(Config(home)).stop()
        assert _status(home, "alive") == ("running", None)
        assert _status(home, "orphan") == ("failed", "job.interrupted")
        assert _status(home, "gone") == ("failed", "job.interrupted")
    finally:
        owner.kill()
        owner.wait()
    IntakeWorker(Config(home)).stop()  # its owner is gone now
    assert _status(home, "alive") == ("failed", "job.interrupted")


def test_progress_is_stored_when_the_stage_changes_and_at_most_every_interval():
    """Every process of ``serve --workers N`` shows a job's progress from the catalog, where it is written on each
    new stage and at most once per interval in between."""
    from pipelines.services.uploads import stored_progress

    calls: list[dict] = []
    clock = [100.0]
    progress = stored_progress(lambda **values: calls.append(values), every=1.0, clock=lambda: clock[0])
    for at, stage, done in ((100.0, "discover", 0), (100.2, "ocr", 0), (100.5, "ocr", 1), (101.1, "ocr", 2),
                            (101.3, "ocr", 3), (102.2, "ocr", 4), (102.3, "classify", 0)):
        clock[0] = at
        progress(stage, done, 9)
    assert [c["persist"] for c in calls] == [True, True, False, False, True, False, True]
    assert all(c["total"] == 9 for c in calls) and [c["done"] for c in calls] == [0, 0, 1, 2, 3, 4, 0]


def test_a_progress_write_on_a_locked_catalog_is_skipped_not_waited_for(tmp_path):
    """The ingest calls the progress callback on its own thread: a write that waited the catalog's usual 30 s for
    a lock would hold the job up; a progress write gives up after PROGRESS_BUSY_MS and the next one catches up."""
    import sqlite3
    import time

    from pipelines.services.uploads import PROGRESS_BUSY_MS

    home = Home(tmp_path / "home")
    home.create()
    worker = IntakeWorker(Config(home))
    job = Job("j1", "vanthu", "Sở Nội vụ", "2024-03-01", ["a.pdf"], str(home.root / "tmp" / "j1"), now())
    worker._live["j1"] = job  # (a running job, as submit and the intake thread make it)
    worker._update("j1", status="running", stage="pages", done=0, total=2)
    locker = sqlite3.connect(home.catalog, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the catalog
    try:
        started = time.monotonic()
        worker._update("j1", best_effort=True, stage="pages", done=1, total=2)
        assert time.monotonic() - started < 10 * PROGRESS_BUSY_MS / 1000  # not the 30 s busy timeout
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert worker.get("j1").done == 0  # the write was skipped; the next one stores the progress
    worker._update("j1", best_effort=True, stage="pages", done=2, total=2)
    assert worker.get("j1").done == 2
    worker.stop()


def test_one_job_of_a_data_home_is_ingested_at_a_time_whichever_process_took_it(tmp_path):
    """The ingest reads every pending page of the catalog: while another process ingests (it holds
    tmp/ingesting.lock), a job taken here stays queued, then runs once the lock is free."""
    import time
    from datetime import date

    home = Home(tmp_path / "home")
    home.create()
    lock = home.root / "tmp" / "ingesting.lock"
    other = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True)
    worker = IntakeWorker(Config(home), jobs=1)
    try:
        assert other.stdout.readline().strip() == "held"
        job_id, folder = worker.new_folder("Sở Nội vụ")
        folder.mkdir(parents=True)
        (folder / "ghi chu.txt").write_text("không phải bản quét", encoding="utf-8")
        worker.submit(job_id, folder, ["ghi chu.txt"], "Sở Nội vụ", date(2024, 3, 1), "vanthu")
        time.sleep(1.5)
        assert worker.get(job_id).status == "queued"
    finally:
        other.kill()
        other.wait()
    deadline = time.monotonic() + 60
    while worker.get(job_id).status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert worker.get(job_id).status == "done" and len(worker.get(job_id).quarantined) == 1
    worker.stop()


def test_the_last_count_of_a_stage_is_stored():
    from pipelines.services.uploads import stored_progress

    calls: list[dict] = []
    progress = stored_progress(lambda **values: calls.append(values), every=0.5, clock=lambda: 7.0)
    for done in range(4):  # all within the interval: the complete count is stored all the same
        progress("pages", done, 3)
    assert [c["persist"] for c in calls] == [True, False, False, True]
