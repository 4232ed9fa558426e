"""The page job run in worker processes: raster → cache lookup → clean → OCR → cache store.

The OCR cache key is sha256(raster pixels) + engine id (for tesseract: version, model digest, settings) +
preprocessing version: a page is never OCRed twice with the same engine, whichever file it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest import engines
from ingest.engines import OcrEngine
from ingest.ocr import OcrError, OcrPage, OcrSettings
from ingest.pages import DEFAULT_PIXEL_LIMIT, PageError, raster
from ingest.preprocess import PREPROCESS_VERSION, Cleaned, clean, rotate_half

# Below this mean word confidence the page is tried upside down as well.
UPSIDE_DOWN_RETRY_BELOW = 60.0


@dataclass(frozen=True)
class PageTask:
    sha256: str
    n: int
    blob: str
    kind: str
    dpi: int
    cache_dir: str
    settings: OcrSettings
    pixel_limit: int = DEFAULT_PIXEL_LIMIT


@dataclass
class PageResult:
    sha256: str
    n: int
    ok: bool
    error: str | None = None
    page: dict | None = None   # OcrPage.to_dict() plus matrix and steps
    cached: bool = False
    seconds: float = 0.0


def init_worker() -> None:
    """Pool initializer: one OpenMP thread per tesseract (many threads were 3.6× slower on 2 cores)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


@cache
def _engine(settings: OcrSettings) -> OcrEngine:
    """One engine per settings in each worker process (its id is worked out once)."""
    return engines.create(settings)


def cache_key(pixels: bytes, shape: tuple[int, ...], engine_id: str) -> str:
    digest = hashlib.sha256(pixels)
    digest.update(repr(shape).encode())
    digest.update(engine_id.encode())
    digest.update(PREPROCESS_VERSION.encode())
    return digest.hexdigest()


def run_page(task: PageTask) -> PageResult:
    start = time.perf_counter()
    try:
        engine = _engine(task.settings)
        image = raster(Path(task.blob), task.kind, task.n, task.dpi, task.pixel_limit)
        key = cache_key(image.tobytes(), image.shape, engine.id())
        path = Path(task.cache_dir) / key[:2] / f"{key}.json"
        if path.exists():
            try:
                page = json.loads(path.read_text(encoding="utf-8"))
                return PageResult(task.sha256, task.n, True, page=page, cached=True,
                                  seconds=time.perf_counter() - start)
            except (OSError, ValueError):
                pass  # a damaged cache entry is redone
        cleaned = clean(image)
        del image
        ocr, cleaned = _ocr_upright(engine, cleaned)
        page = ocr.to_dict() | {"matrix": cleaned.matrix, "steps": cleaned.steps}
        _write_cache(path, page)
        return PageResult(task.sha256, task.n, True, page=page, seconds=time.perf_counter() - start)
    except (PageError, OcrError) as exc:
        return PageResult(task.sha256, task.n, False, error=str(exc), seconds=time.perf_counter() - start)
    except MemoryError:
        return PageResult(task.sha256, task.n, False, error="out of memory on this page",
                          seconds=time.perf_counter() - start)


def _ocr_upright(engine: OcrEngine, cleaned: Cleaned) -> tuple[OcrPage, Cleaned]:
    ocr = engine.recognise(cleaned.image)
    if ocr.confidence is not None and ocr.confidence >= UPSIDE_DOWN_RETRY_BELOW:
        return ocr, cleaned
    turned = rotate_half(cleaned)
    other = engine.recognise(turned.image)
    if (other.confidence or 0) > (ocr.confidence or 0) + 10 and len(other.words) >= len(ocr.words) // 2:
        return other, turned
    return ocr, cleaned


def _write_cache(path: Path, page: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
