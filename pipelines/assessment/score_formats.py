"""The provisional scores in the gap report's files: the JSON part, the score columns of each row (CSV and JSON
rows), and the XLSX sheet "Điểm tạm tính". Reasons in the asked language (Vietnamese by default)."""

from __future__ import annotations

from typing import Any

from pipelines.assessment.scores import (
    SCORE_STATUS_VI,
    IndicatorScore,
    ProvinceScore,
    ScoreReport,
    Total,
)
from pipelines.i18n import DEFAULT_LANG

SCORE_COLUMNS = ("score", "score_max", "score_status", "score_reason", "score_computed", "override_who",
                 "override_at", "override_note")
RULE_VI = {"present": "Đủ điểm khi có minh chứng", "per_item": "Theo từng phần",
           "unit_share": "Theo tỉ lệ đơn vị có minh chứng", "not_from_units": "Không chấm từ đơn vị"}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def score_fields(s: IndicatorScore | None, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The score columns of one unit × requirement row (empty for a plan duty, which is not scored)."""
    if s is None:
        return dict.fromkeys(SCORE_COLUMNS)
    o = s.override
    return {"score": _r(s.points), "score_max": _r(s.max), "score_status": s.status,
            "score_reason": s.reason.text(lang),
            "score_computed": _r(s.computed), "override_who": o.who if o else None, "override_at": o.at if o else None,
            "override_note": o.note if o else None}


def _total(t: Total) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "points": _r(t.points), "max": _r(t.max), "unscored": t.unscored,
            "needs_review": t.needs_review, "pending": _r(t.pending)}


def _indicator(s: IndicatorScore, lang: str) -> dict[str, Any]:
    o = s.override
    return {"indicator": s.id, "name": s.name, "group": s.group, "criterion": s.criterion, "rule": s.rule,
            "status": s.status, "status_vi": SCORE_STATUS_VI[s.status], "points": _r(s.points),
            "computed": _r(s.computed), "max": _r(s.max), "reason": s.reason.text(lang), "reason_code": s.reason.code,
            "needs_review": s.needs_review, "pending": _r(s.pending),
            "share": {"valid": s.share[0], "expected": s.share[1]} if s.share else None,
            "items": [{"id": i.id, "name": i.name, "status": i.status, "points": _r(i.points), "max": _r(i.max),
                       "equal_share": i.equal_share, "reason": i.reason.text(lang)} for i in s.items],
            "override": {"points": o.points, "original": o.original, "who": o.who, "at": o.at, "note": o.note}
            if o else None}


def _province(p: ProvinceScore, lang: str) -> dict[str, Any]:
    return {"indicator": p.id, "name": p.name, "group": p.group, "criterion": p.criterion, "rule": p.rule,
            "points": _r(p.points), "max": _r(p.max), "valid": p.valid, "expected": p.expected,
            "reason": p.reason.text(lang)}


def scores_json(report: ScoreReport, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The ``scores`` part of the JSON report (and of ``minhchung scores --json``)."""
    return {
        "label": "điểm tạm tính", "index_set": report.index_set, "index_set_note": report.note,
        "units": [{"unit": u.unit.name, "unit_kind": u.unit.kind, "total": _total(u.total),
                   "groups": [_total(t) for t in u.groups], "criteria": [_total(t) for t in u.criteria],
                   "indicators": [_indicator(s, lang) for s in u.indicators]} for u in report.units],
        "province": {"total": _total(report.province_total), "groups": [_total(t) for t in report.province_groups],
                     "criteria": [_total(t) for t in report.province_criteria],
                     "indicators": [_province(p, lang) for p in report.province]},
    }


def xlsx_sheet(wb: Any, report: ScoreReport, title: str) -> None:
    """The sheet of provisional scores: the province's indicators and totals, then every unit's indicators."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("Điểm tạm tính")
    ws.append([f"Điểm tạm tính — {title}"])
    ws.append([f"Bộ chỉ số {report.index_set}" + (f": {report.note}" if report.note else "")])
    ws.append(["Chưa rõ điểm, không chấm từ đơn vị, chưa mô tả minh chứng: không tính vào tổng; minh chứng cần "
               "xem lại được tạm tính 0 điểm."])
    heads = ["Đơn vị", "Chỉ số", "Nội dung", "Cách tính", "Tình trạng", "Điểm", "Tối đa", "Điểm máy tính",
             "Người sửa", "Lúc sửa", "Ghi chú sửa", "Lý do"]
    ws.append(heads)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for p in report.province:
        ws.append(["Toàn tỉnh", p.id, p.name, RULE_VI.get(p.rule, p.rule), f"{p.valid}/{p.expected} đơn vị",
                   _r(p.points), _r(p.max), "", "", "", "", p.reason.text()])
    t = report.province_total
    ws.append(["Toàn tỉnh", "Tổng", "", "", f"{t.unscored} chỉ số không tính", _r(t.points), _r(t.max)])
    ws.cell(ws.max_row, 2).font = Font(bold=True)
    for u in report.units:
        for s in u.indicators:
            o = s.override
            ws.append([u.unit.name, s.id, s.name, RULE_VI.get(s.rule, s.rule), SCORE_STATUS_VI[s.status],
                       _r(s.points), _r(s.max), _r(s.computed), o.who if o else "", o.at if o else "",
                       o.note if o else "", s.reason.text()])
            ws.cell(ws.max_row, 12).alignment = Alignment(wrap_text=True, vertical="top")
        ws.append([u.unit.name, "Tổng", "", "", f"{u.total.needs_review} cần xem lại", _r(u.total.points),
                   _r(u.total.max)])
        ws.cell(ws.max_row, 2).font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJKL", (36, 9, 46, 18, 16, 8, 8, 10, 14, 20, 30, 80), strict=True):
        ws.column_dimensions[col].width = width
