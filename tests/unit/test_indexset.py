"""The bundled PACA 2024 index set and the validator of index-set files (no OCR; fast)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from classify.indexset import (
    DOC_TYPE_CODES,
    STATUSES,
    WINDOWS,
    IndexSet,
    IndexSetError,
    bundled_index_sets,
    load_index_set,
    parse_index_set,
)

EXPECTED_IDS = [
    "A.1.0", "A.1.1", "A.1.2", "A.2.1", "A.2.2", "A.2.3", "A.2.4", "A.2.5", "A.2.6",
    "B.1.1", "B.1.2", "B.1.3", "B.1.4", "B.1.5", "B.1.6", "B.1.7", "B.1.8", "B.1.9", "B.1.10", "B.2.1", "B.2.2",
    "C.1.1", "C.1.2", "C.1.3", "C.2.1", "C.2.2", "C.2.3",
    "C.3.1", "C.3.2", "C.3.3", "C.3.4", "C.3.5", "C.3.6", "C.3.7", "C.3.8",
    "D.1.1", "D.1.2", "D.2.1", "D.2.2", "ĐT.1", "ĐT.2", "ĐT.3", "X.1", "X.2", "X.3",
]


@pytest.fixture(scope="module")
def paca() -> IndexSet:
    return load_index_set("paca-2024")


def test_bundled_set_is_listed_and_loads(paca: IndexSet) -> None:
    assert "paca-2024" in bundled_index_sets()
    assert (paca.id, paca.year, paca.total) == ("paca-2024", 2024, 100)
    assert (paca.period_from, paca.period_to) == (date(2023, 12, 16), date(2024, 12, 15))
    assert paca.name.startswith("Bộ Chỉ số đánh giá công tác phòng, chống tham nhũng")
    assert len(paca.sources) >= 3


def test_indicator_ids_are_unique_and_in_order(paca: IndexSet) -> None:
    ids = [ind.id for ind in paca.indicators()]
    assert ids == EXPECTED_IDS
    assert len(ids) == len(set(ids))
    tree_ids = [g.id for g in paca.groups] + [c.id for g in paca.groups for c in g.criteria] + ids
    assert len(tree_ids) == len(set(tree_ids))


def test_group_maxima(paca: IndexSet) -> None:
    maxima = {g.id: g.max_score for g in paca.groups}
    assert maxima == {"A": 20, "B": 30, "C": 40, "D": 10, "Đ": None}
    assert sum(maxima[g] for g in "ABCD") == paca.total == 100
    criteria = {c.id: c.max_score for g in paca.groups for c in g.criteria}
    assert (criteria["A.1"], criteria["A.2"], criteria["B.1"], criteria["B.2"]) == (5, 15, 27, 3)
    assert paca.get("A.1.1").max_score + paca.get("A.1.2").max_score == criteria["A.1"]


def test_statuses_are_kept_from_the_draft(paca: IndexSet) -> None:
    status = {ind.id: ind.status for ind in paca.indicators()}
    assert status["A.1.1"] == status["A.2.2"] == status["B.1.1"] == "confirmed"
    assert status["A.2.1"] == "confirmed-2022"
    assert status["A.1.0"] == status["C.3.4"] == status["D.2.2"] == status["ĐT.1"] == "confirmed-2025-only"
    assert status["B.1.9"] == status["C.1.3"] == "confirmed-name"
    assert status["X.1"] == status["X.2"] == "reconstructed"
    evidence = [ev for ind in paca.indicators() for ev in ind.evidence]
    assert evidence and {ev.status for ev in evidence} == {"reconstructed"}


def test_evidence_uses_real_codes_windows_and_nfc_phrases(paca: IndexSet) -> None:
    issuer_codes = {k.code for k in paca.issuer_kinds}
    for ind in paca.indicators():
        for ev in ind.evidence:
            assert set(ev.doc_types) <= DOC_TYPE_CODES, ind.id
            assert ev.window in WINDOWS and ev.phrases, ind.id
            assert set(ev.issuer_kinds) <= issuer_codes, ind.id
            assert all(unicodedata.is_normalized("NFC", p) for p in ev.phrases), ind.id
    deductions = [ind for ind in paca.indicators() if ind.id.startswith("ĐT.")]
    assert [ind.evidence for ind in deductions] == [(), (), ()]
    assert all(ind.evidence for ind in paca.indicators() if not ind.id.startswith("ĐT."))


def test_unit_kinds(paca: IndexSet) -> None:
    assert [k.code for k in paca.unit_kinds] == ["SO", "HUYEN", "XA", "CA", "VKS", "TA", "THADS", "MTTQ", "TTT"]
    assert {k.code for k in paca.issuer_kinds} >= {"UBND_TINH", "PARTY", "TTCP", "SO", "CA"}
    for judicial in ("C.1.3", "C.2.2", "D.2.1"):
        assert paca.get(judicial).unit_kinds == ("CA", "VKS", "TA")
    assert paca.get("D.2.2").unit_kinds == ("THADS",)
    assert set(paca.get("B.2.1").unit_kinds) == set(paca.get("B.2.2").unit_kinds) == {"SO", "TTT"}
    for ind in ("A.1.1", "A.1.2", "B.1.7", "B.1.9"):
        assert {"SO", "HUYEN", "XA"} <= set(paca.get(ind).unit_kinds)
    assert "MTTQ" in paca.get("C.1.1").unit_kinds
    assert "HUYEN" in paca.get("X.2").unit_kinds


def test_cross_cutting_documents(paca: IndexSet) -> None:
    assert [ind.id for ind in paca.cross_cutting] == ["X.1", "X.2", "X.3"]
    assert paca.get("X.1").evidence[0].window == "periodic"
    assert paca.get("X.2").evidence[0].doc_types == ("BC",)
    assert paca.get("nope") is None


def test_load_by_path_gives_the_same_set(paca: IndexSet, tmp_path: Path) -> None:
    bundled = Path(paca.source_file)
    copy = tmp_path / "copy.yaml"
    copy.write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_index_set(copy) == paca
    assert load_index_set(str(copy)) == paca


def test_unknown_bundled_id() -> None:
    with pytest.raises(IndexSetError, match="unknown index set 'paca-1999'; bundled: paca-2024"):
        load_index_set("paca-1999")


# --- validation --------------------------------------------------------------------------------------------------

GOOD = """\
id: test-set
year: 2024
name_vi: "Bộ thử"
period: {from: 2023-12-16, to: 2024-12-15}
total: 100
unit_kinds: {SO: "Sở", HUYEN: "UBND cấp huyện"}
issuer_kinds: {PARTY: "Cơ quan Đảng"}
groups:
  - id: A
    name_vi: "Nhóm A"
    max_score: 20
    status: confirmed
    criteria:
      - id: A.1
        name_vi: "Tiêu chí A.1"
        max_score: 5
        status: confirmed
        indicators:
          - id: A.1.1
            name_vi: "Ban hành kế hoạch"
            max_score: 1
            status: confirmed
            unit_kinds: [SO, HUYEN]
            evidence:
              - doc_types: [KH, QĐ]
                phrases: ["kế hoạch phòng, chống tham nhũng năm"]
                issuer_kinds: [PARTY, SO]
                window: early_year
                status: reconstructed
"""


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth - 1]


def _error(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "bad-set.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IndexSetError) as caught:
        load_index_set(path)
    return path, str(caught.value)


def test_good_minimal_file(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_index_set(path)
    assert [i.id for i in loaded.indicators()] == ["A.1.1"]
    assert loaded.get("A.1.1").evidence[0].doc_types == ("KH", "QĐ")
    assert [k.code for k in loaded.issuer_kinds] == ["SO", "HUYEN", "PARTY"]


BAD = [
    ("unknown key", ("            max_score: 1\n", "            max_score: 1\n            weight: 3\n"),
     "weight: 3", "unknown key 'weight'"),
    ("missing id", ("          - id: A.1.1\n            name_vi", "          - name_vi"),
     '- name_vi: "Ban hành', "missing 'id' in indicator"),
    ("unknown doc type", ("doc_types: [KH, QĐ]", 'doc_types: [KH, "QĐ ban hành KH"]'),
     "doc_types:", "unknown doc type code 'QĐ ban hành KH' in evidence of indicator A.1.1"),
    ("descriptive doc type", ("doc_types: [KH, QĐ]", "doc_types: [KH, Cáo trạng]"),
     "doc_types:", "unknown doc type code 'Cáo trạng'"),
    ("unknown unit kind", ("unit_kinds: [SO, HUYEN]", "unit_kinds: [SO, CA]"),
     "unit_kinds: [SO, CA]", "unknown unit kind 'CA' in indicator A.1.1"),
    ("unknown issuer kind", ("issuer_kinds: [PARTY, SO]", "issuer_kinds: [PARTY, UBND]"),
     "issuer_kinds: [PARTY, UBND]", "unknown issuer kind 'UBND'"),
    ("unknown window", ("window: early_year", "window: spring"), "window: spring", "not 'spring'"),
    ("bad status", ("                status: reconstructed", "                status: guessed"),
     "status: guessed", "'status' of evidence of indicator A.1.1 must be one of"),
    ("indicators exceed criterion", ("            max_score: 1\n", "            max_score: 6\n"),
     "- id: A.1", "the parts of criterion A.1 add up to 6 points, more than its max_score 5"),
    ("criteria exceed group", ("        max_score: 5\n", "        max_score: 25\n"),
     "- id: A", "the parts of group A add up to 25 points, more than its max_score 20"),
    ("period reversed", ("{from: 2023-12-16, to: 2024-12-15}", "{from: 2024-12-16, to: 2024-12-15}"),
     "period:", "period from 2024-12-16 is after to 2024-12-15"),
    ("id outside its parent", ("- id: A.1.1", "- id: B.1.1"), "- id: B.1.1",
     "does not start with the id of its parent"),
    ("duplicate key", ("    max_score: 20\n", "    max_score: 20\n    max_score: 30\n"),
     "max_score: 30", "duplicate key 'max_score'"),
    ("impossible date", ("{from: 2023-12-16, to: 2024-12-15}", "{from: 2023-12-16, to: 2024-02-30}"),
     "period:", "'to' of period must be a date YYYY-MM-DD, not '2024-02-30'"),
]


@pytest.mark.parametrize(("label", "edit", "line_text", "reason"), BAD, ids=[b[0] for b in BAD])
def test_validation_names_file_line_and_reason(tmp_path: Path, label: str, edit: tuple[str, str], line_text: str,
                                               reason: str) -> None:
    assert edit[0] in GOOD, label
    text = GOOD.replace(edit[0], edit[1], 1)
    path, message = _error(tmp_path, text)
    assert f"{path}:{_line_of(text, line_text.strip())}: " in message, message
    assert reason in message


def test_duplicate_indicator_id_points_at_the_second(tmp_path: Path) -> None:
    text = GOOD + """\
          - id: A.1.1
            name_vi: "Lặp lại"
            status: confirmed
            unit_kinds: [SO]
            evidence: []
"""
    path, message = _error(tmp_path, text)
    first, second = _line_of(text, "- id: A.1.1"), _line_of(text, "- id: A.1.1", 2)
    assert message == f"{path}:{second}: duplicate id 'A.1.1' (first at line {first})"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("window: early_year", "window: spring").replace("unit_kinds: [SO, HUYEN]", "unit_kinds: [XX]")
    _, message = _error(tmp_path, text)
    assert len(message.splitlines()) == 2
    assert "unknown unit kind 'XX'" in message and "not 'spring'" in message


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace('    name_vi: "Nhóm A"', '    name_vi: "Nhóm A\n  - [')
    path, message = _error(tmp_path, text)
    assert message.startswith(f"{path}:") and "invalid YAML" in message


def test_parse_from_text_names_the_given_source() -> None:
    with pytest.raises(IndexSetError, match=r"^memo\.yaml:2: 'year' of the index set must be an integer"):
        parse_index_set(GOOD.replace("year: 2024", "year: two"), "memo.yaml")


def test_vocabularies() -> None:
    assert {"KH", "QĐ", "CT", "BC", "CV", "TB", "HD", "NQ", "BB", "GM", "TTr", "CTr", "QC", "QyĐ"} <= DOC_TYPE_CODES
    assert "reconstructed" in STATUSES and "confirmed-2025-only" in STATUSES
    assert set(WINDOWS) == {"in_period", "early_year", "year_end", "periodic"}
