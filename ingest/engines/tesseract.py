"""The tesseract engine, through pytesseract: words with boxes and confidences from ``image_to_data``.

One tesseract run per page; the worker pool sets ``OMP_THREAD_LIMIT=1`` (tesseract's OpenMP threads made
it 3.6× slower on two cores here). The id is the tesseract version + a digest of the model files + the
settings; it keys the OCR cache, so its format must not change without meaning to redo every page.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from ingest.ocr import OcrError, OcrPage, OcrSettings, Word
from ingest.text import nfc


class TesseractEngine:
    """Registered as ``tesseract`` in :mod:`ingest.engines`."""

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self._id: str | None = None

    def id(self) -> str:
        """``<tesseract --version first line>|<lang>|<model digest[:16]>|<config>``, computed once."""
        if self._id is None:
            self._id = tesseract_id(self.settings)
        return self._id

    def recognise(self, grey: np.ndarray) -> OcrPage:
        """OCR one cleaned grey page."""
        settings = self.settings
        pytesseract.pytesseract.tesseract_cmd = settings.tesseract_cmd
        with tempfile.TemporaryDirectory(prefix="minhchung-ocr-") as tmp:
            path = os.path.join(tmp, "page.pgm")  # uncompressed: no PNG encoding on the hot path
            cv2.imwrite(path, grey)
            try:
                data = pytesseract.image_to_data(path, lang=settings.lang, config=settings.config(),
                                                 output_type=pytesseract.Output.DICT,
                                                 timeout=settings.timeout)
            except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
                if "timeout" in str(exc).lower():
                    raise OcrError("ocr.timeout", seconds=f"{settings.timeout:g}") from exc
                raise OcrError(f"tesseract failed: {exc}") from exc
            except pytesseract.TesseractError as exc:
                raise OcrError("ocr.tesseract_failed", status=exc.status, detail=exc.message.strip()[:300]) from exc
            except (OSError, pytesseract.TesseractNotFoundError) as exc:
                raise OcrError("ocr.cannot_run", detail=exc) from exc
        return OcrPage.from_words(words_from_data(data), grey.shape[1], grey.shape[0])


def tesseract_id(settings: OcrSettings) -> str:
    """tesseract version + digest of the model files + settings."""
    try:
        out = subprocess.run([settings.tesseract_cmd, "--version"], capture_output=True, text=True,
                             timeout=30, check=False)
        version = (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        raise OcrError("ocr.cannot_run", detail=f"{settings.tesseract_cmd}: {exc}") from exc
    return f"{version}|{settings.lang}|{model_digest(settings.lang)}|{settings.config()}"


def tessdata_dirs() -> list[Path]:
    """Where tesseract's model files are looked for: ``TESSDATA_PREFIX``, then Debian's and the usual places."""
    dirs = [Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []
    dirs += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    return dirs + [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]


def model_files(lang: str) -> list[Path]:
    """The ``.traineddata`` file of each model of ``lang`` (``a+b``), the first found in :func:`tessdata_dirs`."""
    found = []
    for name in lang.split("+"):
        for folder in tessdata_dirs():
            if (folder / f"{name}.traineddata").exists():
                found.append(folder / f"{name}.traineddata")
                break
    return found


def model_digest(lang: str) -> str:
    """sha256 of the model files of ``lang``, first 16 hex digits (part of the engines' ids)."""
    digest = hashlib.sha256()
    for model in model_files(lang):
        digest.update(model.read_bytes())
    return digest.hexdigest()[:16]


def words_from_data(data: dict) -> list[Word]:
    """Words from tesseract's TSV columns (``image_to_data``'s dict): NFC, empty and -1 confidence dropped,
    line ids numbered in the order of (block, paragraph, line)."""
    words: list[Word] = []
    keys: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = nfc(raw).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = keys.setdefault(key, len(keys))
        words.append(Word(text, conf, data["left"][i], data["top"][i], data["width"][i],
                          data["height"][i], line))
    return words
