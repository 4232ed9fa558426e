"""A reviewer's correction saved under a code the corrected index set no longer has is read under its new code
(``renamed:`` in the set's YAML, checked by the loader) or shown as gone, never dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from classify.indexset import IndexSetError, load_index_set, parse_index_set
from pipelines.assessment import gaps
from pipelines.catalog.records import Correction, DocumentRecord, SourcePart

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
