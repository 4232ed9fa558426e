"""The tesseract engine through tesserocr: tesseract's C++ API in this process, its model loaded once.

One ``PyTessBaseAPI`` per engine, so per worker process (a worker creates its engine once and keeps it):
the model is read on the first page and every later page costs only its recognition, with no process
start, no image file and no model load per page (the pytesseract engine pays all three every page).
The page goes in as raw grey bytes and the words come out as tesseract's own TSV, parsed by the same
function as the pytesseract engine's, so both give the same :class:`~ingest.ocr.OcrPage` contract
(tests/integration/test_engine_contract.py runs both on the same pages).

The PyPI wheel bundles its own tesseract (5.5.4 in tesserocr 2.13), built without OpenMP: one thread per
engine whatever ``OMP_THREAD_LIMIT`` says, so ``--jobs`` processes use ``--jobs`` cores. It reads the
system's model files (Debian: ``/usr/share/tesseract-ocr/5/tessdata``; ``TESSDATA_PREFIX`` wins). The id
names tesserocr's and tesseract's versions, the model digest and the settings.
"""

from __future__ import annotations

import time

import numpy as np

from ingest.engines.tesseract import model_digest, model_files, tessdata_dirs, words_from_data
from ingest.ocr import OcrError, OcrPage, OcrSettings

TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
               "height", "conf", "text")


def available() -> bool:
    """True when tesserocr can be imported here (the ``tesseract`` engine name then uses it)."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


class TesserocrEngine:
    """Registered as ``tesserocr``; ``tesseract`` (the default) means this engine when tesserocr imports."""

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self._api = None  # a tesserocr.PyTessBaseAPI, made on the first page
        self._id: str | None = None

    def id(self) -> str:
        """``tesserocr <v> tesseract <v>|<lang>|<model digest[:16]>|<config>``, computed once."""
        if self._id is None:
            import tesserocr

            version = tesserocr.tesseract_version().splitlines()[0].strip()
            self._id = (f"tesserocr {tesserocr.__version__} {version}|{self.settings.lang}|"
                        f"{model_digest(self.settings.lang)}|{self.settings.config()}")
        return self._id

    def api(self):  # -> tesserocr.PyTessBaseAPI
        """The engine's tesseract, initialised with the model on first use and kept."""
        if self._api is None:
            self._api = _open(self.settings)
        return self._api

    def recognise(self, grey: np.ndarray) -> OcrPage:
        """OCR one cleaned grey page (uint8, 2-D)."""
        height, width = grey.shape
        api = self.api()
        pixels = np.ascontiguousarray(grey, dtype=np.uint8).tobytes()
        api.SetImageBytes(pixels, width, height, 1, width)
        start = time.perf_counter()
        timeout = self.settings.timeout
        try:
            if not api.Recognize(timeout=int(timeout * 1000)):
                if time.perf_counter() - start >= timeout * 0.99:
                    raise OcrError("ocr.timeout", seconds=f"{timeout:g}")
                raise OcrError("tesseract could not recognise the page")
            tsv = api.GetTSVText(0)
        finally:
            api.Clear()
        return OcrPage.from_words(words_from_data(parse_tsv(tsv)), width, height)

    def close(self) -> None:
        if self._api is not None:
            self._api.End()
            self._api = None


def _open(settings: OcrSettings):  # -> tesserocr.PyTessBaseAPI
    import tesserocr

    models = model_files(settings.lang)
    if len(models) != len(settings.lang.split("+")) or len({m.parent for m in models}) != 1:
        where = ", ".join(str(d) for d in tessdata_dirs())
        raise OcrError("ocr.cannot_run", detail=f"no tesseract model '{settings.lang}' in one of {where}")
    try:
        return tesserocr.PyTessBaseAPI(path=f"{models[0].parent}/", lang=settings.lang,
                                       psm=settings.psm, variables=settings.variables())
    except RuntimeError as exc:
        raise OcrError("ocr.cannot_run", detail=f"tesserocr: {exc}") from exc


def parse_tsv(tsv: str) -> dict[str, list]:
    """Tesseract's TSV (no header line, as ``GetTSVText`` gives it) as ``image_to_data``'s dict of columns."""
    data: dict[str, list] = {name: [] for name in TSV_COLUMNS}
    for row in tsv.splitlines():
        cells = row.split("\t", len(TSV_COLUMNS) - 1)
        if len(cells) < len(TSV_COLUMNS) - 1:
            continue
        if len(cells) == len(TSV_COLUMNS) - 1:
            cells.append("")
        for name, cell in zip(TSV_COLUMNS[:-2], cells[:-2], strict=True):
            data[name].append(int(cell))
        data["conf"].append(float(cells[-2]))
        data["text"].append(cells[-1])
    return data
