"""The Jinja2 templates of the pages and their filters (Vietnamese dates, field names and values, unit kinds,
short requirement names) and globals (statuses; ``t(code, **params)`` and ``stored(code, text)``, messages in
the request's language, from :mod:`pipelines.web.lang`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from fastapi.templating import Jinja2Templates

from pipelines.assessment.formats import COLOURS, LETTERS
from pipelines.assessment.gaps import STATUS_VI
from pipelines.web.lang import stored, t

FIELD_VI = {"doc_type": "Loại văn bản", "issued": "Ngày ban hành", "number": "Số", "symbol": "Số, ký hiệu",
            "issuer": "Cơ quan ban hành", "signer": "Người ký", "subject": "Trích yếu", "unit": "Đơn vị",
            "indicator": "Chỉ số", "requirement": "Yêu cầu"}


def dmy(value: object) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def when(value: object) -> str:
    """An ISO timestamp (UTC, as the catalog stores it) in the server's local time."""
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value or "—")


def field_vi(field: str) -> str:
    """``indicator:B.1.9`` → ``Chỉ số B.1.9``; ``doc_type`` → ``Loại văn bản``."""
    name, _, key = field.partition(":")
    return f"{FIELD_VI.get(name, name)} {key}".strip()


def value_vi(value: object) -> str:
    return {True: "có", False: "không", None: "—"}.get(value, str(value)) if isinstance(value, bool | None) \
        else str(value)


# Unit kinds in words (the index set's own names are longer: "Sở, ban, ngành thuộc UBND tỉnh").
KIND_VI = {"SO": "Sở, ban, ngành", "HUYEN": "UBND cấp huyện", "XA": "UBND cấp xã", "CA": "Công an tỉnh",
           "VKS": "Viện kiểm sát nhân dân tỉnh", "TA": "Tòa án nhân dân tỉnh", "THADS": "Cơ quan thi hành án dân sự",
           "MTTQ": "Ủy ban MTTQ Việt Nam tỉnh", "TTT": "Thanh tra tỉnh"}
# Shortenings for a requirement's name in a narrow column header (the full name stays in its title).
SHORTER = ((re.compile(r"phòng,? chống tham nhũng", re.I), "PCTN"),
           (re.compile(r"cán bộ, công chức, viên chức", re.I), "CBCCVC"),
           (re.compile(r"doanh nghiệp, tổ chức( khu vực)? ngoài [Nn]hà nước"), "DN, tổ chức ngoài NN"),
           (re.compile(r"Ủy ban nhân dân"), "UBND"),
           (re.compile(r"\s*\([^)]*\)"), ""),
           # the published names open with "Kết quả (thực hiện) …" / "Thực hiện (việc, công tác) …"
           (re.compile(r"^(?:Kết quả(?: thực hiện)?|Thực hiện(?: việc| công tác)?) (?=\w)"), ""))
SHORT_CHARS = 28


def kind_vi(kind: str | None) -> str:
    """``SO`` → ``Sở, ban, ngành``; an unknown code as itself."""
    return KIND_VI.get(kind or "", kind or "—")


def short_name(name: str, limit: int = SHORT_CHARS) -> str:
    """A requirement's name for a column header: usual abbreviations, no parentheses, at most ``limit``
    characters cut at a word ("Kiểm soát xung đột lợi ích"; "Triển khai các văn bản của…")."""
    short = name
    for pattern, replacement in SHORTER:
        short = pattern.sub(replacement, short)
    short = short.strip() or name
    short = short[:1].upper() + short[1:]
    if len(short) <= limit:
        return short
    cut = short[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


def doc_label(doc: object) -> str:
    """How a person names a document: type and number-symbol ("KH 15/KH-SNV"); without a number, its
    type and the received file's name ("Văn bản không số — scan 03.pdf")."""
    kind = getattr(doc, "doc_type", None)
    symbol = getattr(doc, "symbol", None)
    if symbol:
        return f"{kind} {symbol}" if kind else symbol
    source = getattr(doc, "source", None)
    name = Path(source).name if source else ""
    head = f"{kind} không số" if kind else "Văn bản không số"
    return f"{head} — {name}" if name else head


def templates() -> Jinja2Templates:
    folder = resources.files("pipelines.web") / "templates"
    out = Jinja2Templates(directory=str(folder))
    out.env.filters.update(dmy=dmy, when=when, field_vi=field_vi, value_vi=value_vi, kind_vi=kind_vi,
                           short_name=short_name, doc_label=doc_label)
    out.env.globals.update(status_vi=STATUS_VI, colours=COLOURS, letters=LETTERS, t=t, stored=stored)
    return out
