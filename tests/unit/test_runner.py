"""The intake service's orchestration with the test engine: pages recorded, files finished or quarantined,
one result per task, whichever executor runs the pages (in this process, or a local process pool)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import pytest
from ocr_test_engine import DUST, bar_page

from ingest.ocr import OcrError, OcrSettings
from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.executors import WORKER_DIED, InlineExecutor, LocalBlobs, LocalPoolExecutor, PageExecutor
from pipelines.executors.pagejob import PageResult, PageTask
from pipelines.services.intake import IngestOptions, Summary, ingest

UNIT = "Sở Nội vụ"
PAGES = {  # file name -> bar rows of each page (DUST: a page the test engine cannot read)
    "ke hoach.png": [[[3, 5], [2]]],
    "bao cao.pdf": [[[4]], [[1, 2, 3], [6]]],
    "trang trang.png": [DUST],
}


class Recording:
    """An executor around another one that keeps every task it was given and every result it handed back."""

    def __init__(self, inner: PageExecutor) -> None:
        self.inner = inner
        self.tasks: list[PageTask] = []
        self.results: list[PageResult] = []

    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        self.tasks += tasks

        def keep(result: PageResult) -> None:
            self.results.append(result)
            on_result(result)

        self.inner.run(tasks, keep)


def write_inbox(root: Path, pages: dict[str, list[list[list[int]]]] = PAGES) -> dict[tuple[str, int], str]:
    """The files of ``pages`` in one unit folder; the text the test engine reads from each (file, page)."""
    folder = root / UNIT
    folder.mkdir(parents=True)
    texts = {}
    for name, rows in pages.items():
        images = []
        for n, page_rows in enumerate(rows, 1):
            image, texts[(name, n)] = bar_page(page_rows)
            images.append(image)
        images[0].save(folder / name, resolution=300.0, save_all=True, append_images=images[1:])
    return texts


def run(tmp_path: Path, executor: Callable[[Home], PageExecutor] | None, settings: OcrSettings | None = None,
        home_name: str = "home", cache: Path | None = None) -> tuple[Home, sqlite3.Connection, Summary]:
    inbox = tmp_path / "in"
    if not inbox.exists():
        write_inbox(inbox)
    home = Home(tmp_path / home_name, cache or tmp_path / "cache")
    db = connect(home.catalog)
    opts = IngestOptions(unit_from_folder=True, jobs=2, settings=settings or OcrSettings(engine="test"))
    return home, db, ingest(home, db, [inbox], opts, executor=executor(home) if executor else None)


def inline(home: Home) -> InlineExecutor:
    return InlineExecutor(home.blobs, home.ocr_cache)


def page_rows(db: sqlite3.Connection) -> dict[tuple[str, int], sqlite3.Row]:
    rows = db.execute("SELECT s.source, p.* FROM pages p JOIN sources s USING (sha256)").fetchall()
    return {(r["source"].rsplit("/", 1)[-1], r["n"]): r for r in rows}


def file_status(db: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    rows = db.execute("SELECT s.source, f.status, f.error FROM files f JOIN sources s USING (sha256)").fetchall()
    return {r["source"].rsplit("/", 1)[-1]: (r["status"], r["error"]) for r in rows}


def test_pages_are_recorded_and_files_finished(tmp_path):
    texts = write_inbox(tmp_path / "in")
    _, db, summary = run(tmp_path, inline)
    assert (summary.new_files, summary.pages_ocr, summary.pages_cached, summary.pages_failed) == (3, 3, 0, 1)
    pages = page_rows(db)
    for key, text in texts.items():
        if text:
            row = pages[key]
            assert (row["method"], row["status"], row["text"], row["confidence"]) == ("ocr", "done", text, 90.0)
            assert row["words"] and row["matrix"] and row["steps"] and row["cached"] == 0
    status = file_status(db)
    assert status["ke hoach.png"] == ("done", None) and status["bao cao.pdf"] == ("done", None)


def test_a_page_the_engine_cannot_read_fails_and_its_file_is_quarantined(tmp_path):
    _, db, summary = run(tmp_path, inline)
    row = page_rows(db)[("trang trang.png", 1)]
    assert (row["status"], row["error"]) == ("failed", "test engine: nothing to read on this page")
    reason = "page 1: test engine: nothing to read on this page"
    assert file_status(db)["trang trang.png"] == ("quarantined", reason)
    assert [(q["source"].rsplit("/", 1)[-1], q["error"]) for q in summary.quarantined] == [("trang trang.png", reason)]


def test_the_executor_gets_content_ids_and_gives_one_result_per_task(tmp_path):
    recording: list[Recording] = []

    def executor(home: Home) -> Recording:
        recording.append(Recording(inline(home)))
        return recording[0]

    _, db, _ = run(tmp_path, executor)
    tasks, results = recording[0].tasks, recording[0].results
    shas = {r["sha256"] for r in db.execute("SELECT sha256 FROM pages WHERE method='ocr'")}
    assert len(tasks) == 4 and {t.sha256 for t in tasks} == shas
    assert Counter((r.sha256, r.n) for r in results) == Counter((t.sha256, t.n) for t in tasks)
    assert all(t.settings == OcrSettings(engine="test") and t.dpi == 300 for t in tasks)


def test_page_tasks_carry_no_path():
    """A task names its page by content: a worker elsewhere finds the original through its BlobSource."""
    names = [f.name for f in dataclasses.fields(PageTask)]
    assert names == ["sha256", "n", "kind", "dpi", "settings", "pixel_limit"]


def test_local_blobs_follow_the_home_layout(tmp_path):
    home = Home(tmp_path)
    sha = "ab" + "c" * 62
    assert LocalBlobs(home.blobs).path(sha) == home.blob_path(sha)


def test_the_default_executor_is_a_process_pool_giving_the_same_catalog(tmp_path):
    _, pooled, summary = run(tmp_path, None, home_name="pooled", cache=tmp_path / "cache-pool")
    _, inlined, _ = run(tmp_path, inline, home_name="inline", cache=tmp_path / "cache-inline")
    assert (summary.pages_ocr, summary.pages_failed, len(summary.quarantined)) == (3, 1, 1)
    as_dicts = [{k: {c: v for c, v in dict(r).items() if c != "seconds"} for k, r in page_rows(db).items()}
                for db in (pooled, inlined)]
    assert as_dicts[0] == as_dicts[1]
    assert file_status(pooled) == file_status(inlined)


def test_a_worker_keeps_one_engine_for_all_its_pages(tmp_path):
    pages = {f"trang {k}.png": [[[k + 1, 2]]] for k in range(5)}
    write_inbox(tmp_path / "in", pages)
    _, db, _ = run(tmp_path, lambda home: LocalPoolExecutor(1, home.blobs, home.ocr_cache),
                   settings=OcrSettings(engine="test", lang="census"))
    census = [r["text"].splitlines()[-1] for r in page_rows(db).values()]
    workers = {c.split("-")[0] for c in census}
    engines = {c.rsplit("-", 1)[0] for c in census}
    assert len(workers) == 1 and len(engines) == 1, census  # one process, one engine, created once
    assert sorted(int(c.rsplit("-", 1)[1]) for c in census) == [1, 2, 3, 4, 5]


def test_pool_workers_run_opencv_on_one_thread_and_the_caller_keeps_its_own(tmp_path):
    # a worker is one process per core already: OpenCV's own threads in it only took CPU from the other workers
    write_inbox(tmp_path / "in", {f"trang {k}.png": [[[k + 1, 2]]] for k in range(4)})
    before = cv2.getNumThreads()
    _, db, _ = run(tmp_path, lambda home: LocalPoolExecutor(2, home.blobs, home.ocr_cache),
                   settings=OcrSettings(engine="test", lang="threads"))
    assert {r["text"].splitlines()[-1] for r in page_rows(db).values()} == {"luồng1"}
    assert cv2.getNumThreads() == before


def test_a_second_home_finds_the_pages_in_the_shared_cache_but_not_for_another_engine_id(tmp_path):
    run(tmp_path, inline, home_name="first")
    _, _, again = run(tmp_path, inline, home_name="second")
    assert (again.pages_ocr, again.pages_cached) == (0, 3)
    _, _, other = run(tmp_path, inline, settings=OcrSettings(engine="test", lang="other"), home_name="third")
    assert (other.pages_ocr, other.pages_cached) == (3, 0)


def test_a_dying_worker_gives_its_page_one_failed_result_after_one_retry(tmp_path):
    pages = {"trang trang.png": [DUST], "ke hoach.png": [[[3, 5], [2]]]}
    write_inbox(tmp_path / "in", pages)
    home, db, summary = run(tmp_path, lambda home: Recording(LocalPoolExecutor(1, home.blobs, home.ocr_cache)),
                            settings=OcrSettings(engine="test", lang="die"))
    row = page_rows(db)[("trang trang.png", 1)]
    assert (row["status"], row["error"]) == ("failed", WORKER_DIED)
    assert file_status(db)["trang trang.png"] == ("quarantined", f"page 1: {WORKER_DIED}")
    assert summary.pages_failed + summary.pages_ocr + summary.pages_cached == 2  # one result per task


def test_the_pool_hands_back_exactly_one_result_per_task_when_workers_die(tmp_path):
    pages = {**{f"trang {k}.png": [[[k + 1]]] for k in range(4)}, "trang trang.png": [DUST]}
    write_inbox(tmp_path / "in", pages)
    home = Home(tmp_path / "home", tmp_path / "cache")
    home.create()
    tasks = []
    for name in pages:
        sha, _ = home.store((tmp_path / "in" / UNIT / name).open("rb"))
        tasks.append(PageTask(sha, 1, "png", 300, OcrSettings(engine="test", lang="die")))
    results: list[PageResult] = []
    LocalPoolExecutor(2, home.blobs, home.ocr_cache).run(tasks, results.append)
    assert Counter((r.sha256, r.n) for r in results) == Counter((t.sha256, t.n) for t in tasks)
    by_sha = {r.sha256: r for r in results}
    assert by_sha[tasks[-1].sha256].error == WORKER_DIED
    assert all(r.ok or r.error == WORKER_DIED for r in results)


def test_an_unknown_engine_is_refused_before_anything_is_stored(tmp_path):
    write_inbox(tmp_path / "in")
    with pytest.raises(OcrError, match="unknown OCR engine 'nope'; known engines: .*tesseract"):
        run(tmp_path, inline, settings=OcrSettings(engine="nope"))
    assert not list((tmp_path / "home").rglob("blobs/sha256/*/*"))
