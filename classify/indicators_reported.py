"""Whether a text reports on a document or an event (a news item, an article quoting a plan, a portal report)
instead of being the administrative document itself: the indicator tagger scales such a text's scores down
(``classify.indicators.REPORTED_FACTOR``). Matching runs on folded text (``ingest.text.fold``)."""

from __future__ import annotations

import re

from ingest.text import fold

REPORTED_OPENING_CHARS = 1000  # where a reporting opening is looked for
REPORTED_TELLS_CHARS = 1500  # where "Kế hoạch … nêu rõ" and the text's own citations are looked for

# A text that is about a document or an event rather than being one: no national motto, no citation of its own
# legal basis, and an opening that reports ("Ngày 24/9, Tòa án … đã xét xử", "UBND tỉnh vừa ban hành …",
# "… cho biết", "(PLO)-", "TPO -", "Trước đó," / "Theo đó,", a post's time stamp) or tells what another document
# says ("Kế hoạch 177/KH-UBND nêu rõ").
_MOTTO = re.compile(r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam|doc\s+lap\s*[-–]\s*tu\s+do"
                    r"|tu\s+do\s*[-–]\s*hanh\s+phuc")
# A document's own type line ("BÁO CÁO", "KẾ HOẠCH" alone on a line, in capitals as documents print it): a scan
# whose motto and number OCR lost is still the document.
_TYPE_LINE = re.compile(r"^[ \t]*(?:BÁO CÁO|KẾ HOẠCH|QUYẾT ĐỊNH|THÔNG BÁO|CHỈ THỊ|HƯỚNG DẪN|CHƯƠNG TRÌNH|KẾT LUẬN"
                        r"|KẾT LUẬN THANH TRA|KẾT LUẬN ĐIỀU TRA|BẢN ÁN|CÁO TRẠNG|TỜ TRÌNH|CÔNG VĂN)[ \t]*$",
                        re.MULTILINE)
_OWN_CITATION = re.compile(r"(?:^|\n)[ \t\-–•*]*can\s+cu\b|(?:^|\n)[ \t]*so\s*:\s*\d|(?:^|\n)[ \t]*thuc\s+hien\s+"
                           r"(?:ke\s+hoach|quyet\s+dinh|van\s+ban|cong\s+van|chi\s+thi|nghi\s+quyet)\s+so\b")
_REPORTING = re.compile(
    r"\b(?:da|vua|moi\s+day)\s+(?:duoc\b|ban\s+hanh|ky|co|phat\s+di|xet\s+xu|tuyen|khoi\s+to|tong\s+dat|truy\s+to|"
    r"ra\s+quyet\s+dinh|thi\s+hanh|ket\s+thuc|cong\s+bo|bao\s+cao|mo\s+phien)\b"
    r"|\bcho\s+biet\b|\((?:[a-z.]{2,14})(?:\s[a-z.]{2,10})?\)\s*[-–]|^\s*[a-z]{2,5}\s+[-–]\s"
    r"|^\s*(?:ngay|sang|chieu|toi)\s+\d{1,2}\s*[/-]\s*\d{1,2}\b|^\s*(?:truoc\s+do|theo\s+do)\b"
    r"|\b\d{1,2}[-/]\d{1,2}[-/]\d{4}\s*\|?\s*\d{1,2}:\d{2}\b")  # a web post's time stamp "05-05-2020 07:22"
_TELLS = re.compile(r"\b(?:ke\s+hoach|quyet\s+dinh|bao\s+cao|thong\s+bao)\s+(?:so\s+)?\d+[^\n]{0,40}?\bneu\s+ro\b")


def reports_on_document(text: str) -> bool:
    """Whether the text reports on a document or an event instead of being an administrative document.

    It carries no national motto and no "Số: …" line or "Căn cứ …" / "Thực hiện Kế hoạch số …" line of its
    own, and its opening reports (a dateline with "đã/vừa ban hành, xét xử, khởi tố …", "… cho biết", a press
    tag such as "(PLO)-") or tells what another document says ("Kế hoạch 177/KH-UBND … nêu rõ"). A unit's plan
    reposted on its portal keeps its citations ("… Nội dung Kế hoạch như sau: Căn cứ …") and is not caught;
    news, articles and portal reports are."""
    folded = fold(text or "")
    if _MOTTO.search(folded) or _TYPE_LINE.search(text[:REPORTED_TELLS_CHARS]):
        return False
    if _TELLS.search(folded[:REPORTED_TELLS_CHARS]):
        return True
    return bool(_REPORTING.search(folded[:REPORTED_OPENING_CHARS])
                and not _OWN_CITATION.search(folded[:REPORTED_TELLS_CHARS]))
