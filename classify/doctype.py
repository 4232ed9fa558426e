"""The type of a document: Nghị định 30/2020 codes, công văn, normative acts and Party documents.

Evidence, strongest first (``why`` says which decided):
0. a report form of Thông tư 06/2025/TT-TTCP ("Biểu số 01/PCTN", 02/PCTN, 03/PCTN) at the top: type BM;
1. the type name line under the header ("KẾ HOẠCH", also "KẾ HOẠCH V/V …"), fuzzy on folded text;
2. the type code in the symbol ("15/KH-SNV", "83/2025/QĐ-UBND", "12-KH/HU"); a procuracy's "CT" is a cáo trạng
   ("08/CT-VKS-P3"), not a chỉ thị; a court's case code makes a bản án ("12/2024/HS-ST");
3. for công văn, which has no type name: a symbol without a type code, "V/v …" under it, "Kính gửi:".
When the first two agree the confidence is highest; when nothing decides, the type is None.

The judicial and inspection documents PCTN evidence has are types of their own (not Nghị định 30/2020 codes):
BA bản án, CTG cáo trạng, KLĐT kết luận điều tra; a kết luận thanh tra is KL, a quyết định khởi tố a QĐ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from classify.layout import BODY_START, is_upper, letters, purpose_clause
from ingest.text import fold

# Nghị định 30/2020, Phụ lục III (types and abbreviations), plus công văn (CV, no code of its own),
# normative acts that are not administrative documents (NĐ, TT, L) and kết luận (KL, Luật Thanh tra).
TYPES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "CV": "Công văn", "NĐ": "Nghị định",
    "TT": "Thông tư", "L": "Luật", "KL": "Kết luận", "BA": "Bản án", "CTG": "Cáo trạng", "KLĐT": "Kết luận điều tra",
    "BM": "Biểu mẫu báo cáo",
}
# Symbol codes: exact (case-insensitive) first; then folded, for OCR that lost the stroke of Đ ("QD"),
# only where folding is unambiguous (ĐA/DA and HĐ/HD are not).
_EXACT = {code.upper(): code for code in TYPES if code not in ("CV", "L")}
_FOLDED = {fold(code): code for code in _EXACT.values()
           if sum(fold(other) == fold(code) for other in _EXACT.values()) == 1}
# "Thư công" has no code; "Phụ lục" is not a type (an attachment); the type-name lines to look for, longest first
# ("KẾT LUẬN ĐIỀU TRA" before "KẾT LUẬN"), with the titles judicial and inspection documents print:
_NAMES = sorted([(letters(name), code) for code, name in TYPES.items() if code not in ("CV", "BM")]
                + [("ban ket luan dieu tra", "KLĐT"), ("ket luan thanh tra", "KL"), ("ket luan kiem tra", "KL")],
                key=lambda pair: -len(pair[0]))
# Case codes of court judgments ("12/2024/HS-ST": hình sự sơ thẩm; DS, HC, KDTM, LĐ, HNGĐ; ST, PT, GĐT, TT).
_JUDGMENT = re.compile(r"^\d+/\d{4}/(?:HS|DS|HC|KDTM|LĐ|LD|HNGĐ|HNGD)-(?:ST|PT|GĐT|GDT|TT)$", re.IGNORECASE)
# The report forms of Thông tư 06/2025/TT-TTCP, on a line of their own at the top: "Biểu số 01/PCTN".
_FORM = re.compile(r"^\s*(?:bieu|mau)\s*(?:so)?\s*[:.]?\s*0?([1-3])\s*/\s*pctn\b")
FORMS = {"1": "số liệu tổng hợp công tác PCTN", "2": "danh sách các vụ việc tham nhũng",
         "3": "danh sách văn bản có sơ hở"}

THRESHOLD = 0.6
TITLE_ZONE = 40

SYMBOL_CODE = re.compile(r"^\d+(?:/\d{4})?/([^-/\s]+)-|^\d+-([^/\s]+)/")


@dataclass(frozen=True)
class TypeResult:
    code: str | None
    name: str | None
    confidence: float
    why: tuple[str, ...]
    title_line: int | None = None  # index of the type name line, when one was found (also below threshold)
    subject_on_title: str | None = None  # "KẾ HOẠCH V/V …": the subject written on the title line


@dataclass(frozen=True)
class Title:
    index: int
    code: str
    similarity: float
    rest: str


def find_title(lines: list[str], start: int = 0, limit: int = TITLE_ZONE) -> Title | None:
    """The first type-name line between ``start`` and the body, in capitals, e.g. "QUYÉT ĐỊNH"."""
    end = min(len(lines), start + limit)
    for i in range(start, end):
        line = lines[i].strip()
        if BODY_START.match(fold(line)):
            break
        if not is_upper(line) or len(line) > 160:
            continue
        found = match_title(line)
        if found:
            return Title(i, *found)
    return None


def match_title(line: str) -> tuple[str, float, str] | None:
    """(code, similarity, rest of line) if the line is a type name, alone or followed by the subject."""
    text = letters(line)
    best: tuple[str, float, str] | None = None
    for name, code in _NAMES:
        if text == name:
            return code, 1.0, ""
        if text.startswith(name + " "):
            rest = line.strip()[len(name):].strip(" :.-")
            if fold(rest).startswith(("v/v", "ve ")) or len(rest) > 12:
                return code, 1.0, _after_words(line, len(name.split()))
        if len(text) >= 4 and abs(len(text) - len(name)) <= 2:
            sim = Levenshtein.normalized_similarity(text, name)
            if sim >= 0.8 and (best is None or sim > best[1]):
                best = (code, sim, "")
    return best


def _after_words(line: str, n: int) -> str:
    words = line.strip().split()
    return " ".join(words[n:]).strip(" :")


def code_of_symbol(symbol: str | None) -> tuple[str | None, bool]:
    """(type code in the symbol or None, whether the symbol has a code at all). "312/STP-VP" → (None, True)."""
    if not symbol:
        return None, False
    m = SYMBOL_CODE.match(symbol)
    if not m:
        return None, False
    if _JUDGMENT.match(symbol):
        return "BA", True
    raw = m.group(1) or m.group(2)
    code = _EXACT.get(raw.upper()) or _FOLDED.get(fold(raw))
    if code in ("CT", "CTr") and fold(symbol[m.end():]).startswith("vks"):
        return "CTG", True  # the procuracy's cáo trạng ("08/CT-VKS-P3"), not a chỉ thị
    return code, True


def classify_type(lines: list[str], symbol: str | None, start: int = 0) -> TypeResult:
    """Decide the type from the title line, the symbol and công văn cues (see the module docstring)."""
    form = _report_form(lines, start)
    if form:
        return form
    title = find_title(lines, start)
    sym_code, sym_parsed = code_of_symbol(symbol)
    why: list[str] = []
    if sym_code == "BA" and (title is None or title.code != "BA"):
        # a court's case number is unambiguous; a judgment's "QUYẾT ĐỊNH:" section is not its title
        why.append(f'ký hiệu bản án "{symbol}" (mã loại án và cấp xét xử)')
        return _result("BA", 0.9, why, None)
    if title:
        code = title.code
        what = f'dòng tên loại "{lines[title.index].strip()}"'
        why.append(what if title.similarity == 1.0 else f"{what} (gần đúng {title.similarity:.2f})")
        confidence = 0.9 if title.similarity == 1.0 else 0.75
        if sym_code == code or (code, sym_code) == ("KLĐT", "KL"):  # "45/KL-CSĐT": a kết luận điều tra
            why.append(f'ký hiệu "{symbol}" cùng loại {code}')
            confidence = 0.99 if title.similarity == 1.0 else 0.95
        elif sym_code:
            why.append(f'ký hiệu "{symbol}" ghi loại {sym_code}: tên loại được ưu tiên')
            confidence -= 0.15
        if symbol and re.match(r"^\d+/\d{4}/", symbol):
            why.append("văn bản quy phạm pháp luật (ký hiệu có năm)")
        return _result(code, confidence, why, title)
    if sym_code:
        why.append(f'mã loại {sym_code} trong ký hiệu "{symbol}" (không thấy dòng tên loại)')
        return _result(sym_code, 0.85, why, None)
    head = [fold(line).strip() for line in lines[start:start + TITLE_ZONE]]
    vv = any(line.startswith("v/v") or line.startswith("v/ v") for line in head)
    kinh_gui = any(line.startswith("kinh gui") for line in head)
    if sym_parsed:
        why.append(f'ký hiệu "{symbol}" không có mã loại (công văn)')
    if vv:
        why.append('trích yếu "V/v …" dưới số ký hiệu')
    if kinh_gui:
        why.append('có "Kính gửi:"')
    confidence = {(True, True): 0.97, (True, False): 0.9, (False, True): 0.8}.get((sym_parsed, vv), 0.0)
    if kinh_gui:
        confidence = min(0.99, confidence + 0.05) if confidence else 0.55
    if confidence:
        return _result("CV", confidence, why, None)
    return _from_purpose(lines, start) or TypeResult(
        None, None, 0.0, ("không tìm thấy dòng tên loại, mã loại trong ký hiệu hay dấu hiệu công văn",))


# "… thông báo lịch tiếp công dân năm 2022 như sau:", "… ban hành Kế hoạch … như sau:" (classify.layout)
_PURPOSE_TYPES = {"thong bao": "TB", "bao cao": "BC", "huong dan": "HD"}
_PURPOSE_NOUNS = {"ke hoach": "KH", "chuong trinh": "CTr", "quyet dinh": "QĐ", "huong dan": "HD", "quy che": "QC",
                  "quy dinh": "QyĐ", "phuong an": "PA", "de an": "ĐA"}


def _from_purpose(lines: list[str], start: int) -> TypeResult | None:
    """The last resort, for a page with no type line, number or công văn cue (a portal's copy): the document's own
    "… như sau:" sentence says what it is, with less confidence than a title (0.65)."""
    text = "\n".join(lines[start:start + TITLE_ZONE])
    folded = fold(text)
    found = purpose_clause(folded)
    if found is None:
        return None
    begin, end, verb = found
    code = _PURPOSE_TYPES.get(verb) or next(
        (c for noun, c in _PURPOSE_NOUNS.items() if folded[begin + len(verb):end].lstrip().startswith(noun)), None)
    if code is None:
        return None
    return _result(code, 0.65, [f'câu "{" ".join(text[begin:end].split()[:8])} … như sau:" nêu loại văn bản'], None)


def _report_form(lines: list[str], start: int) -> TypeResult | None:
    """A report form of Thông tư 06/2025/TT-TTCP: "Biểu số 01/PCTN" on its own line among the first lines, its
    title (the capitalised lines under it) as the subject."""
    top = lines[start:start + 8]
    for i, line in enumerate(top):
        m = _FORM.match(fold(line))
        if not m:
            continue
        title = next((t.strip() for t in top[i + 1:] if t.strip() and is_upper(t.strip())), "")
        label = f"Biểu số 0{m.group(1)}/PCTN"
        why = (f'"{line.strip()}": biểu báo cáo {label} ({FORMS[m.group(1)]}) theo Thông tư 06/2025/TT-TTCP',)
        subject = f"{label}: {title}" if title else label
        return TypeResult("BM", TYPES["BM"], 0.95, why, None, subject)
    return None


def _result(code: str, confidence: float, why: list[str], title: Title | None) -> TypeResult:
    confidence = round(max(0.0, min(1.0, confidence)), 2)
    if confidence < THRESHOLD:
        why.append(f"độ tin cậy {confidence} dưới ngưỡng {THRESHOLD}: cần xem lại")
        return TypeResult(None, None, confidence, tuple(why), title.index if title else None)
    return TypeResult(code, TYPES[code], confidence, tuple(why), title.index if title else None,
                      title.rest or None if title else None)
