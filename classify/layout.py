"""Where things are on an official document (Nghị định 30/2020, Phụ lục I), found in OCR text.

Every function here takes the page text as lines and works on the folded form (:func:`ingest.text.fold`:
lowercase, no tone or vowel marks, đ→d) so that OCR's typical diacritic errors ("KÉ HOẠCH", "ỦY BẠN")
do not matter; folding keeps string length, so an index found in the folded text is valid in the original.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ingest.text import fold

QUOC_HIEU = "cong hoa xa hoi chu nghia viet nam"
TIEU_NGU = "doc lap - tu do - hanh phuc"
DANG = "dang cong san viet nam"

# "Số: 15/KH-SNV", "Số 12-KH/HU", "SỐ: 83/2025/QĐ-UBND" (also OCR's "Sô", "S6").
SO_LINE = re.compile(r"^\s*s[o6]\s*[:;.,]?\s*\d", re.IGNORECASE)
# Lines that open the body: the title and the header are above them.
BODY_START = re.compile(r"^\s*(can cu|thuc hien|kinh gui|dieu 1\b|theo de nghi|xet de nghi|i\.\s)")
# "Kèm theo Quyết định số …" at the start of a line (optionally in brackets): an attachment's caption.
ATTACHED = re.compile(
    r"^\s*\(?\s*(ban hanh\s+)?kem theo\s+(quyet dinh|ke hoach|nghi quyet|cong van|bao cao|chi thi|thong tu|"
    r"huong dan|to trinh|thong bao|chuong trinh)\s+so\b")

HEADER_LINES = 20


def is_upper(line: str, share: float = 0.8) -> bool:
    """Mostly capital letters (title lines, agency names, signature titles); at least two letters."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= share * len(letters)


def letters(line: str) -> str:
    """The folded line with everything but letters, digits and single spaces removed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(line)).split())


def has_national_header(lines: list[str], limit: int = HEADER_LINES) -> bool:
    """Quốc hiệu / tiêu ngữ or the Party heading among the first lines, tolerant to OCR errors and to the
    heading being broken over two lines ("CỘNG HÒA XÃ HỘI\\nCHỦ NGHĨA VIỆT NAM")."""
    top = " ".join(letters(line) for line in lines[:limit])
    return any(fuzz.partial_ratio(target, top) >= 88
               for target in (QUOC_HIEU, letters(TIEU_NGU), DANG))


def has_so_line(lines: list[str], limit: int = HEADER_LINES) -> bool:
    return any(SO_LINE.match(fold(line)) for line in lines[:limit])


def is_header_line(line: str) -> bool:
    """Quốc hiệu, tiêu ngữ, Party heading or a decoration line: never an agency name."""
    folded = letters(line)
    if not folded:
        return True
    return any(Levenshtein.normalized_similarity(folded, target) >= 0.8 or target.startswith(folded)
               and len(folded) >= 8 for target in (QUOC_HIEU, letters(TIEU_NGU), DANG, "cong hoa xa hoi",
                                                    "chu nghia viet nam"))


# The document's own statement of what it is, closing its preamble: "…, UBND tỉnh ban hành Kế hoạch thực hiện công
# tác PCTN năm 2026 như sau:", "Sở Lao động … thông báo lịch tiếp công dân năm 2022 như sau:".
_AS_FOLLOWS = re.compile(r"\bnhu\s+sau\s*:")
_PURPOSE_VERB = re.compile(
    r"\b(?:(ban hanh|xay dung)\s+(?=ke hoach|chuong trinh|quyet dinh|huong dan|quy che|quy dinh|phuong an|de an)"
    r"|(thong bao|bao cao|huong dan)\s+(?!so\b|ngay\b|cua\b))")
PURPOSE_SPAN = 400
PURPOSE_WITHIN = 4000


def purpose_clause(folded: str) -> tuple[int, int, str] | None:
    """(start, end, verb) of the purpose clause in a folded text: from the last of "ban hành", "xây dựng", "thông
    báo", "báo cáo", "hướng dẫn" before the first "như sau:" (at most ``PURPOSE_SPAN`` characters back, within the
    first ``PURPOSE_WITHIN``) to that "như sau"; None when there is none."""
    end = _AS_FOLLOWS.search(folded, 0, PURPOSE_WITHIN)
    if end is None:
        return None
    start = max(0, end.start() - PURPOSE_SPAN)
    verbs = [m for m in _PURPOSE_VERB.finditer(folded, start, end.start())
             if not re.search(r"[;]|\bcan cu\b", folded[m.start():end.start()])]
    if not verbs:
        return None
    return verbs[-1].start(), end.start(), verbs[-1].group(1) or verbs[-1].group(2)
