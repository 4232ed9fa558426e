"""The ingest batch: discover sources, store originals, plan pages, OCR them through a page executor.

Why a file was quarantined is decided here and stored on the file (``files.error``) or, for a zip entry
that was refused before any content was read, on the source (``sources.error``), as English text beside its
message code (``error_code``: the libraries' ``SourceError``/``PageError`` codes, ``unit.missing``, a failed
page's code in ``pages.error_code``). The statements are in
:mod:`pipelines.catalog.files`; where the OCR runs is the executor's business (default: a local process pool).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from classify.indexset import IndexSetError
from ingest import engines
from ingest.ocr import OcrSettings
from ingest.pages import DEFAULT_PIXEL_LIMIT, PageError, inspect
from ingest.pdfimage import page_jpeg_bytes
from ingest.sources import SUPPORTED, SourceError, SourceItem, ZipLimits, describe_unsupported, iter_sources, sniff
from pipelines.catalog import documents, files
from pipelines.catalog.db import Tx
from pipelines.catalog.files import SourceRow
from pipelines.catalog.home import Home
from pipelines.executors import LocalPoolExecutor, PageExecutor, PageResult, PageTask
from pipelines.i18n import DEFAULT_LANG, translate
from pipelines.services.active import active_index_set
from pipelines.services.classify import Classifier, classify_file, classify_pending
from pipelines.services.search import drain_outbox
from pipelines.services.status import quarantined


@dataclass
class IngestOptions:
    unit: str | None = None
    unit_from_folder: bool = False
    received: date | None = None
    jobs: int = max(1, os.cpu_count() or 1)
    ocr: str = "auto"  # auto | force | skip
    dpi: int = 300
    settings: OcrSettings = field(default_factory=OcrSettings)
    pixel_limit: int = DEFAULT_PIXEL_LIMIT
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    index_set: str | None = None  # None: the catalog's (or the default)
    es_url: str | None = None  # Elasticsearch fed from the outbox after the batch (Config.es_url)
    lang: str = DEFAULT_LANG  # the language of the summary's quarantine messages


@dataclass(frozen=True)
class Problem:
    """Why a file is quarantined: its message code and English text, as stored."""

    code: str
    text: str

    @classmethod
    def of(cls, exc: SourceError | PageError) -> Problem:
        return cls(exc.code, str(exc))


NO_UNIT = Problem("unit.missing", translate("unit.missing", "en"))
BLANK = Problem("page.blank", translate("page.blank", "en"))  # not a problem: why a page has no text


@dataclass
class Summary:
    sources: int = 0
    new_files: int = 0
    unchanged: int = 0
    duplicates: list[dict] = field(default_factory=list)
    archives: int = 0
    quarantined: list[dict] = field(default_factory=list)
    pages_text: int = 0
    pages_ocr: int = 0
    pages_cached: int = 0
    pages_not_ocred: int = 0
    pages_blank: int = 0  # no ink: recorded with the reason page.blank, not OCRed
    pages_failed: int = 0
    files_classified: int = 0
    documents: int = 0
    search_warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def ingest(home: Home, db: sqlite3.Connection, paths: list[Path], opts: IngestOptions,
           progress: Progress | None = None, executor: PageExecutor | None = None) -> Summary:
    """Ingest ``paths``; pages to OCR go to ``executor`` (default: a local pool of ``opts.jobs`` processes).

    Raises :class:`ingest.ocr.OcrError` before reading anything when the OCR engine is not known."""
    start = time.perf_counter()
    summary = Summary()
    if opts.ocr != "skip":
        engines.ensure_known(opts.settings.engine)  # a usage error, not a quarantine of every file
    home.create()
    files.start_batch(db)
    for item in iter_sources(paths, opts.zip_limits):
        summary.sources += 1
        files.add_to_batch(db, item.location)
        _discover(home, db, item, opts, summary)
        if progress:
            progress("discover", summary.sources, 0)
    if executor is None:
        executor = LocalPoolExecutor(opts.jobs, home.blobs, home.ocr_cache)
    classifier, early = _run_pages(db, home, opts, summary, executor, progress)
    classified, _ = classify_pending(db, classifier, index_set_ref=opts.index_set)
    classified_files = early | set(classified)  # (a file may be classified again with its run)
    summary.files_classified = len(classified_files)
    summary.documents = documents.count_of_files(db, classified_files)
    summary.search_warnings = drain_outbox(db, opts.es_url)
    summary.quarantined = quarantined(db, batch=True, lang=opts.lang)
    summary.seconds = round(time.perf_counter() - start, 3)
    return summary


def _unit_for(item: SourceItem, opts: IngestOptions) -> tuple[str | None, Problem | None]:
    if opts.unit:
        return opts.unit, None
    if opts.unit_from_folder:
        if item.unit_hint:
            return item.unit_hint, None
        return None, NO_UNIT
    return None, None


def _discover(home: Home, db: sqlite3.Connection, item: SourceItem, opts: IngestOptions,
              summary: Summary) -> None:
    unit, unit_error = _unit_for(item, opts)
    received = (opts.received or item.mtime.date()).isoformat()
    mtime = item.mtime.isoformat(timespec="seconds")
    if item.opener is None:  # refused before reading: nothing to store
        with Tx(db):
            if not files.refused_source_known(db, item.location):
                problem = Problem.of(item.error) if item.error is not None else None
                files.insert_source(db, SourceRow(item.location, item.source, None, unit, received, item.size,
                                                  mtime, problem and problem.text,
                                                  error_code=problem and problem.code))
        return
    if files.unchanged_source(db, item.location, item.size, mtime):
        summary.unchanged += 1  # same place, same size and time: same content, no need to read it again
        return
    with item.open() as stream:
        sha, size = home.store(stream)
    with Tx(db):
        if files.source_has_content(db, item.location, sha):
            files.touch_source(db, item.location, sha, mtime, size)
            summary.unchanged += 1
            return
        first = files.first_source_of(db, sha)
        files.insert_source(db, SourceRow(item.location, item.source, sha, unit, received, size, mtime,
                                          unit_error and unit_error.text, first["id"] if first else None,
                                          unit_error and unit_error.code))
        if first:
            summary.duplicates.append({"source": item.source, "same_as": first["source"], "sha256": sha})
            return
        _plan_file(home, db, sha, size, item, opts, summary, unit_error)


def _plan_file(home: Home, db: sqlite3.Connection, sha: str, size: int, item: SourceItem,
               opts: IngestOptions, summary: Summary, unit_error: Problem | None) -> None:
    blob = home.blob_path(sha)
    with open(blob, "rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)

    def add_file(status: str, problem: Problem | None) -> None:
        files.insert_file(db, sha, kind, size, opts.dpi, opts.ocr, status, problem and problem.text,
                          problem and problem.code)

    if item.is_archive:
        problem = Problem.of(item.error) if item.error is not None else None
        add_file("quarantined" if problem else "archive", problem)
        summary.archives += 1
        return
    summary.new_files += 1
    problem = unit_error
    if problem is None and kind not in SUPPORTED:
        problem = Problem.of(describe_unsupported(kind, head))
    info = None
    if problem is None:
        try:
            info = inspect(blob, kind, opts.dpi, opts.pixel_limit)
        except PageError as exc:
            problem = Problem.of(exc)
    if info is None:
        add_file("quarantined", problem)
        return
    add_file("pending", None)
    files.set_page_count(db, sha, info.page_count)
    for n in range(1, info.page_count + 1):
        if n in info.text_layer and opts.ocr != "force":
            files.add_text_page(db, sha, n, info.text_layer[n])
            summary.pages_text += 1
        elif opts.ocr == "skip":
            files.add_skipped_page(db, sha, n)
            summary.pages_not_ocred += 1
        else:
            files.add_ocr_page(db, sha, n)
    if not files.has_pending_pages(db, sha):
        files.finish_file(db, sha)


def _run_pages(db: sqlite3.Connection, home: Home, opts: IngestOptions, summary: Summary, executor: PageExecutor,
               progress: Progress | None) -> tuple[Classifier | None, set[str]]:
    """OCR the pending pages; each file is classified as soon as its last page is in, while the workers read
    the next pages. Returns the classifier it built for that (None when it built none) and the files
    classified."""
    tasks = [PageTask(p.sha256, p.n, p.kind, p.dpi or opts.dpi, opts.settings, opts.pixel_limit)
             for p in files.pending_pages(db)]
    if not tasks:
        return None, set()
    tasks = smallest_last(tasks, page_weights(home, tasks), 2 * opts.jobs)
    recorder = _Recorder(db, summary, Counter(t.sha256 for t in tasks), len(tasks), progress, opts.index_set)
    executor.run(tasks, recorder)
    return recorder.classifier, recorder.classified


def page_weights(home: Home, tasks: list[PageTask]) -> dict[tuple[str, int], float]:
    """A cheap guess of each page's OCR work: the bytes of a scanned PDF page's JPEG, else the file's bytes per
    page (:func:`ingest.pdfimage.page_jpeg_bytes`; ~10 ms a PDF)."""
    counts = Counter(t.sha256 for t in tasks)
    per_file: dict[str, tuple[dict[int, int], float]] = {}
    weights: dict[tuple[str, int], float] = {}
    for t in tasks:
        if t.sha256 not in per_file:
            blob = home.blob_path(t.sha256)
            size = blob.stat().st_size if blob.exists() else 0
            per_file[t.sha256] = (page_jpeg_bytes(blob) if t.kind == "pdf" else {}, size / counts[t.sha256])
        jpegs, per_page = per_file[t.sha256]
        weights[(t.sha256, t.n)] = jpegs.get(t.n) or per_page
    return weights


def smallest_last(tasks: list[PageTask], weights: dict[tuple[str, int], float], tail: int) -> list[PageTask]:
    """The tasks in their order, but the ``tail`` lightest pages moved to the end, heaviest of them first: the
    batch ends with short pages on every worker instead of one long page read while the other workers wait
    (on the three sample PDFs, 9 pages on 2 workers, ~0.5 s of 8.5). The other files still come in in order,
    so they are classified while the workers read."""
    if len(tasks) <= tail:
        return sorted(tasks, key=lambda t: -weights.get((t.sha256, t.n), 0.0))
    light = set(sorted(range(len(tasks)), key=lambda i: weights.get((tasks[i].sha256, tasks[i].n), 0.0))[:tail])
    last = sorted((tasks[i] for i in light), key=lambda t: -weights.get((t.sha256, t.n), 0.0))
    return [t for i, t in enumerate(tasks) if i not in light] + last


@dataclass
class _Recorder:
    """Commits each page result on its own and finishes a file when its last page is in."""

    db: sqlite3.Connection
    summary: Summary
    remaining: Counter[str]  # pages still to come, per file
    total: int
    progress: Progress | None
    index_set: str | None = None  # IngestOptions.index_set
    classifier: Classifier | None = None  # built at the first page result, while the workers read
    no_index_set: bool = False  # the index set could not be loaded: classify_pending says why after the batch
    done: int = 0
    classified: set[str] = field(default_factory=set)  # files classified as their last page came in

    def __call__(self, result: PageResult) -> None:
        if self.classifier is None and not self.no_index_set:
            self._build_classifier()  # at the first page, while the workers read: not on the last page's path
        with Tx(self.db):
            if result.ok and result.page is not None and result.page.get("blank"):
                files.page_blank(self.db, result.sha256, result.n, result.page, BLANK.text, BLANK.code,
                                 result.seconds)
                self.summary.pages_blank += 1
            elif result.ok and result.page is not None:
                files.page_done(self.db, result.sha256, result.n, result.page, result.cached, result.seconds)
                if result.cached:
                    self.summary.pages_cached += 1
                else:
                    self.summary.pages_ocr += 1
            else:
                files.page_failed(self.db, result.sha256, result.n, result.error, result.seconds, result.error_code)
                self.summary.pages_failed += 1
            self.remaining[result.sha256] -= 1
            finished = self.remaining[result.sha256] == 0 and files.finish_file(self.db, result.sha256)
        if finished == "done":
            self._classify(result.sha256)
        self.done += 1
        if self.progress:
            self.progress("pages", self.done, self.total)

    def _classify(self, sha256: str) -> None:
        """Classify a file whose pages are all in (its own transaction); a bad index set is left to
        classify_pending after the batch, which says so as before."""
        if self.classifier is None:
            return  # no index set: classify_pending says why after the batch
        self.classified.update(classify_file(self.db, sha256, self.classifier))

    def _build_classifier(self) -> None:
        try:
            self.classifier = Classifier.build(active_index_set(self.db, self.index_set))
        except IndexSetError:
            self.no_index_set = True
