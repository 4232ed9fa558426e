"""Kind of the body that issued a document, from the agency names in its header.

``issuer_kind("SỞ NỘI VỤ", "UBND TỈNH ĐẮK LẮK")`` → ``"SO"``. The kinds are the unit kinds and issuer kinds of the
index set (SO, HUYEN, XA, CA, VKS, TA, THADS, MTTQ, TTT, UBND_TINH, PARTY, TTCP, CENTRAL). Names are compared folded (no
case, no tone marks, đ→d) with punctuation and line breaks made single spaces, so "UỶ BAN NHÂN\\nDÂN" and
"uy ban nhan dan" are the same; a few long stems ("ủy ban nhân dân", "viện kiểm sát", …) are also recognised with
an OCR letter error or two. The issuer's own name decides; when it says nothing (a "Phòng …" or "Văn phòng"), the
parent agency's name, read together with it, does: a district's office counts as the district.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ingest.text import fold

# Centrally-run cities: their People's Committee is provincial. (Huế became one on 1/1/2025; before that
# "UBND thành phố Huế" was a city of Thừa Thiên Huế province, so it is left out: in 2024 it is district level.)
_CENTRAL = r"(?:thanh pho|tp) (?:ha noi|ho chi minh|hcm|hai phong|da nang|can tho)"
_UBND = r"(?:uy ban nhan dan|ubnd)"

# First match wins: Party bodies before everything (a Party committee of the police is a Party body), specialised
# bodies before the People's Committees whose names they may contain.
ISSUER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("PARTY", r"\b(?:tinh|huyen|thanh|thi|quan) uy\b|\bdang (?:bo|uy|cong san)\b|\bban thuong vu\b|\bchi bo\b"
              r"|\bban chi dao (?:tinh |huyen )?(?:ve )?phong chong tham nhung"),
    ("MTTQ", r"\bmat tran to quoc\b|\bubmttq\b"),
    ("TTCP", r"\bthanh tra chinh phu\b"),
    ("TTT", rf"\bthanh tra (?:tinh|{_CENTRAL})\b"),
    ("THADS", r"\bthi hanh an dan su\b|\bthads\b"),
    ("VKS", r"\bvien kiem sat\b|\bvksnd\b"),
    ("TA", r"\btoa an\b|\btand\b"),
    ("CA", r"\bcong an\b"),
    ("SO", rf"^(?:thanh tra )?so\b|^van phong {_UBND} tinh\b|^ban (?:dan toc|quan ly cac khu)\b"),
    ("HUYEN", r"^thanh tra (?:huyen|quan|thi xa|thanh pho|tp)\b"),
    ("UBND_TINH", rf"\b{_UBND} (?:tinh|{_CENTRAL})\b"),
    ("HUYEN", rf"\b{_UBND} (?:huyen|quan|thi xa|thanh pho|tp)\b"),
    ("XA", rf"\b{_UBND} (?:xa|phuong|thi tran|dac khu)\b"),
)

# Long name stems restored when OCR damaged a letter or two (short ones like "công an" would catch "công văn").
REPAIRABLE_STEMS: tuple[str, ...] = (
    "uy ban nhan dan", "thanh tra chinh phu", "thi hanh an dan su", "vien kiem sat", "mat tran to quoc",
)
_REPAIR_CUTOFF = 88

_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in ISSUER_PATTERNS)
_NON_WORD = re.compile(r"[\W_]+")


# The Government, the Prime Minister, the Government Office and the ministries themselves (not a department under a
# ministry, such as a Cục Thuế, which is judged by its own name): CENTRAL, whose documents are no unit's evidence.
# Matched at the start of the name: a header run into the quốc hiệu ("Thủ Tướng Chính Phủ Cộng") still counts.
_CENTRAL_BODY = re.compile(r"(?:thu tuong chinh phu|chinh phu|van phong chinh phu|quoc hoi|bo (?!chi huy|doi)\w+)\b")


def issuer_kind(issuer: str | None, parent: str | None) -> str | None:
    """Kind of the issuing body, or None when the names say nothing we know."""
    name = _normalise(issuer)
    if _CENTRAL_BODY.match(name):
        return "CENTRAL"
    kind = _match(name)
    if kind is None and parent:
        # the parent line first (a district's office), then after (a header split in the wrong place)
        parent_name = _normalise(parent)
        kind = _match(f"{parent_name} {name}".strip()) or _match(f"{name} {parent_name}".strip())
    return kind


def _normalise(name: str | None) -> str:
    return _NON_WORD.sub(" ", fold(name or "")).strip()


def _match(name: str) -> str | None:
    if not name:
        return None
    for candidate in (name, _repair(name)):
        for kind, pattern in _COMPILED:
            if pattern.search(candidate):
                return kind
    return None


def _repair(name: str) -> str:
    """Replace approximate occurrences of the long stems with the stems themselves (whole words only)."""
    for stem in REPAIRABLE_STEMS:
        if stem in name or len(name) < len(stem) - 2:
            continue
        alignment = fuzz.partial_ratio_alignment(stem, name, score_cutoff=_REPAIR_CUTOFF)
        if alignment is None:
            continue
        start = name.rfind(" ", 0, alignment.dest_start) + 1
        end = name.find(" ", alignment.dest_end)
        end = len(name) if end < 0 else end
        if fuzz.ratio(stem, name[start:end]) >= _REPAIR_CUTOFF:
            name = f"{name[:start]}{stem}{name[end:]}"
    return name
