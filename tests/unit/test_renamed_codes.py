"""A reviewer's correction saved under a code the corrected index set no longer has is read under its new code
(``renamed:`` in the set's YAML, checked by the loader) or shown as gone, never dropped silently."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from classify.indexset import IndexSetError, load_index_set, parse_index_set
from pipelines.assessment import gaps
from pipelines.assessment.plan_yaml import load_plan
from pipelines.catalog import connect, documents
from pipelines.catalog.records import Correction, DocumentRecord, SourcePart
from pipelines.catalog.scores import Override
from pipelines.services.gaps import build_report, render

SET = load_index_set("paca-2024")


def _record(*corrections: Correction) -> DocumentRecord:
    sha, source = "1" * 64, "Sở Tư pháp/kh.pdf"
    return DocumentRecord("d1", sha, source, (SourcePart(sha, source, 1, 1),), "Sở Tư pháp", "2025-03-01", "done",
                          None, (), doc_type="KH", doc_type_confidence=0.95, issued="2024-03-01",
                          indicators=({"id": "B.1.4", "score": 0.9},), corrected=corrections)


def _fix(code: str) -> Correction:
    return Correction(f"indicator:{code}", True, "rasoat", "2026-11-30T10:00:00", None)


def test_the_corrected_2024_set_maps_its_old_code():
    assert SET.current_code("A.1.0") == ("A.1.1", "renamed")
    assert SET.current_code("A.1.2") == ("A.1.2", "current")
    assert SET.current_code("A.9.9") == (None, "gone")


def test_an_old_code_correction_counts_under_the_new_code_with_a_note():
    doc = gaps.current_codes(gaps.DocInfo.from_record(_record(_fix("A.1.0")).effective(None)), SET)
    assert doc.indicators == {"A.1.1": 1.0, "B.1.4": 0.9}
    assert doc.code_notes == ("A.1.0: mã cũ, nay là A.1.1 trong bộ chỉ số paca-2024",)


def test_a_code_without_successor_is_shown_not_dropped():
    doc = gaps.current_codes(gaps.DocInfo.from_record(_record(_fix("A.9.9")).effective(None)), SET)
    assert doc.indicators == {"B.1.4": 0.9}
    assert doc.code_notes == ("A.9.9: mã cũ không còn trong bộ chỉ số paca-2024",)


@pytest.mark.parametrize(("line", "message"), [
    ("renamed:\n  A.1.1: A.1.2\n", "A.1.1 is a code of this set"),
    ("renamed:\n  A.1.0: A.7.7\n", "A.7.7 is not a code of this set"),
    ("renamed: [A.1.0]\n", "renamed: must map old codes"),
])
def test_the_loader_checks_renamed(line, message):
    text = Path(SET.source_file).read_text(encoding="utf-8").replace("renamed:\n  A.1.0: A.1.1", line.rstrip("\n"), 1)
    with pytest.raises(IndexSetError) as err:
        parse_index_set(text, "paca-2024.yaml")
    assert message in str(err.value)


def test_a_catalog_with_an_old_code_correction(tmp_path: Path) -> None:
    """The last release's catalog (fixtures/catalog-v3.sql), a reviewer's correction under the old A.1.0 and one
    under a code no set has: the gap report of the 2024 plan counts the first under A.1.1 and shows both."""
    path = tmp_path / "catalog.sqlite3"
    raw = sqlite3.connect(path)
    raw.executescript((Path(__file__).parent.parent / "fixtures" / "catalog-v3.sql").read_text(encoding="utf-8"))
    raw.close()
    db = connect(path)
    doc = db.execute("SELECT id FROM documents").fetchone()[0]
    with db:
        for code in ("A.1.0", "Z.9.9"):
            documents.write_correction(db, doc, f"indicator:{code}", True, False, "rasoat", "2026-11-30T10:00:00",
                                       "sửa theo bộ chỉ số cũ")
    report = build_report(db, load_plan("daklak-2024"))
    assert sorted(note for _, note in report.code_notes) == [
        "A.1.0: mã cũ, nay là A.1.1 trong bộ chỉ số paca-2024",
        "Z.9.9: mã cũ không còn trong bộ chỉ số paca-2024"]
    assert {"document": doc, "note": "A.1.0: mã cũ, nay là A.1.1 trong bộ chỉ số paca-2024"} in json.loads(
        render(report, "json"))["code_notes"]
    assert "mã cũ không còn trong bộ chỉ số paca-2024" in render(report, "html")
    unit = report.unit_gaps("Sở Tư pháp")
    assert unit is not None and any(d.indicators.get("A.1.1") == 1.0 for d in unit.docs)


def test_score_overrides_under_old_codes_move_or_are_noted() -> None:
    ov = Override(1.0, 0.0, "rasoat", "2026-11-30T10:00:00", "kế hoạch có")
    current, notes = gaps.current_overrides({("Sở Tư pháp", "A.1.0"): ov, ("Sở Tư pháp", "Z.9.9"): ov,
                                             ("Sở Tư pháp", "B.1.4"): ov}, SET)
    assert current == {("Sở Tư pháp", "A.1.1"): ov, ("Sở Tư pháp", "B.1.4"): ov}
    assert notes == ("Sở Tư pháp, A.1.0: điểm do người rà soát sửa theo mã cũ, nay là A.1.1",
                     "Sở Tư pháp, Z.9.9: điểm do người rà soát sửa theo mã cũ không còn trong bộ chỉ số paca-2024, "
                     "không tính")
