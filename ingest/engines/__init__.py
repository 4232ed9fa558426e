"""OCR engines: what one must do (:class:`OcrEngine`) and the registry that makes one from the settings.

Adding an engine is one module and one registration::

    class MyEngine:
        def __init__(self, settings: OcrSettings) -> None: ...
        def id(self) -> str: ...                              # keys the OCR cache: change it when output changes
        def recognise(self, grey: np.ndarray) -> OcrPage: ...  # OcrPage.from_words(...) gives the reading order

    register("mine", MyEngine)

A built-in engine registers in :func:`_register_builtins` below, so that every process that imports
this package (the OCR worker processes too) knows it; ``OcrSettings(engine="mine")`` then selects it
(``MINHCHUNG_OCR_ENGINE=mine``). Engines raise :class:`ingest.ocr.OcrError` for a page they cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from ingest.ocr import OcrError, OcrPage, OcrSettings


class OcrEngine(Protocol):
    def id(self) -> str:
        """Library + version + model digest + settings: the same id must mean the same output."""
        ...

    def recognise(self, grey: np.ndarray) -> OcrPage:
        """Read one cleaned grey page (uint8, 2-D); NFC text; raises OcrError when it cannot."""
        ...


EngineFactory = Callable[[OcrSettings], OcrEngine]

_FACTORIES: dict[str, EngineFactory] = {}  # the registry: engine name -> factory


def register(name: str, factory: EngineFactory) -> None:
    """Make ``OcrSettings(engine=name)`` create engines with ``factory``; a name is taken only once."""
    known = _FACTORIES.get(name)
    if known is not None and known is not factory:
        raise ValueError(f"an OCR engine named {name!r} is already registered ({known!r})")
    _FACTORIES[name] = factory


def names() -> tuple[str, ...]:
    """The registered engine names, sorted."""
    return tuple(sorted(_FACTORIES))


def ensure_known(name: str) -> None:
    """Raise :class:`OcrError` naming the known engines when no engine ``name`` is registered."""
    if name not in _FACTORIES:
        raise OcrError("ocr.unknown_engine", name=name, known=", ".join(names()) or "none")


def create(settings: OcrSettings) -> OcrEngine:
    """A new engine for ``settings.engine`` (:class:`OcrError` when unknown). Factories should be cheap:
    an engine loads its model on its first page, in the worker that uses it."""
    ensure_known(settings.engine)
    return _FACTORIES[settings.engine](settings)


def best_tesseract(settings: OcrSettings) -> OcrEngine:
    """The default ``tesseract`` engine: tesserocr (the model loaded once per process) when it imports and
    no tesseract program was named (``MINHCHUNG_TESSERACT``), else the tesseract program via pytesseract."""
    from ingest.engines.tesseract import TesseractEngine
    from ingest.engines.tesserocr_engine import TesserocrEngine, available

    if settings.tesseract_cmd == "tesseract" and available():
        return TesserocrEngine(settings)
    return TesseractEngine(settings)


def _register_builtins() -> None:
    from ingest.engines.tesseract import TesseractEngine
    from ingest.engines.tesserocr_engine import TesserocrEngine

    register("tesseract", best_tesseract)
    register("tesseract-cli", TesseractEngine)
    register("tesserocr", TesserocrEngine)


_register_builtins()

__all__ = ["EngineFactory", "OcrEngine", "OcrError", "create", "ensure_known", "names", "register"]
