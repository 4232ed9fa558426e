"""Names in the header and the signature block: agencies (cơ quan ban hành), titles, signers.

The left header block holds the parent agency over the issuing body ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" /
"SỞ NỘI VỤ"), each possibly broken over lines ("ỦY BAN NHÂN\\nDÂN\\nTỈNH BẮC NINH"). A line that starts
with an agency word (Bộ, Sở, Ủy ban, Công an, …) opens a body; any other line continues the one above.
Names are returned in the usual written form, official capitalisation kept: "Ủy ban nhân dân tỉnh Đắk
Lắk", "Sở Tư pháp tỉnh Đắk Lắk", and abbreviations stay capitals: "UBND tỉnh Đắk Lắk", "Ban Chỉ đạo PCTN
tỉnh Đắk Lắk" (never "Ubnd Tỉnh Đắk Lắk").
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
# Abbreviations written in capitals (folded → written): agencies that open a name ("UBND tỉnh …") and words
# inside one ("Ban Chỉ đạo PCTN …").
AGENCY_ABBREVIATIONS = {"ubnd": "UBND", "hdnd": "HĐND", "ubmttq": "UBMTTQ", "mttq": "MTTQ", "vksnd": "VKSND",
                        "tand": "TAND", "bhxh": "BHXH", "thads": "THADS", "bcd": "BCĐ", "ubkt": "UBKT",
                        "ldld": "LĐLĐ", "btv": "BTV", "bch": "BCH"}
ABBREVIATIONS = {**AGENCY_ABBREVIATIONS, "pctn": "PCTN", "tw": "TW", "cand": "CAND", "qdnd": "QĐND",
                 "khcn": "KHCN", "gddt": "GDĐT", "vhttdl": "VHTTDL", "tnmt": "TNMT", "ldtbxh": "LĐTBXH"}
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
        if _canonical(words) or words[0] in AGENCY_ABBREVIATIONS or not bodies:
            bodies.append(line.split())
        else:
            bodies[-1] += line.split()
    return [name for name in (written_form(words) for words in bodies) if name]


def written_form(words: list[str]) -> str | None:
    """"ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" → "Ủy ban nhân dân tỉnh Đắk Lắk"; "CỤC THUẾ" → "Cục Thuế";
    "UBND TỈNH ĐẮK LẮK" → "UBND tỉnh Đắk Lắk"; "SỞ TƯ PHÁP TỈNH ĐẮK LẮK" → "Sở Tư pháp tỉnh Đắk Lắk"."""
    words = [w for w in words if any(c.isalpha() for c in w)]
    folded = [letters(w) for w in words]
    if not words or any(" " in f or not f for f in folded):
        return _normalise(" ".join(words).lower().capitalize()) if words else None
    if folded[0] in AGENCY_ABBREVIATIONS:
        written, i = AGENCY_ABBREVIATIONS[folded[0]], 1
    else:
        found = _canonical(folded)
        written, i = found if found else ("", 0)
    out = [written] if written else []
    at = _level_at(words, folded, i)
    if at is None:
        # no level word: after a Party committee (or no agency word) the rest is a place name, every word
        # capitalised; after another agency word it is the agency's own name: "Sở Nội vụ", "Văn phòng Chính phủ".
        place = written in PARTY_COMMITTEES or not written
        if words[i:]:
            out.append(_proper(words[i:], first_only=not place))
    else:
        # the agency's own name, the level in lower case, then the place: "Sở Tư pháp | tỉnh | Đắk Lắk"
        start, length = at
        if words[i:start]:
            out.append(_proper(words[i:start], first_only=True))
        out.append(" ".join(words[start:start + length]).lower())
        if words[start + length:]:
            out.append(_proper(words[start + length:], first_only=False))
    text = " ".join(out)
    return _normalise(text[0].upper() + text[1:])


def _level_at(words: list[str], folded: list[str], start: int) -> tuple[int, int] | None:
    """Where the first level word ("tỉnh", "thị xã" …) is from ``start`` on, and how many words it has. A word
    with diacritics must be the level word itself ("quân" is not "quận"); one without (OCR lost them) is
    compared folded, except inside "cơ quan" and "xã hội"."""
    for j in range(start, len(folded)):
        if folded[j - 1:j + 1] == ["co", "quan"] or folded[j:j + 2] == ["xa", "hoi"]:
            continue
        for level, folded_level in zip(LEVELS, _LEVEL_WORDS, strict=True):
            n = len(folded_level)
            if folded[j:j + n] != folded_level:
                continue
            written = " ".join(words[j:j + n]).lower()
            if written == level or written.isascii():
                return j, n
    return None


PARTY_COMMITTEES = ("Huyện ủy", "Tỉnh ủy", "Thành ủy", "Đảng ủy", "Đảng bộ")


def _proper(words: list[str], first_only: bool) -> str:
    """Words of a name in their written case: every word capitalised (a place) or the first only (an agency's
    own name); fixed names from :data:`PROPER`; abbreviations in capitals."""
    key = letters(" ".join(words))
    if key in PROPER:
        return PROPER[key]
    out = []
    for k, word in enumerate(words):
        folded = letters(word)
        if folded in ABBREVIATIONS:
            out.append(ABBREVIATIONS[folded])
        elif k == 0 or not first_only:
            out.append(word.lower().capitalize())
        else:
            out.append(word.lower())
    return " ".join(out)


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
