"""The Jinja2 templates of the pages and their filters (Vietnamese dates, field names and values)."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources

from fastapi.templating import Jinja2Templates

from pipelines.assessment.formats import COLOURS, LETTERS
from pipelines.assessment.gaps import STATUS_VI

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


def templates() -> Jinja2Templates:
    folder = resources.files("pipelines.web") / "templates"
    out = Jinja2Templates(directory=str(folder))
    out.env.filters.update(dmy=dmy, when=when, field_vi=field_vi, value_vi=value_vi)
    out.env.globals.update(status_vi=STATUS_VI, colours=COLOURS, letters=LETTERS)
    return out
