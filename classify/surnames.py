"""Vietnamese family names, to put right a signer's surname whose tone mark OCR misread under a seal.

The set of Kinh family names is small and closed: about fourteen cover nine people in ten (Nguyễn, Trần, Lê,
Phạm, Hoàng/Huỳnh, Phan, Vũ/Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý). A seal's ring or lettering crossing the
first letters of the name adds or changes a mark ("Lễ Thị Minh Nguyệt" for "Lê Thị …"). When the first word
of a signer's name is not a family name but its letters without marks are those of exactly one (``fold``:
"lễ" → "le" → "Lê"), it is that one; a word that is a family name, or matches none or several ("La"/"Lã"), is
left as read.
"""

from __future__ import annotations

from types import MappingProxyType

from ingest.text import fold

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Đinh", "Lâm", "Phùng", "Mai", "Tô", "Trương", "Tạ", "Hà",
    "Lương", "Lưu", "Cao", "Đàm", "Văn", "Chu", "Châu", "Quách", "Thái", "Kiều", "Tăng", "Triệu", "Từ", "Lục",
    "Mạc", "Lã", "La", "Lò", "Hứa", "Giang", "Nông", "Kim", "Khổng", "Thân", "Tôn", "Diệp", "Âu", "Đồng",
    "Tống", "Khúc", "Nghiêm", "Lại", "Ninh", "Bế", "Hầu", "Quan", "Mạch", "Phí", "Cù", "Bạch", "Thạch", "Lạc",
    "Doãn", "Khương", "Nhữ", "Ông", "Ứng", "Tiêu", "Vi", "Mẫn", "Ôn", "Quang",
)
# letters without marks → the family names spelled so ("le" → ("Lê",), "la" → ("La", "Lã"))
_BY_LETTERS = MappingProxyType({key: tuple(n for n in SURNAMES if fold(n) == key) for key in map(fold, SURNAMES)})


def spelled_surname(name: str) -> str:
    """``name`` with its first word replaced by the one family name of the same letters when the word read
    is not a family name itself (see the module's note); else ``name`` unchanged."""
    first, _, rest = name.partition(" ")
    if not rest or first in SURNAMES:
        return name
    candidates = _BY_LETTERS.get(fold(first), ())
    return f"{candidates[0]} {rest}" if len(candidates) == 1 else name
