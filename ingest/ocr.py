"""OCR with tesseract through pytesseract: words with boxes and confidences, page text in reading order.

One call per page; ``OMP_THREAD_LIMIT=1`` is set by the worker pool (tesseract's OpenMP threads made it
3.6× slower on two cores here). Text comes back NFC. The engine id (tesseract version + model file
digest + settings) keys the OCR cache together with the page image digest and the preprocessing version.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from ingest.text import nfc


class OcrError(RuntimeError):
    """Tesseract failed on a page: crashed, timed out or could not start."""


@dataclass(frozen=True)
class OcrSettings:
    lang: str = "Vietnamese"
    psm: int = 3
    timeout: float = 180.0
    tesseract_cmd: str = "tesseract"
    engine: str = "tesseract"  # an engine id registered in ingest.engines

    def config(self) -> str:
        # tessedit_do_invert=0: no second pass looking for white-on-black text (~20 % faster).
        return f"--psm {self.psm} -c tessedit_do_invert=0"


@dataclass
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: int  # index of the text line (in reading order) this word belongs to


@dataclass
class OcrPage:
    text: str
    confidence: float | None  # mean word confidence 0-100, None when no word was read
    words: list[Word] = field(default_factory=list)
    width: int = 0
    height: int = 0

    def to_dict(self) -> dict:
        return {"text": self.text, "confidence": self.confidence, "width": self.width,
                "height": self.height, "words": [list(asdict(w).values()) for w in self.words]}

    @classmethod
    def from_dict(cls, data: dict) -> OcrPage:
        words = [Word(*w) for w in data["words"]]
        return cls(data["text"], data["confidence"], words, data["width"], data["height"])


@cache
def engine_id(settings: OcrSettings) -> str:
    """tesseract version + digest of the model files + settings."""
    try:
        out = subprocess.run([settings.tesseract_cmd, "--version"], capture_output=True, text=True,
                             timeout=30, check=False)
        version = (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        raise OcrError(f"cannot run tesseract ({settings.tesseract_cmd}): {exc}") from exc
    digest = hashlib.sha256()
    for lang in settings.lang.split("+"):
        for folder in _tessdata_dirs():
            model = folder / f"{lang}.traineddata"
            if model.exists():
                digest.update(model.read_bytes())
                break
    return f"{version}|{settings.lang}|{digest.hexdigest()[:16]}|{settings.config()}"


def _tessdata_dirs() -> list[Path]:
    dirs = [Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []
    dirs += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    return dirs + [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]


def ocr_image(grey: np.ndarray, settings: OcrSettings) -> OcrPage:
    """OCR one cleaned grey page."""
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
                raise OcrError(f"tesseract timed out after {settings.timeout:g} s") from exc
            raise OcrError(f"tesseract failed: {exc}") from exc
        except pytesseract.TesseractError as exc:
            raise OcrError(f"tesseract failed (exit {exc.status}): {exc.message.strip()[:300]}") from exc
        except (OSError, pytesseract.TesseractNotFoundError) as exc:
            raise OcrError(f"cannot run tesseract: {exc}") from exc
    words = _words(data)
    confs = [w.conf for w in words]
    mean = round(sum(confs) / len(confs), 2) if confs else None
    return OcrPage(lines_to_text(words, grey.shape[1]), mean, words, grey.shape[1], grey.shape[0])


def _words(data: dict) -> list[Word]:
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


def lines_to_text(words: list[Word], page_width: int) -> str:
    """Page text: one line per tesseract line, two-column rows split at the wide gap.

    Tesseract merges the agency column and the quốc hiệu column of a header into one line; splitting a
    line where two words are far apart, and writing a run of such rows left column first, gives the
    reading order a person uses (and that the metadata rules expect).
    """
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    min_gap = page_width * 0.025
    out: list[str] = []
    pending_left: list[str] = []
    pending_right: list[str] = []

    def flush() -> None:
        out.extend(pending_left)
        out.extend(pending_right)
        pending_left.clear()
        pending_right.clear()

    for line_words in lines.values():
        line_words.sort(key=lambda w: w.left)
        cut = None
        heights = sorted(w.height for w in line_words)
        gap_min = max(min_gap, 1.5 * heights[len(heights) // 2])
        for a, b in zip(line_words, line_words[1:], strict=False):
            if b.left - (a.left + a.width) > gap_min:
                cut = b
                break
        if cut is None:
            flush()
            out.append(" ".join(w.text for w in line_words))
            continue
        k = line_words.index(cut)
        pending_left.append(" ".join(w.text for w in line_words[:k]))
        pending_right.append(" ".join(w.text for w in line_words[k:]))
    flush()
    return "\n".join(out)
