"""Names in the header and the signature block: agencies (cơ quan ban hành), titles, signers.

The left header block holds the parent agency over the issuing body ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" /
"SỞ NỘI VỤ"), each possibly broken over lines ("ỦY BAN NHÂN\\nDÂN\\nTỈNH BẮC NINH"). A line that starts
with an agency word (Bộ, Sở, Ủy ban, Công an, …) opens a body; any other line continues the one above.
Names are returned in the usual written form: "Ủy ban nhân dân tỉnh Đắk Lắk", "Sở Tư pháp".
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from classify.layout import SO_LINE, is_header_line, is_upper, letters
from ingest.text import fold

# Agency words in their written form; the folded first words decide, OCR-tolerant (see _canonical).
AGENCIES = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban Kiểm tra",
    "Viện kiểm sát nhân dân", "Tòa án nhân dân", "Thi hành án dân sự", "Cục Thi hành án dân sự",
    "Chi cục Thi hành án dân sự", "Công an", "Thanh tra", "Văn phòng", "Sở", "Bộ", "Cục", "Chi cục",
    "Tổng cục", "Vụ", "Ban", "Phòng", "Huyện ủy", "Tỉnh ủy", "Thành ủy", "Đảng ủy", "Đảng bộ", "Đảng đoàn",
    "Ban cán sự đảng", "Ban Thường vụ", "Ban Chỉ đạo", "Trung tâm", "Trường", "Bệnh viện", "Ngân hàng",
    "Kho bạc Nhà nước", "Chính phủ", "Quốc hội", "Bảo hiểm xã hội", "Liên đoàn Lao động", "Hội",
)
LEVELS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")
# Words of fixed agency names that keep a capital inside a name ("Văn phòng Chính phủ").
PROPER = {"chinh phu": "Chính phủ", "nha nuoc": "Nhà nước", "trung uong": "Trung ương", "quoc hoi": "Quốc hội",
          "to quoc": "Tổ quốc", "viet nam": "Việt Nam", "cong an": "Công an", "thuong vu": "Thường vụ"}
_AGENCY_WORDS = sorted(((letters(a).split(), a) for a in AGENCIES), key=lambda t: -len(t[0]))
_LEVEL_WORDS = [letters(level).split() for level in LEVELS]


def _canonical(words: list[str]) -> tuple[str, int] | None:
    """The agency word the folded ``words`` start with (fuzzy for long ones: "uy ban nhan dan" also from
    OCR's "ỦY BẠN NHÂN DÂN") and how many words it covers."""
    for agency_words, written in _AGENCY_WORDS:
        n = len(agency_words)
        head = " ".join(words[:n])
        target = " ".join(agency_words)
        if head == target or (n >= 3 and len(words) >= n and Levenshtein.normalized_similarity(head, target) >= 0.85):
            return written, n
    return None


def agency_bodies(header: list[str]) -> list[str]:
    """The agencies of the left header block, parent first, in written form."""
    bodies: list[list[str]] = []
    for raw in header:
        # a header flattened into one line: "CHÍNH PHỦ_______ Số: 172/2025/NĐ-CP | CỘNG HÒA …"
        line = re.split(r"_{3,}|-{3,}|\||\bS[ốỐoO6]\s*:", raw)[0].strip()
        folded = fold(line)
        if (not line or not is_upper(line, 0.7) or is_header_line(line) or SO_LINE.match(folded)
                or re.search(r"\bngay\b.*\bthang\b", folded) or folded.startswith(("v/v", "kinh gui"))):
            continue
        words = letters(line).split()
        if not words:
            continue
        if _canonical(words) or not bodies:
            bodies.append(line.split())
        else:
            bodies[-1] += line.split()
    return [name for name in (written_form(words) for words in bodies) if name]


def written_form(words: list[str]) -> str | None:
    """"ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" → "Ủy ban nhân dân tỉnh Đắk Lắk"; "CỤC THUẾ" → "Cục Thuế"."""
    words = [w for w in words if any(c.isalpha() for c in w)]
    folded = [letters(w) for w in words]
    if not words or any(" " in f or not f for f in folded):
        return _normalise(" ".join(words).lower().capitalize()) if words else None
    found = _canonical(folded)
    written, i = found if found else ("", 0)
    out = [written] if written else []
    level = next((lv for lv in _LEVEL_WORDS if folded[i:i + len(lv)] == lv), None)
    if level:
        out.append(" ".join(words[i:i + len(level)]).lower())
        i += len(level)
    rest = " ".join(words[i:]).lower()
    if rest:
        # after a level word or a Party committee the rest is a place name: every word capitalised;
        # after another agency word it is the agency's own name: "Sở Nội vụ", "Văn phòng Chính phủ".
        place = level is not None or written in PARTY_COMMITTEES or not written
        out.append(_proper(rest, first_only=not place))
    text = " ".join(out)
    return _normalise(text[0].upper() + text[1:])


PARTY_COMMITTEES = ("Huyện ủy", "Tỉnh ủy", "Thành ủy", "Đảng ủy", "Đảng bộ")


def _proper(phrase: str, first_only: bool) -> str:
    key = letters(phrase)
    if key in PROPER:
        return PROPER[key]
    words = phrase.split()
    if first_only:
        return " ".join([words[0].capitalize(), *words[1:]])
    return " ".join(w.capitalize() for w in words)


def _normalise(text: str) -> str:
    """Old-style tone placement to the form used in the header conventions: "Uỷ" → "Ủy", "Hoà" → "Hòa"."""
    for old, new in (("Uỷ", "Ủy"), ("uỷ", "ủy"), ("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oạ", "ọa"),
                     ("uý", "úy"), ("uỵ", "ụy")):
        text = re.sub(rf"{old}(?![^\W\d_])", new, text)  # only at the end of a syllable: not "Hoàng"
    return text


# Title words that keep a capital: "PHÓ CHỦ TỊCH" → "Phó Chủ tịch", "CHÁNH THANH TRA" → "Chánh Thanh tra".
_TITLE_CAPS = ("chủ tịch", "giám đốc", "bí thư", "thanh tra", "thủ tướng", "tổng thanh tra", "văn phòng",
               "cục trưởng", "viện trưởng", "chánh án", "trưởng ban", "trưởng phòng", "bộ trưởng")


def display_title(line: str) -> str | None:
    text = " ".join(line.strip().strip(".:;").split()).lower()
    if not text:
        return None
    for phrase in _TITLE_CAPS:
        text = re.sub(rf"(^|\s){phrase}", lambda m, p=phrase: m.group(1) + p[0].upper() + p[1:], text)
    return _normalise(text[0].upper() + text[1:])


_NOT_NAMES = ("noi nhan", "kinh gui", "luu", "nhu tren", "dong chi", "ban chi dao", "thanh tra", "uy ban",
              "so ", "chu tich", "giam doc")


RANKS = ("Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá",
         "Thiếu tá", "Đại úy", "Thượng úy", "Trung úy", "Thiếu úy")


def signer_name(line: str) -> str | None:
    """A person's name line ("Nguyễn Thị Thanh Hương", also after a rank: "Đại tá Hoàng Minh Đức"):
    2–5 capitalised words, letters only."""
    text = _normalise(" ".join(line.strip().strip(".").split()))
    for rank in RANKS:
        if fold(text).startswith(fold(rank) + " "):
            text = text[len(rank):].strip()
            break
    words = text.split()
    if not 2 <= len(words) <= 5 or fold(text).startswith(_NOT_NAMES):
        return None
    if all(w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words):
        return text
    return None
