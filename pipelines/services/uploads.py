"""Background intake: uploads are stored in a job folder and ingested by one worker thread, one at a time.

The worker thread belongs to the app (``app.state.web.intake``); it opens its own SQLite connection per job
(connections cannot cross threads) and runs the same :func:`pipelines.services.intake.ingest` as the CLI, whose
process pool does the OCR — or, when a broker is configured (``MINHCHUNG_BROKER_URL``) and ``serve`` gave the
address workers fetch originals from (its ``/internal/blobs`` route), the remote OCR workers, as
``ingest --broker`` does (each job with a results queue of its own: ``serve --workers N`` runs N intake threads).
Progress is stored in the catalog when the stage changes and at most twice a second (:func:`stored_progress`);
the polling endpoint reads it there, so every server process shows the same. The uploaded folder is removed
after the ingest: the originals are then in the blob store. A failed job keeps its reason as English text
(``error``) beside its message code (``error_code``); :meth:`Job.message` shows it in a language.
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
import queue
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ingest.sources import SUPPORTED, describe_unsupported, sniff
from pipelines.catalog import jobs as stored_jobs
from pipelines.catalog.db import connect, now
from pipelines.executors import PageResult, PageTask
from pipelines.executors.remote import RemoteExecutor, check_broker, coordinator_id
from pipelines.executors.remote_status import broker_status
from pipelines.i18n import DEFAULT_LANG, CodedError, Msg, code_of, params_of, stored_message, translate
from pipelines.services.config import Config
from pipelines.services.intake import IngestOptions, Progress, ingest

ACCEPTED = (*SUPPORTED, "zip")
JOB_INTERRUPTED_CODE = "job.interrupted"  # a job cut off by a server stop (its English text is stored)
KEEP_JOBS = 200
JOB_QUEUE_EXPIRES = 24 * 3600.0  # seconds an interrupted job's results queue stays on the broker
REMOTE_STATUS_AGE = 3.0  # seconds a look at the broker is shown again (every job page asks it while polling)
PROGRESS_STORED_EVERY = 0.5  # seconds between a running job's progress writes to the catalog (what every process shows)
PROGRESS_BUSY_MS = 200  # a progress write skipped when the catalog stays locked this long (the ingest goes on)
log = logging.getLogger("minhchung.web.intake")


class UploadError(CodedError, ValueError):
    """An upload that is refused as a whole (nothing stored): ``upload.no_files``, or ``upload.refused``
    naming each refused file with its reason."""


@dataclass
class Job:
    id: str
    user: str
    unit: str
    received: str
    files: list[str]
    folder: str
    created: str
    status: str = "queued"  # queued | running | done | failed
    stage: str = "queued"   # queued | discover | pages | classify | done
    done: int = 0
    total: int = 0
    started: str | None = None
    finished: str | None = None
    summary: dict | None = None
    quarantined: list[dict] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    error: str | None = None  # English (logs, the API); error_code its message code
    error_code: str | None = None

    def message(self, lang: str = DEFAULT_LANG) -> str | None:
        """Why the job failed, in ``lang`` (None when it did not)."""
        return stored_message(self.error_code, self.error, lang)


def safe_name(name: str | None, taken: set[str]) -> str:
    """A file name without any folder part or unsafe characters, unique within ``taken``."""
    base = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", Path((name or "").replace("\\", "/")).name).strip(" .")
    base = base[:150] or "tep-tai-len"
    candidate, n = base, 2
    while candidate.lower() in taken:
        stem, dot, ext = base.rpartition(".")
        candidate = f"{stem} ({n}).{ext}" if dot else f"{base} ({n})"
        n += 1
    taken.add(candidate.lower())
    return candidate


def store_uploads(folder: Path, uploads: list[tuple[str | None, BinaryIO]]) -> list[str]:
    """Copy the uploaded streams into ``folder`` after checking each one's type by its first bytes."""
    if not uploads:
        raise UploadError("upload.no_files")
    refused = []
    for name, stream in uploads:
        head = stream.read(2048)
        stream.seek(0)
        kind = sniff(head)
        if kind not in ACCEPTED:
            problem = describe_unsupported(kind, head)
            refused.append(Msg("upload.refused_file", {"name": name or Msg("upload.unnamed"),
                                                       "reason": Msg(problem.code, problem.params)}))
    if refused:
        raise UploadError("upload.refused", files=refused)
    folder.mkdir(parents=True, exist_ok=False)
    taken: set[str] = set()
    names = []
    for name, stream in uploads:
        target = folder / safe_name(name, taken)
        with open(target, "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        names.append(target.name)
    return names


class IntakeWorker:
    """One background thread that ingests queued jobs in order. Jobs are kept in the catalog (``jobs``), so
    the list survives a restart (a job cut off by one — its owning process gone — is marked failed when the
    next server process starts, while the jobs of other live processes are left alone). A job's progress is
    stored in the catalog (:func:`stored_progress`) and read from there by every process. One job of the data
    home is ingested at a time, whichever process took it (:data:`_INGESTING`: the ingest OCRs every pending page
    of the catalog, so two at once would read each other's pages); the others wait, queued."""

    def __init__(self, config: Config, jobs: int | None = None, blob_url: str | None = None) -> None:
        self.config = config
        self.home = config.home
        self.jobs = jobs or config.jobs
        self.blob_url = blob_url if config.broker_url else None  # set: pages go to the remote workers
        self._remote: tuple[float, dict] | None = None  # (when, broker_status) last asked
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._live: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._owned: dict[str, int] = {}  # job id → the open lock file this process holds while it owns the job
        with closing(connect(self.home.catalog)) as db:
            orphans = [job_id for job_id, folder in stored_jobs.unfinished(db) if not _owned_elsewhere(folder)]
            stored_jobs.interrupt(db, orphans, translate(JOB_INTERRUPTED_CODE, "en"), now(), JOB_INTERRUPTED_CODE)

    @property
    def uploads(self) -> Path:
        return self.home.root / "tmp" / "uploads"

    def new_folder(self, unit: str) -> tuple[str, Path]:
        job_id = secrets.token_hex(8)
        return job_id, self.uploads / job_id / safe_name(unit, set())

    def submit(self, job_id: str, folder: Path, files: list[str], unit: str, received: date, user: str) -> Job:
        job = Job(job_id, user, unit, received.isoformat(), files, str(folder), now())
        with self._lock:
            self._owned[job.id] = _own(folder)
            self._live[job.id] = job
            self._save(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="minhchung-intake", daemon=True)
                self._thread.start()
        self._queue.put(job.id)
        return self.get(job.id) or job

    def get(self, job_id: str) -> Job | None:
        """The job as stored: the same in every server process (a running job's progress at most
        :data:`PROGRESS_STORED_EVERY` late; two processes' own views would make it jump back and forth)."""
        with closing(connect(self.home.catalog)) as db:
            row = stored_jobs.get_job(db, job_id)
        return _from_row(row) if row else None

    def list(self, user: str | None = None) -> list[Job]:
        """The newest jobs first: of ``user``, or everyone's when ``user`` is None (an administrator)."""
        with closing(connect(self.home.catalog)) as db:
            rows = stored_jobs.list_jobs(db, user, KEEP_JOBS)
        return [_from_row(r) for r in rows]

    def remote_status(self) -> dict | None:
        """The remote OCR workers as ``status`` shows them (connected workers, queue depth, pages in flight),
        asked at most every :data:`REMOTE_STATUS_AGE` seconds; None when uploads are OCRed here."""
        if not self.blob_url or not self.config.broker_url:
            return None
        with self._lock:
            if self._remote and time.monotonic() - self._remote[0] < REMOTE_STATUS_AGE:
                return dict(self._remote[1])
        remote = broker_status(self.config.broker_url)
        with self._lock:
            self._remote = (time.monotonic(), remote)
        return dict(remote)

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _save(self, job: Job, busy_ms: int | None = None) -> None:
        with closing(connect(self.home.catalog)) as db:
            if busy_ms is not None:  # (a progress write waits this long for the catalog, not the usual 30 s)
                db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            stored_jobs.save_job(db, dataclasses.asdict(job))

    def _update(self, job_id: str, *, persist: bool = True, best_effort: bool = False, **values: object) -> None:
        """Change a live job; ``persist`` stores it too (``best_effort``: a busy catalog skips the write, as for
        progress, which the next write catches up)."""
        with self._lock:
            job = self._live[job_id]
            for key, value in values.items():
                setattr(job, key, value)
            if persist:
                try:
                    self._save(job, PROGRESS_BUSY_MS if best_effort else None)
                except sqlite3.OperationalError as exc:
                    if not best_effort:
                        raise
                    log.info("intake job %s: progress not stored this time (%s)", job_id, exc)
            if job.status in ("done", "failed"):
                del self._live[job_id]
                owned = self._owned.pop(job_id, None)
                if owned is not None:
                    os.close(owned)

    def _run(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                self._process(job_id)
            except Exception as exc:  # one bad job must not stop the worker; the clerk sees the reason
                log.exception("intake job %s failed", job_id)
                code = code_of(exc)
                params = params_of(exc) if code else {"detail": f"{type(exc).__name__}: {exc}"}
                code = code or "job.failed"
                self._update(job_id, status="failed", stage="done", error=translate(code, "en", **params),
                             error_code=code, finished=now())

    def _process(self, job_id: str) -> None:
        with _ingesting(self.home.root):  # (queued while another process's job is ingested)
            self._ingest(job_id)

    def _ingest(self, job_id: str) -> None:
        job = self.get(job_id)
        assert job is not None
        self._update(job_id, status="running", stage="discover", started=now())

        progress = stored_progress(lambda **values: self._update(job_id, best_effort=True, **values))

        folder = Path(job.folder)
        opts = IngestOptions(unit=job.unit, received=date.fromisoformat(job.received), jobs=self.jobs,
                             settings=self.config.ocr_settings(), es_url=self.config.es_url)
        db = connect(self.home.catalog)
        try:
            if self.blob_url and self.config.broker_url:
                check_broker(self.config.broker_url)  # unreachable: the job fails with the reason, nothing written
            summary = ingest(self.home, db, [folder], opts, progress, self._executor(db, job_id, progress))
            docs = stored_jobs.documents_under(db, _like_prefix(folder))
        finally:
            db.close()
            shutil.rmtree(folder.parent, ignore_errors=True)
        self._update(job_id, status="done", stage="done", summary=summary.to_dict(),
                     quarantined=summary.quarantined, documents=docs, finished=now())

    def _executor(self, db: sqlite3.Connection, job_id: str, progress: Progress) -> _Sent | None:
        """The remote workers' executor of one job (None: the local pool)."""
        if not self.blob_url or not self.config.broker_url:
            return None

        def notice(code: str, params: dict) -> None:
            log.info("intake job %s: %s", job_id, translate(code, "en", **params))

        return _Sent(RemoteExecutor(self.config.broker_url, self.blob_url,
                                    f"{coordinator_id(self.home.root)}.job-{job_id}", db, notice=notice,
                                    results_expire=JOB_QUEUE_EXPIRES), progress)


@dataclass
class _Sent:
    """A remote executor that shows the pages' count (0 of N) as soon as they are sent: with no worker free
    they may wait in the queue a long time, and the job page says how many."""

    executor: RemoteExecutor
    progress: Progress

    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        self.progress("pages", 0, len(tasks))
        self.executor.run(tasks, on_result)


# A job belongs to the server process that took it: that process holds an exclusive lock on the job folder's
# lock file until the job ends (``serve --workers N`` runs N processes, each with its own intake thread, and a
# process that starts must not fail the jobs another one is running; a lock dies with its process).
_OWNER = ".owner"
_INGESTING = "ingesting.lock"  # in the data home's tmp/: held by the process whose intake thread is ingesting


@contextmanager
def _ingesting(root: Path) -> Iterator[None]:
    """Wait for, then hold, the data home's ingest lock (every server process's intake thread takes it)."""
    path = root / "tmp" / _INGESTING
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # (closing releases the lock)


def _own(folder: Path) -> int:
    """Lock the job (``folder``: its unit folder, inside the job folder): the lock file's descriptor."""
    fd = os.open(folder.parent / _OWNER, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new folder: nobody else can hold it
    return fd


def _owned_elsewhere(folder: str) -> bool:
    """Is a live process holding the job of ``folder``? (A job whose folder is gone has no owner.)"""
    try:
        fd = os.open(Path(folder).parent / _OWNER, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # (closing releases a lock taken here)
    return False


def _from_row(row: dict) -> Job:
    return Job(**row)


def _like_prefix(folder: Path) -> str:
    text = str(folder.resolve()) + os.sep
    return re.sub(r"([\\%_])", r"\\\1", text) + "%"


def stored_progress(update: Callable[..., None], every: float = PROGRESS_STORED_EVERY,
                    clock: Callable[[], float] = time.monotonic) -> Progress:
    """A job's progress callback for the ingest: ``update(persist=…, stage=…, done=…, total=…)`` on every call,
    stored (``persist``) when the stage changes, when its count is complete (the steps after the pages call
    no more) and otherwise at most once every ``every`` seconds: every process of ``serve --workers N`` shows
    a job as stored, at most that late."""
    last_at: float | None = None
    last_stage: str | None = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_at, last_stage
        at = clock()
        due = stage != last_stage or last_at is None or at - last_at >= every or (total > 0 and done >= total)
        if due:
            last_at, last_stage = at, stage
        update(persist=due, stage=stage, done=done, total=total)

    return progress

