"""Repairs of OCR's digit-for-letter confusions inside a ký hiệu's letter codes.

A số ký hiệu is the number, then codes of the type and the issuing body ("312/STP-VP", "15/KH-SNV",
"83/2025/QĐ-UBND", Party "12-KH/HU", Nghị định 30/2020 Phụ lục I and Hướng dẫn 36-HD/VPTW). Those codes are
abbreviations of names: letters, with at most a trailing body number ("BCĐ389", the steering committee 389).
A digit at the start or in the middle of a code that has letters is therefore a misread letter of the same
shape ("312/5TP-VP" for "312/STP-VP", "8CĐ" for "BCĐ"). Segments that are all digits (the number, the year
"2025") are never changed, nor a code's trailing run of digits ("UBND1" stays: it may be real).
"""

from __future__ import annotations

import re

# Digits that OCR reads for capital letters of the same shape (the reverse of metadata's O/l/I → 0/1).
LOOKALIKE_LETTERS = str.maketrans("0581", "OSBI")
_SEGMENTS = re.compile(r"([/-])")
_CODE = re.compile(r"^(?P<head>.*?[^\W\d_].*?)(?P<tail>\d*)$")


def repair_code(segment: str) -> str:
    """One code between separators: digits before its trailing digit run read as the letters they look
    like, when the code has at least two letters ("5TP" → "STP", "Q0Đ" → "QOĐ"; "BCĐ389", "2024" unchanged)."""
    m = _CODE.match(segment)
    if not m or sum(c.isalpha() for c in segment) < 2:
        return segment
    head = m["head"]
    if not any(c.isdigit() for c in head):
        return segment
    return head.translate(LOOKALIKE_LETTERS) + m["tail"]


def repair_symbol(rest: str) -> str:
    """``rest`` (the symbol after its number: "/5TP-VP", "/2025/QĐ-UBND", "-KH/HU") with its letter codes
    repaired by :func:`repair_code`; separators, the year and the number as they are."""
    return "".join(repair_code(part) if part not in "/-" else part for part in _SEGMENTS.split(rest))
