"""Documents that span files: the pages of one folder, file after file, cut into logical documents.

A clerk who photographs a letter page by page, or whose scanner writes one file per page (``scan_9.jpg``,
``scan_10.jpg``), sends one document as several files. Within one folder of one unit, taken in natural name
order (``scan_2`` before ``scan_10``), a file whose first page carries no header block (:func:`starts_document`)
continues the document the previous file ended with (unless it opens with a type name:
:func:`continues_previous`); a file whose first page has a header starts a new one, and inside a file the
pages are split as :func:`classify.segment.segment` splits them. The facts of an assembled document are then
read from its pages as a whole (the header on the first photo, the signature on the last).

Page numbers of an assembled document's attachments count on from its first page across its parts (for a
document in one file they are the file's page numbers, as before).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from classify.doctype import find_title
from classify.segment import Attachment, Segment, caption_at_top, find_attachments, segment, starts_document

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """Sort key of a file name in natural order: digit runs compare as numbers ("scan_2" < "scan_10"),
    letters without case; ties broken by the name itself so that the order is total."""
    parts = _DIGITS.split(name.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p) + (name,)


@dataclass(frozen=True)
class FilePages:
    """One file of a folder: an identifier (the catalog's sha256), its name, its page texts (index 0 = page 1)."""

    key: str
    name: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    """A run of pages of one file inside a document (1-based, inclusive)."""

    key: str
    first_page: int
    last_page: int

    @property
    def count(self) -> int:
        return self.last_page - self.first_page + 1


@dataclass(frozen=True)
class Assembled:
    """One logical document: its parts in reading order, why it starts where it does, its attachments
    (numbered from the first part's first page on, across the parts) and its page texts in order."""

    parts: tuple[Part, ...]
    why: str
    attachments: tuple[Attachment, ...]
    texts: tuple[str, ...]

    @property
    def first(self) -> Part:
        return self.parts[0]


# A header-less first page whose first lines hold a type name ("KẾ HOẠCH") opens a document of its own.
TITLE_OPENS = 3


def continues_previous(first_page_text: str) -> bool:
    """A file whose first page has no header block continues the previous file's document, unless that page
    opens with a type name (a document whose header was never printed or was cut off: "KẾ HOẠCH / Đánh giá
    công tác …", the real seed plan) and no "kèm theo" caption (an attachment, which does continue). Pages
    of one document after the first open mid-text, never with a type name."""
    if starts_document(first_page_text):
        return False
    lines = [line for line in first_page_text.splitlines() if line.strip()]
    return find_title(lines, 0, TITLE_OPENS) is None or caption_at_top(lines) is not None


def assemble(files: Sequence[FilePages]) -> list[Assembled]:
    """The documents of one folder's files, given in reading order (sort them with :func:`natural_key`)."""
    runs: list[list[tuple[FilePages, Segment]]] = []  # each document: its (file, segment) parts
    for k, file in enumerate(files):
        if not file.pages:
            continue
        for j, seg in enumerate(segment(list(file.pages))):
            if j == 0 and k > 0 and runs and continues_previous(file.pages[0]):
                runs[-1].append((file, seg))
            else:
                runs.append([(file, seg)])
    return [_document(run) for run in runs]


def _document(run: list[tuple[FilePages, Segment]]) -> Assembled:
    parts = tuple(Part(f.key, s.first_page, s.last_page) for f, s in run)
    texts = tuple(t for f, s in run for t in f.pages[s.first_page - 1:s.last_page])
    head_file, head = run[0]
    if len(run) == 1:
        return Assembled(parts, head.why, head.attachments, texts)
    names = ", ".join(f.name for f, _ in run[1:])
    why = f"{head.why}; nối tiếp bằng {len(run) - 1} tệp không có khối tiêu đề ở trang đầu: {names}"
    shift = head.first_page - 1  # document page i (1-based over all parts) is numbered shift + i
    found = find_attachments(list(texts), 1, len(texts))
    attachments = tuple(dataclasses.replace(a, first_page=a.first_page + shift) for a in found)
    return Assembled(parts, why, attachments, texts)


def affected(starts: Sequence[bool], wanted: Sequence[bool]) -> list[tuple[int, int]]:
    """Which files of a folder (in reading order) must be read again when the ``wanted`` ones are (new, or
    asked for), as runs ``(first, last)`` of indices, inclusive: the run of each wanted file and the run
    before it (a new file may take over files that continued the previous document, whose facts then change),
    a run being a file whose first page ``starts`` a document (or the folder's first file) and the files
    after it that do not. Documents never cross from one run into another, so each run can be read alone
    and the documents of the other files stay as they are."""
    n = len(starts)
    mark = [False] * n
    for i in (i for i in range(n) if wanted[i]):
        first = max(i - 1, 0)
        while first > 0 and not starts[first]:
            first -= 1
        last = i
        while last + 1 < n and not starts[last + 1]:
            last += 1
        mark[first:last + 1] = [True] * (last + 1 - first)
    ranges: list[tuple[int, int]] = []
    for i in range(n):
        if mark[i] and (not ranges or ranges[-1][1] != i - 1 or starts[i]):
            ranges.append((i, i))
        elif mark[i]:
            ranges[-1] = (ranges[-1][0], i)
    return ranges
