"""``slowbar``: the test engine of ``tests/unit/ocr_test_engine.py`` made slow and observable, for the
distributed OCR tests (registered by importing this module; a worker does it with ``--import``).

Each ``recognise`` appends ``start <pid> <page key>`` and then ``end <pid> <page key>`` to the file named by
``SLOWBAR_LOG`` and sleeps ``SLOWBAR_SECONDS`` in between, so a test can kill a worker mid-page and count how
many times each page was really read. ``OcrSettings(lang="die")`` on a blank page kills the reading process,
as in the engine it extends.
"""

from __future__ import annotations

import hashlib
import os
import time

from ocr_test_engine import BarEngine

from ingest.engines import register
from ingest.ocr import OcrPage

NAME = "slowbar"


class SlowBarEngine(BarEngine):
    def id(self) -> str:
        return f"minhchung-slowbar 1|{self.settings.lang}"

    def recognise(self, grey) -> OcrPage:  # type: ignore[no-untyped-def]
        key = hashlib.sha256(grey.tobytes()).hexdigest()[:16]
        _note(f"start {os.getpid()} {key}")
        time.sleep(float(os.environ.get("SLOWBAR_SECONDS") or 0))
        page = super().recognise(grey)
        _note(f"end {os.getpid()} {key}")
        return page


def _note(line: str) -> None:
    path = os.environ.get("SLOWBAR_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")


register(NAME, SlowBarEngine)
