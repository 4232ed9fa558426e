"""The gap report as CSV, JSON, XLSX and one self-contained HTML file (Vietnamese labels throughout).

The CSV's header row is in the asked language: Vietnamese by default ("Đơn vị", "Mã tình trạng" …); in
English it is the machine column names of :data:`CSV_COLUMNS` (``unit``, ``status`` …), the same as the JSON
keys. The columns and their values do not change with the language: ``status`` keeps the machine value and
``status_vi`` its Vietnamese name.

Every format also carries the provisional scores (:mod:`pipelines.assessment.scores`, "điểm tạm tính"): the
score columns of each row (``score`` … ``override_note``; empty for the plan's own duties), the ``scores`` part of
the JSON, a sheet of the XLSX, a section of the HTML; and names the index set used with its confirmed / derived
note."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from pipelines.assessment import score_formats
from pipelines.assessment.gaps import STATUS_VI, STATUSES, GapReport, group_of
from pipelines.assessment.gaps import rows as gap_rows
from pipelines.assessment.scores import SCORE_STATUS_VI, ScoreReport, index_set_note, num, score
from pipelines.i18n import DEFAULT_LANG, translate

COLOURS = {"present": "2E7D32", "weak": "F9A825", "out_of_period": "6A1B9A", "late": "E65100",
           "missing": "C62828"}
# One letter per status, so a black-and-white print still reads.
LETTERS = {"present": "Đ", "weak": "?", "out_of_period": "K", "late": "M", "missing": "T"}
CSV_COLUMNS = ("plan", "unit", "unit_kind", "requirement", "requirement_name", "group", "source", "deadline",
               "window", "status", "status_vi", "reason", "documents", "symbols", *score_formats.SCORE_COLUMNS)


def rows(report: GapReport, scores: ScoreReport | None = None, lang: str = DEFAULT_LANG) -> list[dict]:
    """The gap engine's rows with the provisional score of each unit × indicator."""
    scores = scores or score(report)
    out = []
    for row in gap_rows(report):
        unit = scores.unit(row["unit"]) if row["source"] == "index-set" else None
        out.append({**row, **score_formats.score_fields(unit.get(row["requirement"]) if unit else None, lang)})
    return out


def csv_header(lang: str = DEFAULT_LANG) -> list[str]:
    """The CSV's column titles in ``lang`` (``en``: the machine names, :data:`CSV_COLUMNS`)."""
    return [translate(f"gap.column.{name}", lang) for name in CSV_COLUMNS]


def to_csv(report: GapReport, lang: str = DEFAULT_LANG) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writerow(dict(zip(CSV_COLUMNS, csv_header(lang), strict=True)))
    for row in rows(report, lang=lang):
        writer.writerow({**row, "documents": ";".join(row["documents"]), "symbols": ";".join(row["symbols"])})
    return "\ufeff" + buf.getvalue()  # BOM: spreadsheet programs then read the file as UTF-8


def to_json(report: GapReport) -> str:
    scores = score(report)
    return json.dumps({"plan": report.plan.id, "index_set": report.index_set.id,
                       "index_set_note": index_set_note(report.index_set),
                       "period": [report.plan.period_from.isoformat(), report.plan.period_to.isoformat()],
                       "rows": rows(report, scores), "summary": summary(report, scores),
                       "scores": score_formats.scores_json(scores),
                       "unmatched_documents": [d.id for d in report.unmatched],
                       "code_notes": [{"document": d.id, "note": note} for d, note in report.code_notes],
                       "override_notes": list(report.override_notes),
                       "units_without_submission": report.no_submission,
                       "unknown_units": report.unknown_units}, ensure_ascii=False, indent=2)


def summary(report: GapReport, scores: ScoreReport | None = None) -> list[dict]:
    """One line per unit: documents, cells per status, % present and the provisional score (``score`` of
    ``score_max``; ``score_unscored`` indicators shown but not counted, ``score_needs_review`` weak ones)."""
    scores = scores or score(report)
    out = []
    for u in report.units:
        if not u.cells:
            continue
        total = scores.unit(u.unit.name)
        t = total.total if total else None
        extra = {"score": round(t.points, 4), "score_max": round(t.max, 4), "score_unscored": t.unscored,
                 "score_needs_review": t.needs_review} if t else {}
        out.append({"unit": u.unit.name, "unit_kind": u.unit.kind, "documents": u.documents,
                    "requirements": len(u.cells), **{s: u.count(s) for s in STATUSES}, "complete_pct": u.complete,
                    **extra})
    return out


def groups(report: GapReport) -> list[str]:
    """Column groups of the summary: index-set groups in order, then the plan's own duties ("KH")."""
    seen: dict[str, None] = {}
    for u in report.units:
        for c in u.cells:
            seen.setdefault(group_of(c.requirement), None)
    return list(seen)


def to_xlsx(report: GapReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    column_groups = groups(report)
    scores = score(report)
    heads = ["Đơn vị", "Loại", "Số văn bản", *[f"Nhóm {g}" for g in column_groups],
             *[STATUS_VI[s] for s in STATUSES], "% đủ", "Điểm tạm tính", "Tối đa"]
    note = index_set_note(report.index_set)
    ws.append([f"Báo cáo thiếu minh chứng — {report.plan.name}"])
    ws.append([f"Thời kỳ đánh giá {report.plan.period_from:%d/%m/%Y}–{report.plan.period_to:%d/%m/%Y}; "
               f"bộ chỉ số {report.index_set.id}{f' ({note})' if note else ''}; "
               f"lập lúc {datetime.now():%d/%m/%Y %H:%M}"])
    ws.append(heads)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    by_group = {g: i for i, g in enumerate(column_groups)}
    for u in report.units:
        if not u.cells:
            continue
        per_group: list[list[int]] = [[0, 0] for _ in by_group]
        for c in u.cells:
            g = per_group[by_group[group_of(c.requirement)]]
            g[1] += 1
            g[0] += c.status == "present"
        unit_scores = scores.unit(u.unit.name)
        ws.append([u.unit.name, u.unit.kind, u.documents, *[f"{a}/{b}" if b else "–" for a, b in per_group],
                   *[u.count(s) for s in STATUSES], u.complete,
                   *((round(unit_scores.total.points, 2), round(unit_scores.total.max, 2)) if unit_scores else ())])
        row = ws.max_row
        for k, (a, b) in enumerate(per_group):
            if b:
                ratio = a / b
                colour = COLOURS["present"] if ratio == 1 else COLOURS["weak"] if ratio >= 0.5 else COLOURS["missing"]
                ws.cell(row, 4 + k).fill = PatternFill("solid", fgColor=colour)
                ws.cell(row, 4 + k).font = Font(color="FFFFFF", bold=True)
    ws.column_dimensions["A"].width = 42
    names: set[str] = {"Tổng hợp"}
    for u in report.units:
        if not u.cells:
            continue
        sheet = wb.create_sheet(_sheet_name(u.unit.name, names))
        sheet.append([u.unit.name, f"{u.complete}% đủ", f"{u.documents} văn bản"])
        sheet.append(["Yêu cầu", "Nội dung", "Tình trạng", "Lý do", "Số ký hiệu", "Ngày", "Số trang", "Tệp gốc",
                      "Hạn nộp", "Điểm tạm tính", "Tối đa", "Lý do điểm"])
        unit_scores = scores.unit(u.unit.name)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for c in u.cells:
            ev = c.evidence[0].doc if c.evidence else None
            sc = unit_scores.get(c.requirement.id) if unit_scores and c.requirement.source == "index-set" else None
            sheet.append([c.requirement.id, c.requirement.name, STATUS_VI[c.status], c.reason,
                          ev.symbol if ev else "", ev.issued.strftime("%d/%m/%Y") if ev and ev.issued else "",
                          ev.pages if ev else "", ev.source if ev else "",
                          c.requirement.deadline.strftime("%d/%m/%Y") if c.requirement.deadline else "",
                          *((num(sc.points), num(sc.max), sc.reason.text()) if sc else ())])
            status_cell = sheet.cell(sheet.max_row, 3)
            status_cell.fill = PatternFill("solid", fgColor=COLOURS[c.status])
            status_cell.font = Font(color="FFFFFF", bold=True)
            sheet.cell(sheet.max_row, 4).alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in zip("ABCDEFGHIJKL", (10, 50, 14, 70, 20, 12, 9, 50, 12, 12, 8, 70), strict=True):
            sheet.column_dimensions[col].width = width
    for col in range(2, len(heads) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    score_formats.xlsx_sheet(wb, scores, report.plan.name)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:28].strip() or "Đơn vị"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        candidate = f"{base[:25]} ({n})"
        n += 1
    taken.add(candidate)
    return candidate


def matrix(report: GapReport) -> dict:
    """The matrix both HTML views draw: ``units`` with cells, ``columns`` (requirement id → name, in first-seen
    order) and ``cells`` by (unit name, requirement id)."""
    units = [u for u in report.units if u.cells]
    columns: dict[str, str] = {}
    for u in units:
        for c in u.cells:
            columns.setdefault(c.requirement.id, c.requirement.name)
    return {"units": units, "columns": columns,
            "cells": {(u.unit.name, c.requirement.id): c for u in units for c in u.cells}}


def to_html(report: GapReport) -> str:
    from jinja2 import Environment, select_autoescape

    template = resources.files("pipelines.assessment") / "templates" / "gaps.html"
    scores = score(report)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(template.read_text(encoding="utf-8")).render(
        report=report, statuses=STATUSES, status_vi=STATUS_VI, colours=COLOURS, letters=LETTERS,
        generated=datetime.now(), summary=summary(report, scores), scores=scores, num=num,
        score_status_vi=SCORE_STATUS_VI, note=index_set_note(report.index_set), **matrix(report))


@dataclass(frozen=True)
class Format:
    """A file format of the gap report: its media type and renderer (text formats return str)."""

    name: str
    media_type: str
    render: Callable[[GapReport], str | bytes]
    localised: Callable[[GapReport, str], str | bytes] | None = None  # the renderer taking a language

    @property
    def binary(self) -> bool:
        return not self.media_type.startswith(("text/", "application/json"))

    def rendered(self, report: GapReport, lang: str = DEFAULT_LANG) -> str | bytes:
        """The report in this format, its labels in ``lang`` where the format has a choice (CSV's header)."""
        return self.localised(report, lang) if self.localised else self.render(report)


# The one registry of report file formats: the CLI's --format choices and the web API's ?format= both read it.
# Adding a format is one renderer above plus one entry here.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    Format("csv", "text/csv; charset=utf-8", to_csv, to_csv),
    Format("html", "text/html; charset=utf-8", to_html),
    Format("json", "application/json", to_json),
)}
