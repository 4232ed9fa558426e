"""What OCR gives back, whatever the engine: words with boxes and confidences, page text in reading order.

The engines themselves (:mod:`ingest.engines`; tesseract in :mod:`ingest.engines.tesseract`) read one
cleaned grey page into an :class:`OcrPage`; text is NFC. An engine's id (for tesseract: version + model
digest + settings) keys the OCR cache together with the page image digest and the preprocessing version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial

from ingest.reading_order import lines_to_text

# English texts of the codes (the same as the shell's catalog, pipelines/i18n/locale/en: a test checks it).
MESSAGES = {
    "ocr.failed": "{detail}",
    "ocr.timeout": "tesseract timed out after {seconds} s",
    "ocr.tesseract_failed": "tesseract failed (exit {status}): {detail}",
    "ocr.cannot_run": "cannot run tesseract: {detail}",
    "ocr.unknown_engine": "unknown OCR engine '{name}'; known engines: {known}",
}


class OcrError(RuntimeError):
    """The OCR engine failed on a page (crashed, timed out, could not start) or is not known.

    ``OcrError(code, **params)`` with a code of :data:`MESSAGES` (``OcrError("ocr.timeout", seconds="180")``),
    or ``OcrError(sentence)``: an engine's own English sentence, code ``ocr.failed`` with it as ``detail``.
    ``code`` and ``params`` (strings) let the shell translate it; ``str()`` is the English text."""

    def __init__(self, code_or_message: str, **params: object) -> None:
        self.code, self.params = "ocr.failed", {"detail": str(code_or_message)}
        if code_or_message in MESSAGES:
            given = {k: str(v) for k, v in params.items()}
            try:
                MESSAGES[code_or_message].format_map(given)
                self.code, self.params = code_or_message, given
            except KeyError:  # a parameter missing: keep the code's name as the detail
                pass
        super().__init__(MESSAGES[self.code].format_map(self.params))

    def __reduce__(self) -> tuple:
        return (partial(OcrError, self.code, **self.params), ())


@dataclass(frozen=True)
class OcrSettings:
    lang: str = "Vietnamese"  # the facts need it: vie is 18 % faster but misreads a signer under a seal
    psm: int = 3
    timeout: float = 180.0
    tesseract_cmd: str = "tesseract"
    engine: str = "tesseract"  # a name registered in ingest.engines
    text_px: int = 14  # median glyph height the engine is given (ingest.resolution); 0: the page as cleaned

    def variables(self) -> dict[str, str]:
        """Tesseract's variables (``-c name=value``)."""
        # tessedit_do_invert=0: no second pass looking for white-on-black text (~20 % faster).
        return {"tessedit_do_invert": "0"}

    def config(self) -> str:
        """Tesseract's command-line options (part of the tesseract engines' ids)."""
        return " ".join([f"--psm {self.psm}", *(f"-c {k}={v}" for k, v in self.variables().items())])


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

    @classmethod
    def from_words(cls, words: Sequence[Word], width: int, height: int) -> OcrPage:
        """A page from an engine's words (NFC, in line order): text in reading order, mean confidence."""
        confs = [w.conf for w in words]
        mean = round(sum(confs) / len(confs), 2) if confs else None
        return cls(lines_to_text(words, width), mean, list(words), width, height)
