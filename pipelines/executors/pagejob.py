"""The page job run by an executor's workers: raster → page of a photo → blank? → cache lookup → clean → OCR →
cache store.

A task names its page by content (sha256 + page number); the worker resolves the original through the
:class:`~pipelines.executors.blobs.BlobSource` and knows its OCR cache folder from its start, so the same task
could run on another machine. Each worker creates its OCR engine once, on its first page, and keeps it
(the tesserocr engine loads its model then, once per process).

The raster is only what OCR reads: the page's red plane (:func:`ingest.pages.ocr_raster`), after
:func:`ingest.perspective.rectify` (a phone photo's page cut out and made rectangular; a scan, where the
page fills the frame, unchanged). A page with no ink (:func:`ingest.preprocess.is_blank`) is not OCRed: its
result says ``blank`` and the intake records it with the reason ``page.blank``. The OCR cache key is
sha256(those pixels) + engine id (library, tesseract version, model digest, settings) + the text height OCR
is given (:mod:`ingest.resolution`) + preprocessing
version: a page is never OCRed twice with the same engine, whichever file it came from. The cache holds the
result on the rectified pixels: a photo's own homography is chained onto the stored matrix after the
lookup, never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2

from ingest import engines
from ingest.engines import OcrEngine
from ingest.ocr import OcrError, OcrPage, OcrSettings, Word
from ingest.pages import DEFAULT_PIXEL_LIMIT, PageError, ocr_raster
from ingest.perspective import rectify
from ingest.preprocess import PREPROCESS_ID, Cleaned, clean, is_blank, rotate_half
from ingest.reading_order import lines_to_text
from ingest.resolution import RESOLUTION_VERSION, page_scale, read_at
from pipelines.executors.blobs import BlobSource
from pipelines.i18n import translate

# Below this mean word confidence the page is tried upside down as well.
UPSIDE_DOWN_RETRY_BELOW = 60.0
WORKER_DIED_CODE = "ocr.worker_died"
WORKER_DIED = translate(WORKER_DIED_CODE, "en")  # "the OCR worker process died on this page"


@dataclass(frozen=True)
class PageTask:
    sha256: str
    n: int
    kind: str
    dpi: int
    settings: OcrSettings
    pixel_limit: int = DEFAULT_PIXEL_LIMIT


@dataclass
class PageResult:
    sha256: str
    n: int
    ok: bool
    error: str | None = None   # the English reason (stored as pages.error)
    page: dict | None = None   # OcrPage.to_dict() plus matrix and steps
    cached: bool = False
    seconds: float = 0.0
    error_code: str | None = None  # its message code (pipelines.i18n; stored as pages.error_code)

    @classmethod
    def died(cls, task: PageTask) -> PageResult:
        return cls(task.sha256, task.n, False, error=WORKER_DIED, error_code=WORKER_DIED_CODE)

    @classmethod
    def failed(cls, task: PageTask, code: str, error: str, seconds: float) -> PageResult:
        return cls(task.sha256, task.n, False, error=error, seconds=seconds, error_code=code)


def blank_page(shape: tuple[int, ...]) -> dict:
    """The result of a page with no ink: no words, ``blank`` set (not OCRed, not cached)."""
    height, width = shape[:2]
    return OcrPage("", None, [], width, height).to_dict() | {
        "matrix": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], "steps": ["blank"], "blank": True}


def ocr_id(engine: OcrEngine, settings: OcrSettings) -> str:
    """The engine's id and the text height it is given (:mod:`ingest.resolution`): what the OCR result depends
    on besides the pixels and the preprocessing."""
    return f"{engine.id()}|text {settings.text_px}px {RESOLUTION_VERSION}"


def cache_key(pixels: bytes, shape: tuple[int, ...], engine_id: str) -> str:
    digest = hashlib.sha256(pixels)
    digest.update(repr(shape).encode())
    digest.update(engine_id.encode())
    digest.update(PREPROCESS_ID.encode())
    return digest.hexdigest()


class PageWorker:
    """One per worker (process, or the caller for in-process runs): blobs, OCR cache, its engine."""

    def __init__(self, blobs: BlobSource, cache_dir: Path) -> None:
        self.blobs = blobs
        self.cache_dir = Path(cache_dir)
        self._engines: dict[OcrSettings, OcrEngine] = {}  # a batch has one settings: one engine

    def engine(self, settings: OcrSettings) -> OcrEngine:
        if settings not in self._engines:
            self._engines[settings] = engines.create(settings)
        return self._engines[settings]

    def run(self, task: PageTask) -> PageResult:
        start = time.perf_counter()
        try:
            engine = self.engine(task.settings)
            page_of = rectify(ocr_raster(self.blobs.path(task.sha256), task.kind, task.n, task.dpi,
                                         task.pixel_limit))
            image = page_of.image  # a phone photo's page cut out and made rectangular; anything else as it was
            if is_blank(image):
                return PageResult(task.sha256, task.n, True, page=page_of.compose(blank_page(image.shape)),
                                  seconds=time.perf_counter() - start)
            key = cache_key(image.tobytes(), image.shape, ocr_id(engine, task.settings))
            path = self.cache_dir / key[:2] / f"{key}.json"
            if path.exists():
                try:
                    page = json.loads(path.read_text(encoding="utf-8"))
                    # the words are the engine's; the reading order is this release's (ingest.reading_order)
                    page["text"] = lines_to_text([Word(*w) for w in page["words"]], page["width"])
                    return PageResult(task.sha256, task.n, True, page=page_of.compose(page), cached=True,
                                      seconds=time.perf_counter() - start)
                except (OSError, ValueError):
                    pass  # a damaged cache entry is redone
            cleaned = clean(image)
            del image
            ocr, cleaned = _ocr_upright(engine, cleaned, task.settings.text_px)
            page = ocr.to_dict() | {"matrix": cleaned.matrix, "steps": cleaned.steps}
            _write_cache(path, page)
            return PageResult(task.sha256, task.n, True, page=page_of.compose(page),
                              seconds=time.perf_counter() - start)
        except (PageError, OcrError) as exc:
            return PageResult.failed(task, exc.code, str(exc), time.perf_counter() - start)
        except MemoryError:
            return PageResult.failed(task, "ocr.out_of_memory", translate("ocr.out_of_memory", "en"),
                                     time.perf_counter() - start)


# The worker of this process, set by the pool's initializer (ProcessPoolExecutor has no other way to keep
# state between the tasks a process runs); in-process executors hold their own PageWorker instead.
_process_worker: PageWorker | None = None


def init_worker(blobs: BlobSource, cache_dir: Path) -> None:
    """Pool initializer: one OCR thread per worker, so ``--jobs`` processes keep to ``--jobs`` cores.

    ``OMP_THREAD_LIMIT=1`` for the tesseract program (its OpenMP threads made it 3.6× slower on 2 cores); the
    tesserocr wheel's tesseract has no OpenMP. (``cv2.setNumThreads`` must not be called here: in a process
    forked after OpenCV started its thread pool it waits forever.)"""
    global _process_worker
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _process_worker = PageWorker(blobs, cache_dir)


@contextmanager
def one_opencv_thread() -> Iterator[None]:
    """OpenCV with one thread while worker processes are forked, its own count again after.

    Each worker is one process per core already: OpenCV's threads in it only made the cleaning cost 175 ms of
    CPU a page instead of 96 ms (the same wall time on one page; on 2 busy cores the extra threads take CPU
    from the other worker). The count can only be set before the fork: in a process forked after OpenCV
    started its threads, ``cv2.setNumThreads`` waits forever (see :func:`init_worker`)."""
    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def run_page(task: PageTask) -> PageResult:
    """A task in a pool process started with :func:`init_worker`."""
    if _process_worker is None:
        raise RuntimeError("run_page runs in a pool process started with init_worker")
    return _process_worker.run(task)


def _ocr_upright(engine: OcrEngine, cleaned: Cleaned, text_px: int) -> tuple[OcrPage, Cleaned]:
    scale = page_scale(cleaned, text_px)  # measured once: the turned page has the same letters
    ocr = read_at(engine, cleaned.image, scale)
    if ocr.confidence is not None and ocr.confidence >= UPSIDE_DOWN_RETRY_BELOW:
        return ocr, cleaned
    turned = rotate_half(cleaned)
    other = read_at(engine, turned.image, scale)
    if (other.confidence or 0) > (ocr.confidence or 0) + 10 and len(other.words) >= len(ocr.words) // 2:
        return other, turned
    return ocr, cleaned


def _write_cache(path: Path, page: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
