"""The provisional score (pipelines/assessment/scores.py), scenario by scenario, without OCR: an index set and a plan
built in code (one indicator per rule and status), document records as the catalog gives them, and the gap engine.

"Sở Mọi Loại" has every status: present, weak, missing, late, out of period, not_from_units and unknown points.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from classify.indexset import Criterion, Evidence, Group, IndexSet, Indicator, Kind, SubItem
from pipelines.assessment import formats, gaps, scores
from pipelines.assessment.plan import Plan, Unit
from pipelines.catalog.records import DocumentRecord, SourcePart
from pipelines.catalog.scores import Override

EV = (Evidence(("KH",), ("kế hoạch",), (), "in_period", "reconstructed"),)


def ind(ident: str, points: float | None, kinds=("SO",), scoring="present", items=(), evidence=EV) -> Indicator:
    return Indicator(ident, f"Chỉ số {ident}", points, "confirmed", kinds, evidence, items=items, scoring=scoring)


RECEPTION = ind("A.1.2", 5, ("SO", "HUYEN"), "per_item", evidence=(
    Evidence(("KH", "TB"), (), (), "in_period", "reconstructed"),), items=(
    SubItem("A.1.2.a", "Chủ tịch UBND cấp huyện", 1.5, "confirmed", ("HUYEN",), ()),
    SubItem("A.1.2.b", "Người đứng đầu sở", 1.5, "confirmed", ("SO",),
            (Evidence(("TB",), ("tiếp công dân",), (), "in_period", "reconstructed"),)),
    SubItem("A.1.2.c", "Phần chưa rõ điểm", None, "reconstructed", ("SO",), ()),
))
INDICATORS = (
    ind("A.1.1", 4, ("SO", "HUYEN")),
    RECEPTION,
    ind("A.1.3", 6, ("SO", "HUYEN"), "unit_share"),
    ind("A.1.4", 2, scoring="not_from_units", evidence=()),
    ind("A.1.5", None),
    ind("A.1.6", 2), ind("A.1.7", 2), ind("A.1.8", 1), ind("A.1.9", 1),
)
INDEX_SET = IndexSet(
    "thu", 2024, "Bộ thử", date(2024, 1, 1), date(2024, 12, 31), 100, (Kind("SO", "Sở"), Kind("HUYEN", "Huyện")),
    (Kind("SO", "Sở"), Kind("HUYEN", "Huyện")),
    (Group("A", "Nhóm A", 30, "confirmed", (Criterion("A.1", "Tiêu chí A.1", 30, "confirmed", INDICATORS),)),))
UNITS = (Unit("Sở Mọi Loại", "SO"), Unit("Sở Hai", "SO"), Unit("Huyện Ba", "HUYEN"))
PLAN = Plan("thu-2024", "Kế hoạch thử", 2024, "thu", date(2024, 1, 1), date(2024, 12, 31),
            {"SO": date(2025, 3, 15), "HUYEN": date(2025, 3, 20)}, UNITS)


def doc(n: int, unit: str, *tags: str, doc_type="KH", issued: str | None = "2024-03-01", received="2025-03-01",
        subject="Kế hoạch năm 2024", score=0.9) -> DocumentRecord:
    sha, source = f"{n:064d}", f"{unit}/d{n}.pdf"
    return DocumentRecord(f"d{n}", sha, source, (SourcePart(sha, source, 1, 1),), unit, received, "done", None, (),
                          doc_type=doc_type, doc_type_confidence=0.95, symbol=f"{n}/KH", issued=issued,
                          subject=subject, indicators=tuple({"id": t, "score": score} for t in tags))


RECORDS = [
    doc(1, "Sở Mọi Loại", "A.1.1", "A.1.3", "A.1.5"),  # present (A.1.5: present, points unknown)
    doc(2, "Sở Mọi Loại", "A.1.6", received="2025-03-20"),  # late
    doc(3, "Sở Mọi Loại", "A.1.7", issued="2023-05-02"),  # out of period
    doc(4, "Sở Mọi Loại", "A.1.8", issued=None),  # weak: no issue date
    doc(5, "Sở Mọi Loại", "A.1.2", doc_type="TB", subject="Thông báo lịch tiếp công dân năm 2024"),
    doc(6, "Sở Hai", "A.1.2"),  # a plan: fits the sub-item without a signature, not the one asking for a TB notice
    doc(7, "Huyện Ba", "A.1.2.a", doc_type="TB", subject="Lịch tiếp công dân"),
    doc(8, "Huyện Ba", "A.1.1", "A.1.3"),
]


def report(overrides: dict | None = None, records=RECORDS, index_set=INDEX_SET) -> scores.ScoreReport:
    return scores.score(gaps.build(PLAN, index_set, records, overrides))


@pytest.fixture(scope="module")
def result() -> scores.ScoreReport:
    return report()


def get(result: scores.ScoreReport, unit: str, indicator: str) -> scores.IndicatorScore:
    found = result.unit(unit).get(indicator)
    assert found is not None
    return found


def test_a_unit_with_every_status(result):
    u = result.unit("Sở Mọi Loại")
    got = {s.id: (s.status, s.points, s.max) for s in u.indicators}
    assert got == {
        "A.1.1": ("present", 4, 4), "A.1.2": ("present", 3.5, 3.5), "A.1.3": ("present", 6, 6),
        "A.1.4": ("not_from_units", None, 2), "A.1.5": ("unknown_points", None, None),
        "A.1.6": ("late", 0, 2), "A.1.7": ("out_of_period", 0, 2), "A.1.8": ("weak", 0, 1), "A.1.9": ("missing", 0, 1),
    }
    codes = {s.id: s.reason.code for s in u.indicators}
    assert codes == {"A.1.1": "score.present", "A.1.2": "score.items_equal", "A.1.3": "score.unit_share",
                     "A.1.4": "score.not_from_units", "A.1.5": "score.unknown_points", "A.1.6": "score.late",
                     "A.1.7": "score.out_of_period", "A.1.8": "score.weak", "A.1.9": "score.missing"}
    # totals: scored indicators only (not_from_units and unknown points shown, left out)
    assert (u.total.points, u.total.max, u.total.unscored) == (13.5, 19.5, 2)
    assert [(t.id, t.points, t.max) for t in u.criteria] == [("A.1", 13.5, 19.5)]
    assert [(t.id, t.points, t.max) for t in u.groups] == [("A", 13.5, 19.5)]


def test_every_reason_is_vietnamese_and_says_why(result):
    text = {s.id: s.reason.text() for s in result.unit("Sở Mọi Loại").indicators}
    assert text["A.1.1"] == "Có minh chứng hợp lệ trong thời kỳ: 4 điểm"
    assert "sau hạn 15/03/2025" in text["A.1.6"] and text["A.1.6"].startswith("Minh chứng nộp sau hạn: 0 điểm")
    assert "02/05/2023 ngoài khoảng" in text["A.1.7"]
    assert text["A.1.9"] == "Không có minh chứng: 0 điểm"
    assert "không tính vào tổng (minh chứng: Đủ)" in text["A.1.5"]
    assert "PAR INDEX" in text["A.1.4"]
    english = get(result, "Sở Mọi Loại", "A.1.9").reason.text("en")
    assert english == "No evidence: 0 points"


def test_weak_evidence_is_flagged_scored_zero_with_what_a_confirmation_would_add(result):
    weak = get(result, "Sở Mọi Loại", "A.1.8")
    assert (weak.points, weak.needs_review, weak.pending) == (0, True, 1)
    assert "không đọc được ngày ban hành" in weak.reason.text() and "1 điểm khi người rà soát xác nhận" in \
        weak.reason.text()
    u = result.unit("Sở Mọi Loại")
    assert (u.total.needs_review, u.total.pending) == (1, 1)


def test_per_item_scores_each_sub_item_of_the_units_kind(result):
    mixed = get(result, "Sở Mọi Loại", "A.1.2")
    assert [(i.id, i.status, i.points, i.max, i.equal_share) for i in mixed.items] == [
        ("A.1.2.b", "present", 1.5, 1.5, False), ("A.1.2.c", "present", 3.5 - 1.5, 2.0, True)]
    assert mixed.points == 3.5
    plan_only = get(result, "Sở Hai", "A.1.2")  # a plan (KH) is no citizen-reception notice (TB) for A.1.2.b
    assert [(i.id, i.status, i.points) for i in plan_only.items] == [("A.1.2.b", "missing", 0), ("A.1.2.c", "present",
                                                                                                   2.0)]
    assert (plan_only.points, plan_only.max, plan_only.status) == (2.0, 3.5, "present")  # the gap engine's verdict
    district = get(result, "Huyện Ba", "A.1.2")  # tagged with the sub-item itself
    assert [(i.id, i.status, i.points) for i in district.items] == [("A.1.2.a", "present", 1.5)]
    assert "Tính theo từng phần" in district.reason.text() and "A.1.2.a Chủ tịch UBND cấp huyện: 1,5/1,5" in \
        district.reason.text()
    province = next(p for p in result.province if p.id == "A.1.2")
    # a: 1.5 (1 district) + b: 1.5 × 1/2 departments + c: 2 × 2/2
    assert (province.points, province.max, province.valid, province.expected) == (1.5 + 0.75 + 2.0, 5.0, 4, 5)


def test_unit_share_is_points_times_the_share_of_units_with_valid_evidence(result):
    province = next(p for p in result.province if p.id == "A.1.3")
    assert (province.points, province.max, province.valid, province.expected) == (4.0, 6, 2, 3)
    assert province.reason.text() == "6 điểm × 2/3 đơn vị có minh chứng hợp lệ"
    missing = get(result, "Sở Hai", "A.1.3")
    assert (missing.points, missing.share) == (0, (2, 3))
    assert "toàn tỉnh 2/3 đơn vị, 4/6 điểm" in missing.reason.text()


def test_the_province_totals_leave_out_what_is_not_scored(result):
    by_id = {p.id: p for p in result.province}
    assert by_id["A.1.4"].points is None and by_id["A.1.5"].points is None
    assert by_id["A.1.1"].reason.text() == "Trung bình điểm của 3 đơn vị phải nộp: 2/3 đơn vị có minh chứng hợp lệ"
    scored = [p for p in result.province if p.points is not None]
    assert result.province_total.points == pytest.approx(sum(p.points for p in scored))
    assert result.province_total.max == pytest.approx(sum(p.max for p in scored))
    assert result.province_total.unscored == 2


def test_an_override_replaces_the_score_keeps_the_computed_one_and_moves_the_province():
    o = Override(3.0, 0.0, "ratsoat", "2025-04-01T08:00:00+00:00", "Có biên bản công khai bản giấy")
    result = report({("Sở Hai", "A.1.3"): o, ("Sở Mọi Loại", "A.1.5"): o})
    s = get(result, "Sở Hai", "A.1.3")
    assert (s.points, s.computed, s.override) == (3.0, 0, o)
    assert s.reason.code == "score.unit_share" and s.reason.params["reason"].code == "score.override"
    assert "ratsoat sửa điểm lúc 2025-04-01 08:00: 3 điểm (máy tính 0). Ghi chú: Có biên bản" in s.reason.text()
    assert s.engine_reason.params["reason"].code == "score.missing"
    province = next(p for p in result.province if p.id == "A.1.3")
    assert province.points == pytest.approx((6 + 3 + 6) / 3) and province.reason.code == "score.province_share_override"
    unknown = get(result, "Sở Mọi Loại", "A.1.5")  # an indicator of unknown points: shown, never counted
    assert (unknown.points, unknown.override) == (None, o)
    assert result.unit("Sở Hai").total.points == report().unit("Sở Hai").total.points + 3


def test_an_override_of_a_per_item_indicator_is_spread_over_its_sub_items_for_the_province():
    o = Override(3.5, 2.0, "ratsoat", "2025-04-01T08:00:00+00:00", "đủ cả hai phần")
    province = next(p for p in report({("Sở Hai", "A.1.2"): o}).province if p.id == "A.1.2")
    assert province.points == pytest.approx(1.5 + 1.5 + 2.0)


def test_equal_shares_and_unknown_points_of_sub_items():
    assert scores.item_points(RECEPTION) == ({"A.1.2.a": 1.5, "A.1.2.b": 1.5, "A.1.2.c": 2.0}, {"A.1.2.c"})
    unknown = replace(RECEPTION, max_score=None)
    assert scores.item_points(unknown) is None and scores.max_for(unknown, "SO") is None
    known = replace(RECEPTION, max_score=None, items=RECEPTION.items[:2])
    assert scores.max_for(known, "SO") == 1.5 and scores.max_for(known, "HUYEN") == 1.5


def test_an_indicator_without_evidence_signatures_is_shown_not_scored():
    index_set = replace(INDEX_SET, groups=(replace(INDEX_SET.groups[0], criteria=(replace(
        INDEX_SET.groups[0].criteria[0], indicators=(*INDICATORS, ind("A.1.10", 3, evidence=()))),)),))
    s = get(report(index_set=index_set), "Sở Hai", "A.1.10")
    assert (s.status, s.points, s.max, s.reason.code) == ("not_assessed", None, 3, "score.not_assessed")


def test_the_report_files_carry_the_scores():
    gap_report = gaps.build(PLAN, INDEX_SET, RECORDS, {})
    data = json.loads(formats.to_json(gap_report))
    assert data["scores"]["label"] == "điểm tạm tính" and data["scores"]["index_set"] == "thu"
    unit = next(u for u in data["scores"]["units"] if u["unit"] == "Sở Mọi Loại")
    assert unit["total"]["points"] == 13.5 and unit["total"]["unscored"] == 2
    row = next(r for r in data["rows"] if (r["unit"], r["requirement"]) == ("Sở Mọi Loại", "A.1.8"))
    assert (row["score"], row["score_max"], row["score_status"]) == (0, 1, "weak")
    summary = next(s for s in data["summary"] if s["unit"] == "Sở Mọi Loại")
    assert (summary["score"], summary["score_max"], summary["score_needs_review"]) == (13.5, 19.5, 1)
    assert "Điểm tạm tính,Điểm tối đa" in formats.to_csv(gap_report)
    html = formats.to_html(gap_report)
    assert "Điểm tạm tính toàn tỉnh" in html and "Có minh chứng hợp lệ trong thời kỳ: 4 điểm" in html


def test_the_index_set_note_is_shown_when_the_set_has_one():
    assert scores.index_set_note(INDEX_SET) == ""

    class Noted:  # an index set of the new loader, with its top-level note
        note = "Bộ 2024 suy ra từ bộ 2023 và danh mục 2025  ở những chỗ chưa xác nhận."

    assert scores.index_set_note(Noted()) == "Bộ 2024 suy ra từ bộ 2023 và danh mục 2025 ở những chỗ chưa xác nhận."


def test_numbers_are_written_the_vietnamese_way():
    assert [scores.num(v) for v in (4.0, 4.888, 0.5, None, 0.0)] == ["4", "4,89", "0,5", "–", "0"]


def test_a_report_of_one_unit_still_scores_the_province_over_every_unit():
    full = gaps.build(PLAN, INDEX_SET, RECORDS, {})
    one = replace(full, units=full.units[1:2], population=full.units)
    result = scores.score(one)
    assert [u.unit.name for u in result.units] == ["Sở Hai"]
    assert result.province == scores.score(full).province
    assert "toàn tỉnh 2/3 đơn vị" in result.unit("Sở Hai").get("A.1.3").reason.text()
