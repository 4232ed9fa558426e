"""Split one file's pages into logical documents.

Clerks scan whole folders into one PDF. A page starts a new document when its top carries a new header
block: the quốc hiệu / tiêu ngữ or "ĐẢNG CỘNG SẢN VIỆT NAM" together with a "Số …" line or a type name
line. An attachment issued with a document ("QUY ĐỊNH … (Ban hành kèm theo Quyết định số …)", "PHỤ LỤC
… Kèm theo Báo cáo số …") stays with that document and is recorded as its attachment, also when it begins
in the middle of a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from classify.doctype import find_title
from classify.layout import ATTACHED, SO_LINE, has_national_header, has_so_line, is_header_line, is_upper
from ingest.text import fold

TOP = 20


@dataclass(frozen=True)
class Attachment:
    first_page: int  # 1-based, in the file
    line: int  # index of the attachment's first line (its title) on that page
    code: str | None
    title: str


@dataclass(frozen=True)
class Segment:
    first_page: int  # 1-based, in the file
    last_page: int
    why: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def starts_document(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if caption_at_top(lines) is not None:
        return False
    return has_national_header(lines, TOP) and (has_so_line(lines, TOP) or find_title(lines, 0, TOP) is not None)


def caption_at_top(lines: list[str]) -> int | None:
    """Index of an attachment's "kèm theo" caption among the first lines, or None."""
    for i, line in enumerate(lines[:TOP]):
        if _is_caption(line):
            return i
    return None


def _is_caption(line: str) -> bool:
    """"(Ban hành kèm theo Quyết định số …)" or "Kèm theo Báo cáo số …" opening a line; a body line that
    merely wraps onto "kèm theo Quyết định số …" starts in lower case and is not a caption."""
    text = line.lstrip()
    return bool(text) and (text[0] == "(" or text[0].isupper()) and ATTACHED.match(fold(text)) is not None


def segment(pages: list[str]) -> list[Segment]:
    """Documents of a file from its page texts (index 0 = page 1). Pages without text (failed or blank)
    never start a document. A file whose first page has no header is still one document."""
    starts = [1] + [n for n, text in enumerate(pages[1:], 2) if starts_document(text)]
    segments = []
    for k, first in enumerate(starts):
        last = starts[k + 1] - 1 if k + 1 < len(starts) else len(pages)
        why = "trang đầu của tệp" if first == 1 else "khối tiêu đề mới (quốc hiệu + số/tên loại)"
        segments.append(Segment(first, last, why, tuple(find_attachments(pages, first, last))))
    return segments


def find_attachments(pages: list[str], first: int, last: int) -> list[Attachment]:
    """Attachment captions in pages first..last; the one on the document's own title area is not one."""
    found: list[Attachment] = []
    for n in range(first, last + 1):
        lines = pages[n - 1].splitlines()
        for i, line in enumerate(lines):
            if not _is_caption(line):
                continue
            if n == first and i < TOP and not any(a.first_page == n for a in found) and _is_own_title(lines, i):
                continue
            start = _title_above(lines, i)
            title_match = find_title(lines, start, 3)
            title = " ".join(part.strip() for part in lines[start:i] if part.strip()) or lines[i].strip()
            found.append(Attachment(n, start, title_match.code if title_match else None, title.strip("() ")))
    return found


def _is_own_title(lines: list[str], i: int) -> bool:
    """The caption is under the document's first title: the whole document is an attachment on its own."""
    return find_title(lines, 0, i + 1) is not None and not has_so_line(lines, i)


def _title_above(lines: list[str], i: int) -> int:
    """Index of the line that heads the caption at ``i``: a type name line within 8 lines above, else the
    highest capitalised line above it before the header ("QUY TẮC ỨNG XỬ" / "Của …" / caption)."""
    for j in range(i - 1, max(-1, i - 9), -1):
        text = lines[j].strip()
        if find_title(lines, j, 1) is not None:
            return j
        if text and (is_header_line(text) or text.endswith((".", ";", ":"))):
            break
    start = i
    for j in range(i - 1, max(-1, i - 5), -1):
        text = lines[j].strip()
        if not text:
            continue
        if is_header_line(text) or SO_LINE.match(fold(text)) or text.endswith((".", ";", ":")):
            break
        if is_upper(text):
            start = j
    return start
