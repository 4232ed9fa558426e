"""A pypdf reader that gives its memory back as soon as it is done with.

pypdf's objects point back at their reader and the reader holds the whole file it read, so a finished reader
is a reference cycle: it and every stream it parsed (a scanned page's JPEG, ~1 MB) stay in memory until
Python's next full collection. Reading the JPEG sizes of 200 scanned PDFs raised the peak memory of the process
from 29 to 83 MB that way; closing the reader's buffer and dropping its parsed objects when done kept it at 32
MB, for 0.5 ms a file (BENCHMARKS.md, "OCR speed, third round").
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader


@contextmanager
def pdf_reader(path: Path) -> Iterator[PdfReader]:
    """``PdfReader(path, strict=False)``, its warnings silenced, emptied on exit (the module docstring)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(str(path), strict=False)
        try:
            yield reader
        finally:
            reader.stream.close()
            getattr(reader, "resolved_objects", {}).clear()
