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

TAIL = ["B.1.1", "B.1.2", "B.1.3", "B.1.4", "B.1.5", "B.1.6", "B.1.7", "B.1.8", "B.1.9", "B.1.10", "B.2.1", "B.2.2",
        "C.1.1", "C.1.2", "C.1.3", "C.2.1", "C.2.2", "C.2.3",
        "C.3.1", "C.3.2", "C.3.3", "C.3.4", "C.3.5", "C.3.6", "C.3.7", "C.3.8",
        "D.1.1", "D.1.2", "D.2.1", "D.2.2", "ĐT.1", "ĐT.2", "ĐT.3", "X.1", "X.2", "X.3"]
EXPECTED_IDS = {
    "paca-2023": ["A.1.1", "A.1.2", "A.2.1", "A.2.2", "A.2.3", "A.2.4", "A.2.5", "A.2.6", *TAIL],
    "paca-2024": ["A.1.1", "A.1.2", "A.1.3", "A.2.1", "A.2.2", "A.2.3", "A.2.4", "A.2.5", "A.2.6", *TAIL],
}


@pytest.fixture(scope="module")
def paca() -> IndexSet:
    return load_index_set("paca-2024")


@pytest.fixture(scope="module")
def paca23() -> IndexSet:
    return load_index_set("paca-2023")


def test_bundled_sets_are_listed_and_load(paca: IndexSet, paca23: IndexSet) -> None:
    assert bundled_index_sets() == ["paca-2023", "paca-2024"]
    assert (paca.id, paca.year, paca.total) == ("paca-2024", 2024, 100)
    assert (paca.period_from, paca.period_to) == (date(2023, 12, 16), date(2024, 12, 15))
    assert (paca23.id, paca23.year, paca23.total) == ("paca-2023", 2023, 100)
    assert (paca23.period_from, paca23.period_to) == (date(2022, 12, 16), date(2023, 12, 31))
    for index_set in (paca, paca23):
        assert index_set.name.startswith("Bộ Chỉ số đánh giá công tác phòng, chống tham nhũng")
        assert len(index_set.sources) >= 5


def test_the_2024_set_says_it_is_derived(paca: IndexSet, paca23: IndexSet) -> None:
    assert "SUY RA" in paca.note and "chưa tìm thấy quyết định" in paca.note
    assert "157/QĐ-TTCP" in paca23.note
    statuses = {n.status for n in _nodes(paca)}
    assert "confirmed" not in statuses and statuses == {"derived", "reconstructed"}
    assert "confirmed" in {n.status for n in _nodes(paca23)}


def _nodes(index_set: IndexSet) -> list:
    out: list = []
    for group in index_set.groups:
        out += [group, *group.criteria]
        for ind in group.indicators():
            out += [ind, *ind.items]
    return out + list(index_set.cross_cutting)


@pytest.mark.parametrize("ref", ["paca-2023", "paca-2024"])
def test_every_entry_says_where_it_was_read(ref: str) -> None:
    index_set = load_index_set(ref)
    for node in _nodes(index_set):
        assert node.source and node.status in ("confirmed", "derived", "reconstructed"), node.id
        assert unicodedata.is_normalized("NFC", node.source) and unicodedata.is_normalized("NFC", node.name), node.id


@pytest.mark.parametrize("ref", ["paca-2023", "paca-2024"])
def test_indicator_ids_are_unique_and_in_order(ref: str) -> None:
    index_set = load_index_set(ref)
    ids = [ind.id for ind in index_set.indicators()]
    assert ids == EXPECTED_IDS[ref]
    tree_ids = [n.id for n in _nodes(index_set)]
    assert len(tree_ids) == len(set(tree_ids))
    assert "A.1.0" not in tree_ids  # a code no published set has


def test_no_invented_codes(paca: IndexSet, paca23: IndexSet) -> None:
    """Every code of the 2024 set is one of the 2025 list, or of the 2023 set; the exceptions say so."""
    ids24 = {n.id for n in _nodes(paca)}
    ids23 = {n.id for n in _nodes(paca23)}
    assert ids24 - ids23 >= {"A.1.3", "B.1.1.1", "B.1.1.5", "C.2.2.3"}
    assert "A.2.1" in ids23 and paca23.get("A.2.1").name.startswith("Thực hiện kiểm tra, rà soát")
    assert not any("chính sách, pháp luật về PCTN" in i.name and i.id.startswith("A.2") for i in paca23.indicators())
    criterion = next(c for g in paca.groups for c in g.criteria if c.id == "ĐT")
    assert criterion.status == "reconstructed" and "không phải mã được công bố" in criterion.source


def test_group_maxima(paca: IndexSet, paca23: IndexSet) -> None:
    for index_set in (paca, paca23):
        maxima = {g.id: g.max_score for g in index_set.groups}
        assert maxima == {"A": 20, "B": 30, "C": 40, "D": 10, "Đ": None}
        criteria = {c.id: c.max_score for g in index_set.groups for c in g.criteria}
        assert (criteria["A.1"], criteria["A.2"], criteria["B.1"], criteria["B.2"]) == (5, 15, 27, 3)
        assert sum(i.max_score for i in index_set.groups[0].criteria[1].indicators) == 15
    assert paca23.get("A.1.1").max_score + paca23.get("A.1.2").max_score == 5
    assert (paca.get("A.1.1").max_score, paca.get("A.1.2").max_score, paca.get("A.1.3").max_score) == (None, 1, 4)


def test_citizen_reception_in_three_and_publicity(paca: IndexSet, paca23: IndexSet) -> None:
    for index_set in (paca, paca23):
        chairman, heads = index_set.get("A.2.4"), index_set.get("A.2.5")
        assert (chairman.max_score, chairman.scoring, chairman.unit_kinds) == (2, "not_from_units", ())
        assert chairman.evidence  # still tagged: the province's own documents
        assert (heads.scoring, heads.max_score, heads.unit_kinds) == ("per_item", 3, ("SO", "HUYEN"))
        assert [(i.id, i.max_score, i.unit_kinds) for i in heads.items] == [
            ("A.2.5.1", 1.5, ("SO",)), ("A.2.5.2", 1.5, ("HUYEN",))]
        publicity = index_set.get("B.1.1")
        assert (publicity.max_score, publicity.scoring) == (6, "unit_share")
        assert {"SO", "HUYEN", "CA", "THADS"} <= set(publicity.unit_kinds)
        for ranking in ("B.1.2", "B.1.3"):
            assert index_set.get(ranking).scoring == "not_from_units" and index_set.get(ranking).unit_kinds == ()
    assert paca23.get("A.2.4").status == "confirmed" and "1,83/2" in paca23.get("A.2.4").source
    assert paca23.get("A.2.5").items[1].status == "confirmed" and "0,5/1,5" in paca23.get("A.2.5").items[1].source
    assert [i.id for i in paca.get("B.1.1").items] == [f"B.1.1.{n}" for n in range(1, 6)]
    assert "thủ tục hành chính" in paca.get("B.1.1").items[0].name
    assert paca.get("B.1.1").items[0].evidence and not paca23.get("B.1.1").items


def test_statuses_and_evidence_status(paca: IndexSet) -> None:
    status = {ind.id: ind.status for ind in paca.indicators()}
    assert status["A.1.2"] == status["B.1.1"] == status["C.3.4"] == "derived"
    assert status["A.2.6"] == status["X.1"] == status["X.2"] == "reconstructed"
    evidence = [ev for ind in paca.indicators() for ev, _ in ind.signatures()]
    assert evidence and {ev.status for ev in evidence} == {"reconstructed"}


def test_evidence_uses_real_codes_windows_and_nfc_phrases(paca: IndexSet) -> None:
    issuer_codes = {k.code for k in paca.issuer_kinds}
    for ind in paca.indicators():
        for ev, _ in ind.signatures():
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
    assert [i.unit_kinds for i in paca.get("C.2.2").items] == [("CA",), ("VKS",), ("TA",)]
    assert paca.get("D.2.2").unit_kinds == ("THADS",)
    assert set(paca.get("B.2.1").unit_kinds) == set(paca.get("B.2.2").unit_kinds) == {"SO", "TTT"}
    for ind in ("A.1.2", "A.1.3", "B.1.7", "B.1.9"):
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
    with pytest.raises(IndexSetError, match="unknown index set 'paca-1999'; bundled: paca-2023, paca-2024"):
        load_index_set("paca-1999")


# --- validation --------------------------------------------------------------------------------------------------

GOOD = """\
id: test-set
year: 2024
name_vi: "Bộ thử"
period: {from: 2023-12-16, to: 2024-12-15}
total: null
unit_kinds: {SO: "Sở", HUYEN: "UBND cấp huyện"}
issuer_kinds: {PARTY: "Cơ quan Đảng"}
groups:
  - id: A
    name_vi: "Nhóm A"
    max_score: null
    status: confirmed
    criteria:
      - id: A.1
        name_vi: "Tiêu chí A.1"
        max_score: 5
        status: confirmed
        indicators:
          - id: A.1.1
            name_vi: "Ban hành kế hoạch"
            max_score: null
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
    ("unknown key", ("            max_score: null\n", "            max_score: 1\n            weight: 3\n"),
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
    ("indicators exceed criterion", ("            max_score: null\n", "            max_score: 6\n"),
     "- id: A.1", "the parts of criterion A.1 add up to 6 points, more than its max_score 5"),
    ("criteria exceed group", ("    max_score: null\n", "    max_score: 3\n"),
     "- id: A", "the parts of group A add up to 5 points, more than its max_score 3"),
    ("known parts short of the whole", ("    max_score: null\n", "    max_score: 6\n"),
     "- id: A", "the parts of group A add up to 5 points, not its max_score 6 (all of them are known)"),
    ("groups short of the total", ("total: null", "total: 100"), "total: 100",
     "the parts of the index set (its total) add up to 5 points, not its max_score 100"),
    ("unknown scoring", ("            status: confirmed\n",
                         "            status: confirmed\n            scoring: mean\n"),
     "scoring: mean", "'scoring' of indicator A.1.1 must be one of present, per_item, unit_share, not_from_units"),
    ("per_item without items", ("            status: confirmed\n", "            status: confirmed\n"
                                "            scoring: per_item\n"),
     "scoring: per_item", "indicator A.1.1 is scored 'per_item' but has no items"),
    ("no unit kind", ("unit_kinds: [SO, HUYEN]", "unit_kinds: []"), "unit_kinds: []",
     "indicator A.1.1 applies to no unit kind (only a 'not_from_units' indicator may)"),
    ("ranking with unit kinds", ("            status: confirmed\n", "            status: confirmed\n"
                                 "            scoring: not_from_units\n"),
     "unit_kinds: [SO, HUYEN]", "indicator A.1.1 is scored 'not_from_units': no unit kind supplies its evidence"),
    ("period reversed", ("{from: 2023-12-16, to: 2024-12-15}", "{from: 2024-12-16, to: 2024-12-15}"),
     "period:", "period from 2024-12-16 is after to 2024-12-15"),
    ("id outside its parent", ("- id: A.1.1", "- id: B.1.1"), "- id: B.1.1",
     "does not start with the id of its parent"),
    ("duplicate key", ("    max_score: null\n", "    max_score: 20\n    max_score: 30\n"),
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


ITEMS = """\
            scoring: per_item
            source: "QĐ thử, mục A.1.1"
            items:
              - id: A.1.1.1
                name_vi: "Chủ tịch UBND tỉnh"
                name_en: "by the provincial chairman"
                max_score: 2
                status: confirmed
                source: "báo chí"
                unit_kinds: []
              - id: A.1.1.2
                name_vi: "Chủ tịch UBND cấp huyện"
                max_score: 1.5
                status: derived
                unit_kinds: [HUYEN]
                evidence:
                  - doc_types: [TB]
                    phrases: ["lịch tiếp công dân"]
                    window: in_period
                    status: reconstructed
"""


def _with_items(items: str = ITEMS) -> str:
    return GOOD.replace("            unit_kinds: [SO, HUYEN]\n", items + "            unit_kinds: [SO, HUYEN]\n", 1)


def test_items_scoring_source_and_note_are_read(tmp_path: Path) -> None:
    text = _with_items().replace("total: null\n", 'total: null\nnote: "Bộ  thử,\n  suy ra"\n')
    loaded = parse_index_set(text, "items.yaml")
    ind = loaded.get("A.1.1")
    assert (ind.scoring, ind.source, loaded.note) == ("per_item", "QĐ thử, mục A.1.1", "Bộ thử, suy ra")
    first, second = ind.items
    assert (first.id, first.name, first.name_en, first.max_score, first.status, first.unit_kinds, first.source) == (
        "A.1.1.1", "Chủ tịch UBND tỉnh", "by the provincial chairman", 2.0, "confirmed", (), "báo chí")
    assert (second.max_score, second.unit_kinds, second.evidence[0].phrases) == (1.5, ("HUYEN",),
                                                                                 ("lịch tiếp công dân",))
    assert [item for _, item in ind.signatures()] == [None, second]
    assert parse_index_set(GOOD).get("A.1.1").scoring == "present"  # the default: old files load unchanged


ITEM_BAD = [
    ("item outside its indicator", ("- id: A.1.1.2", "- id: A.2.1"), "- id: A.2.1",
     "id 'A.2.1' does not start with the id of its parent 'A.1.1.'"),
    ("item unit kind not the indicator's", ("unit_kinds: [HUYEN]", "unit_kinds: [SO, XA]"), "unit_kinds: [SO, XA]",
     "unknown unit kind 'XA' in item A.1.1.2"),
    ("items exceed the indicator", ("            name_vi: \"Ban hành kế hoạch\"\n            max_score: null",
                                    "            name_vi: \"Ban hành kế hoạch\"\n            max_score: 3"),
     "- id: A.1.1\n", "the parts of indicator A.1.1 add up to 3.5 points, more than its max_score 3"),
    ("empty items", (ITEMS, "            items: []\n"), "items: []", "indicator A.1.1 has an empty 'items' list"),
    ("duplicate item id", ("- id: A.1.1.2", "- id: A.1.1.1"), "- id: A.1.1.1",
     "duplicate id 'A.1.1.1'"),
]


@pytest.mark.parametrize(("label", "edit", "line_text", "reason"), ITEM_BAD, ids=[b[0] for b in ITEM_BAD])
def test_item_validation(tmp_path: Path, label: str, edit: tuple[str, str], line_text: str, reason: str) -> None:
    good = _with_items()
    assert edit[0] in good, label
    text = good.replace(edit[0], edit[1], 1)
    path, message = _error(tmp_path, text)
    nth = 2 if label == "duplicate item id" else 1
    assert f"{path}:{_line_of(text, line_text.strip(), nth)}: " in message, message
    assert reason in message


def test_an_item_kind_outside_the_indicator_is_refused(tmp_path: Path) -> None:
    text = _with_items().replace("unit_kinds: [SO, HUYEN]\n            evidence",
                                 "unit_kinds: [SO]\n            evidence")
    _, message = _error(tmp_path, text)
    assert "unit kind 'HUYEN' of item A.1.1.2 is not one of its indicator's" in message
