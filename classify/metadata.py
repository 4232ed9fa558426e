"""Official metadata of a document (Nghị định 30/2020, Phụ lục I), read from its OCR text.

Số and ký hiệu, địa danh and date, the issuing body and its parent (the left header block), trích yếu,
the signature block (authority, title, signer) and the recipients (Kính gửi / Nơi nhận). Unknown → None.

These are regular expressions over the folded text (see :mod:`classify.layout`), not token rules: the
patterns are positional ("the line under the agency", "after Số") and character-level (a symbol is one
whitespace token with "/" and "-"), which a token matcher would express less directly. Phrases matched
against long bodies are :mod:`classify.indicators`' work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import Levenshtein

from classify.agency import agency_bodies, display_title, signer_name
from classify.layout import DANG, HEADER_LINES, SO_LINE, has_national_header, is_header_line, is_upper, letters
from classify.surnames import spelled_surname
from classify.symbols import repair_symbol
from ingest.text import fold

# After "Số": admin/normative "15/KH-SNV", "83/2025/QĐ-UBND", "312/STP-VP"; Party "12-KH/HU", "384-QĐ/TW".
# OCR may drop the slash: "245KH-UBND", "245 KH-UBND" is 245/KH-UBND when what follows the number is a letter
# code of capitals, a hyphen and another ("KH-UBND", "QĐ-UBND", "TTr-UBND"), never a word ("2 tầng", "15 Ha-Noi").
SYMBOL = re.compile(r"(?P<num>[0-9OolI]{1,6})\s*(?P<rest>(?:/\s*\d{4}\s*)?/\s*[^\s/]+(?:-[^\s,;]+)?"
                    r"|-\s*[^\s/]+\s*/\s*[^\s,;]+)"
                    r"|(?P<num2>[0-9OolI]{1,6})\s*(?P<code>[A-ZĐ][A-ZĐr]{0,7}-[A-ZĐ][A-ZĐ]{0,7}(?:-[A-ZĐ]{1,8})*)"
                    r"(?![\w/-])")
# "…, ngày 05 tháng 01 năm 2025" on the folded text; line breaks anywhere; OCR's O/l for 0/1.
# "CHÍNH PHỦ____ Số: 172/2025/NĐ-CP | CỘNG HÒA …" (a header flattened into one line): needs the colon.
SO_INLINE = re.compile(r"\bs[o6]\s*:\s*\d")
# A court judgment: "Bản án số: 12/2024/HS-ST" and, under it, "Ngày: 15-3-2024" (Nghị quyết 05/2017/NQ-HĐTP forms).
JUDGMENT_NO = re.compile(r"^\s*ban\s+an\s+s[o6]\s*:?\s*\d")
JUDGMENT_DATE = re.compile(r"^\s*ngay\s*:?\s*(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})\s*$")
DATE = re.compile(r"ngay\s*(?P<d>[0-9OolI]{1,2})\s*thang\s*(?P<m>[0-9OolI]{1,2})\s*nam\s*(?P<y>[0-9OolI]{4})")
# "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC"; the Party writes "T/M BAN THƯỜNG VỤ" (the slash, no dot).
AUTHORITY = re.compile(r"^\s*((TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*[.:]|(T/M|K/T|T/L)\s)\s*\S", re.IGNORECASE)
_DIGITS = str.maketrans("OolI", "0011")
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # combining grave, acute, tilde, hook above, dot below
VOWEL_MARKS = "\u0302\u0306\u031b"  # combining circumflex, breve, horn (â ê ô, ă, ơ ư)


@dataclass(frozen=True)
class Metadata:
    number: str | None = None
    symbol: str | None = None
    issued: date | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    authority: str | None = None
    signer_title: str | None = None
    signer: str | None = None
    recipients: tuple[str, ...] = ()
    party: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def find_symbol(lines: list[str], limit: int = HEADER_LINES) -> tuple[str | None, str | None, int | None]:
    """(number, symbol, line index) from the "Số:" line of the header."""
    for i, line in enumerate(lines[:limit]):
        folded = fold(line)
        m = SO_LINE.match(folded) or SO_INLINE.search(folded) or JUDGMENT_NO.match(folded)
        if not m:
            continue
        start = m.start() + folded[m.start():].index("s", 5 if m.re is JUDGMENT_NO else 0) + 2
        found = SYMBOL.search(line, start)
        if not found:
            continue
        if found.group("code"):  # the slash lost by OCR: put it back
            number, rest = found.group("num2").translate(_DIGITS), "/" + found.group("code")
        else:
            number = found.group("num").translate(_DIGITS)
            rest = re.sub(r"\s+", "", found.group("rest")).rstrip(".,;:")
        rest = repair_symbol(rest)
        if not number.isdigit() or len(rest) < 3:
            continue
        return number, number + rest, i  # as printed: "012/CT-UBND" has number "012"
    return None, None, None


def find_date(lines: list[str], start: int = 0, limit: int = HEADER_LINES) -> tuple[date | None, str | None]:
    """(issue date, place) from the địa danh line of the header; the date must be a real calendar date."""
    window = lines[start:start + limit]
    text = "\n".join(window)
    folded = fold(text)
    for m in DATE.finditer(folded):
        before = text[:m.start()]
        if not before.rstrip().endswith(","):
            continue
        try:
            issued = date(*(int(m.group(k).translate(_DIGITS)) for k in ("y", "m", "d")))
        except ValueError:
            continue
        return issued, _place(before.rstrip()[:-1])
    for line in window:  # a court judgment's "Ngày: 15-3-2024" under its number
        m = JUDGMENT_DATE.match(fold(line))
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"])), None
            except ValueError:
                continue
    return None, None


def _place(before: str) -> str | None:
    """The địa danh: the text on the date line before the comma, joined with the line above when the
    name was broken ("Thành phố Hồ Chí\\nMinh, ngày …")."""
    rows = before.split("\n")
    place = rows[-1].strip()
    if len(rows) > 1:
        above = rows[-2].strip()
        if (above and len(above) <= 30 and not any(c.isdigit() for c in above) and ":" not in above
                and not is_upper(above) and not is_header_line(above) and not above.endswith((".", ";"))):
            place = f"{above} {place}"
    place = re.split(r"[^\w\s]|[_\d]", place)[-1]  # "…Hạnh phúc_____ Hà Nội" → "Hà Nội"
    tail = fold(place).rfind("hanh phuc")  # the rule under the tiêu ngữ not read: "… Hạnh phúc Hà Nội"
    if tail != -1:
        place = place[tail + len("hanh phuc"):]
    place = " ".join(place.split())
    return place if 2 <= len(place) <= 50 and not is_header_line(place) else None


def _place_as_dated(name: str, place: str | None) -> str:
    """``name`` with its place name as spelled on the địa danh line when OCR lost letters of it in the header
    ("Ủy ban nhân dân huyện Krông Pc" over "Krông Pắc, ngày …" → "… huyện Krông Pắc"). A local body dates its
    documents at its own place (Nghị định 30/2020), so the two agree up to OCR errors. Only a header word that
    is never a Vietnamese syllable counts as damaged (left without a vowel, or with two tone marks: "PÁẮC"):
    a date line misread the other way ("Krông Púc") changes nothing."""
    want = (place or "").split()
    words = name.split()
    if not want or len(words) <= len(want) or any(_not_a_syllable(w) for w in want):
        return name
    tail = " ".join(words[-len(want):])
    if (not any(_not_a_syllable(w) for w in tail.split())
            or Levenshtein.normalized_similarity(letters(tail), letters(place)) < 0.75):
        return name
    return " ".join([*words[:-len(want)], *want])


def _not_a_syllable(word: str) -> bool:
    """No vowel, more than one tone mark (a syllable has one tone: sắc, huyền, hỏi, ngã or nặng), or a letter or
    mark Vietnamese does not write ("Päc": a diaeresis)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(c in TONE_MARKS for c in decomposed)
    foreign = any((unicodedata.combining(c) and c not in TONE_MARKS + VOWEL_MARKS)
                  or (c.isalpha() and not c.isascii() and c not in "đĐ") for c in decomposed)
    return tones > 1 or foreign or (any(c.isalpha() for c in word) and not re.search(r"[aeiouy]", fold(word)))


def find_subject(lines: list[str], title_index: int | None, symbol_index: int | None) -> str | None:
    """Trích yếu: the lines under the type name, or the "V/v …" lines under the symbol (công văn)."""
    if title_index is not None:
        start = title_index + 1
    elif symbol_index is not None:
        start = next((i for i in range(symbol_index, min(len(lines), symbol_index + 6))
                      if fold(lines[i]).lstrip().startswith(("v/v", "v/ v"))), None)
        if start is None:
            return None
    else:
        return None
    parts: list[str] = []
    upper = None
    for line in lines[start:start + 6]:
        text = line.strip()
        folded = fold(text)
        if not text:
            if parts:
                break
            continue
        if parts and _ends_subject(text, folded, upper):
            break
        if not parts and (_opens_body(folded) or re.match(r"^-+$", text)):
            return None
        if upper is None:
            upper = is_upper(text)
        parts.append(text)
        if len(parts) == 4:
            break
    subject = " ".join(" ".join(parts).split())
    return subject or None


_AGENCY_START = ("uy ban", "ubnd", "so ", "phong ", "hoi dong", "ban ", "thanh tra", "cong an", "toa an",
                 "vien kiem sat", "chinh phu", "bo ", "dang ", "nhan danh", "kinh gui")


def _untitled_subject(lines: list[str], symbol_index: int) -> str | None:
    """A page without a separate type line ("KẾ HOẠCH" lost or never printed): the capitalised line right under
    the number and date ("THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG, TIÊU CỰC NĂM 2026") is the trích yếu."""
    for i in range(symbol_index + 1, min(len(lines), symbol_index + 5)):
        text = lines[i].strip()
        folded = fold(text)
        if not text or DATE.search(folded) or JUDGMENT_DATE.match(folded) or is_header_line(text):
            continue
        if is_upper(text) and len(text.split()) >= 3 and not folded.startswith(_AGENCY_START):
            return find_subject(lines, i - 1, None)
        return None
    return None


def _opens_body(folded: str) -> bool:
    """"Căn cứ …", "Kính gửi:", "Thực hiện Kế hoạch số …" open the body; "Thực hiện công tác PCTN năm
    2024" under "KẾ HOẠCH" is the subject."""
    if folded.startswith(("can cu", "kinh gui")):
        return True
    return folded.startswith("thuc hien") and re.search(r"\bso\s*\d", folded) is not None


def _ends_subject(text: str, folded: str, upper: bool | None) -> bool:
    if _opens_body(folded) or folded.startswith(("theo ", "xet ", "de ", "trong ", "ngay ", "thuc hien")):
        return True
    if re.match(r"^(-{3,}|\*|[ivx]+\.|\d+\.)", folded):
        return True
    if is_header_line(text) or SO_LINE.match(folded) or DATE.search(folded):
        return True
    if upper and not is_upper(text):
        return True
    if not upper and is_upper(text):
        return True  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" (the QĐ preamble) under a sentence-case subject
    return bool(upper and folded.startswith(("chu tich", "giam doc", "cuc truong", "bo truong", "chanh ",
                                              "uy ban nhan dan", "hoi dong nhan dan", "tong ")))


def find_signature(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(authority line, title, signer) from the last signature block of the text."""
    tail = lines[-40:]
    auth_i = title_i = None
    for i in range(len(tail) - 1, -1, -1):
        text = tail[i].strip()
        if AUTHORITY.match(text) and is_upper(text, 0.6):
            auth_i = i
            break
    auth_text = tail[auth_i].strip() if auth_i is not None else ""
    if auth_i is not None and auth_text.endswith(",") and auth_i + 1 < len(tail):
        auth_text = f"{auth_text} {tail[auth_i + 1].strip()}"
        auth_i += 1
    if auth_i is not None:
        title_i = next((i for i in range(auth_i + 1, min(len(tail), auth_i + 4))
                        if is_upper(tail[i].strip()) and not tail[i].strip().startswith("-")), None)
    else:
        title_i = next((i for i in range(len(tail) - 1, -1, -1) if _looks_like_title(tail[i])), None)
    anchor = title_i if title_i is not None else auth_i
    if anchor is None:
        return None, None, None
    signer = None
    for line in tail[anchor + 1:]:
        name = signer_name(line) or signer_name(_name_part(line))
        if name:
            signer = spelled_surname(name)
    authority = _authority_display(auth_text) if auth_i is not None else None
    title = display_title(tail[title_i]) if title_i is not None else None
    if authority and title is None:
        title = display_title(re.sub(r"^\s*\S+\s*[.:]\s*", "", auth_text))
    return authority, spelled_title(title), signer


def _name_part(line: str) -> str:
    """The signer's line without what a seal or a pen stroke adds at its ends: tokens without a letter
    ("„", "|", "/^") and marks stuck to the first or last word ("'Lê", "Nguyệt|")."""
    words = line.split()
    if words and words[0].startswith(("-", "+", "•")):
        return ""  # a list item (Nơi nhận), never the signer
    while words and not any(c.isalpha() for c in words[0]):
        words.pop(0)
    while words and not any(c.isalpha() for c in words[-1]):
        words.pop()
    if not words:
        return ""
    words[0] = words[0].lstrip("'\"`‘’“”„|/\\^*~_.,:;")
    words[-1] = words[-1].rstrip("'\"`‘’“”„|/\\^*~-_.,:;")
    return " ".join(words)


# Signer titles as they are spelled: OCR often drops a mark in the signature block ("CHỦ TICH" under a
# seal); a title that folds to one of these is written as here.
TITLES = ("Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Bí thư", "Phó Bí thư", "Chánh Thanh tra",
          "Phó Chánh Thanh tra", "Cục trưởng", "Phó Cục trưởng", "Viện trưởng", "Phó Viện trưởng", "Chánh án",
          "Phó Chánh án", "Trưởng ban", "Phó Trưởng ban", "Trưởng phòng", "Phó Trưởng phòng", "Bộ trưởng",
          "Thứ trưởng", "Tổng Thanh tra", "Thủ tướng", "Chánh Văn phòng", "Phó Chánh Văn phòng",
          "Chi cục trưởng", "Phó Chi cục trưởng", "Chủ nhiệm", "Phó Chủ nhiệm")
_TITLES_BY_FOLD = {letters(t): t for t in TITLES}


def spelled_title(title: str | None) -> str | None:
    """``title`` as :data:`TITLES` spells it when it is one of them up to marks, else as read."""
    if title is None:
        return None
    return _TITLES_BY_FOLD.get(letters(title), title)


_TITLE_WORDS = ("chu tich", "giam doc", "bi thu", "chanh thanh tra", "cuc truong", "bo truong", "thu truong",
                "vien truong", "chanh an", "truong ban", "truong phong", "chi cuc truong", "tong thanh tra",
                "thu tuong", "chanh van phong", "truong", "pho ")


def _looks_like_title(line: str) -> bool:
    text = line.strip()
    return (is_upper(text) and len(text) <= 40 and not text.startswith("-")
            and letters(text).startswith(_TITLE_WORDS))


def _authority_display(line: str) -> str:
    m = AUTHORITY.match(line.strip())
    if m is None:
        return display_title(line) or ""
    rest = display_title(line.strip()[m.end() - 1:])
    if m.group(3):  # "T/M BAN THƯỜNG VỤ": the slash form is written without a dot
        return f"{m.group(3).upper()} {rest}"
    return f"{m.group(2).upper()}. {rest}"


def find_recipients(lines: list[str]) -> tuple[str, ...]:
    """Kính gửi addressees, then the Nơi nhận list, without the "- " and the final ";"/".", NFC."""
    found: list[str] = []
    for i, line in enumerate(lines):
        folded = fold(line).strip()
        if folded.startswith("kinh gui"):
            after = line.split(":", 1)[1].strip() if ":" in line else ""
            if after:
                found.append(after)
            else:
                found += _dash_items(lines[i + 1:i + 12])
        elif folded.startswith("noi nhan"):
            found += _dash_items(lines[i + 1:i + 30])
    cleaned = [item.strip(" -;.,") for item in found]
    return tuple(dict.fromkeys(item for item in cleaned if sum(c.isalpha() for c in item) >= 3))


def _dash_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith(("-", "+", "•")):
            items.append(text.lstrip("-+• "))
        elif items and text and text[0].islower() and not items[-1].endswith((";", ".")):
            items[-1] += " " + text
        elif items and signer_name(text):
            break
    return items


def extract(lines: list[str], title_index: int | None = None, subject_on_title: str | None = None,
            symbol_found: tuple[str | None, str | None, int | None] | None = None) -> Metadata:
    """All metadata of one document's text (the lines of its pages, attachments cut off); ``symbol_found``:
    :func:`find_symbol`'s result when the caller already has it."""
    number, symbol, symbol_index = symbol_found or find_symbol(lines)
    header_end = title_index if title_index is not None else HEADER_LINES
    if symbol is None and not has_national_header(lines):
        header_end = 0  # no header block (a continuation page scanned on its own): no issuer, no date
    issued, place = find_date(lines, 0, max(header_end + 2, 6) if header_end else 0)
    bodies = [_place_as_dated(body, place) for body in agency_bodies(lines[:header_end])]
    issuer = bodies[-1] if bodies else None
    parent = bodies[-2] if len(bodies) > 1 else None
    subject = subject_on_title or find_subject(lines, title_index, symbol_index)
    if subject is None and title_index is None and symbol_index is not None:
        subject = _untitled_subject(lines, symbol_index)
    authority, title, signer = find_signature(lines)
    party = bool(symbol and re.match(r"^\d+-", symbol)) or any(
        letters(line) == DANG for line in lines[:HEADER_LINES])
    return Metadata(number=number, symbol=symbol, issued=issued, place=place, issuer=issuer,
                    parent_issuer=parent, subject=subject, authority=authority, signer_title=title,
                    signer=signer, recipients=find_recipients(lines), party=party)
