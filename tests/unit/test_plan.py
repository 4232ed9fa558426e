"""The assessment plan as data (pipelines/plan.py, plan_yaml.py, plans/daklak-2024.yaml) and the unit list
(pipelines/units.py): loading, validation errors with lines, alias matching, requirements, CSV and catalog storage."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from clihelp import REPO

from classify.indexset import IndexSet, load_index_set
from pipelines.assessment.plan import Plan, PlanError, Unit, requirements_for, unit_key
from pipelines.assessment.plan_yaml import bundled_plans, load_plan
from pipelines.assessment.units import load_units, read_units_csv, save_units, write_units_csv
from pipelines.catalog import connect

SEED = REPO.parent / "shared" / "domain" / "seed-plan-2024.txt"
SAMPLE_FOLDERS = ("Sở Nội vụ", "Sở Tư pháp", "UBND huyện Krông Pắc", "Công an tỉnh")
DISTRICTS = ("Buôn Ma Thuột", "Buôn Hồ", "Ea H'leo", "Ea Súp", "Buôn Đôn", "Cư M'gar", "Krông Búk", "Krông Năng",
             "Ea Kar", "M'Đrắk", "Krông Bông", "Krông Pắc", "Krông Ana", "Lắk", "Cư Kuin")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("daklak-2024")


@pytest.fixture(scope="module")
def index_set(plan: Plan) -> IndexSet:
    return load_index_set(plan.index_set)


# --- the bundled plan ---------------------------------------------------------------------------------------------

def test_bundled_plan_loads(plan: Plan) -> None:
    assert "daklak-2024" in bundled_plans()
    assert (plan.id, plan.year, plan.index_set, plan.receiver) == ("daklak-2024", 2024, "paca-2024", "Thanh tra tỉnh")
    assert (plan.period_from, plan.period_to) == (date(2023, 12, 16), date(2024, 12, 15))
    assert plan.exclude == ("ĐT.*",)
    assert all(unicodedata.is_normalized("NFC", text) for u in plan.units for text in (u.name, *u.aliases))


def test_deadlines(plan: Plan, index_set: IndexSet) -> None:
    march_20 = date(2025, 3, 20)
    assert plan.deadlines == {"SO": date(2025, 3, 15), "HUYEN": march_20, "CA": march_20, "VKS": march_20,
                              "TA": march_20, "THADS": march_20, "MTTQ": march_20}
    district = plan.unit_for("UBND huyện Krông Pắc")
    by_id = {r.id: r for r in requirements_for(plan, district, index_set)}
    assert (by_id["X.2"].deadline, by_id["X.2"].reject_late, by_id["X.2"].window) == (date(2025, 8, 31), True,
                                                                                       "period_report")
    assert "31/8/2025" in by_id["X.2"].basis and by_id["X.2"].basis.startswith("Bộ chỉ số paca-2024")
    assert (by_id["X.3"].deadline, by_id["X.3"].reject_late) == (date(2025, 8, 31), False)
    assert by_id["A.1.2"].deadline == march_20 and not by_id["A.1.2"].reject_late


def test_units_per_kind(plan: Plan) -> None:
    kinds = [u.kind for u in plan.units]
    assert {k: kinds.count(k) for k in set(kinds)} == {"SO": 19, "HUYEN": 15, "CA": 1, "VKS": 1, "TA": 1, "THADS": 1,
                                                       "MTTQ": 1, "TTT": 1}
    for district in DISTRICTS:
        unit = plan.unit_for(district)
        assert unit is not None and unit.kind == "HUYEN", district
    assert len({plan.unit_for(d) for d in DISTRICTS}) == 15


def test_duties(plan: Plan) -> None:
    targets = {d.id: d.unit or d.unit_kind for d in plan.duties}
    assert targets == {
        "HUYEN.TDG": "HUYEN", "SNV.CT10": "Sở Nội vụ", "SNV.KTCV": "Sở Nội vụ", "SNV.KL": "Sở Nội vụ",
        "STP.RSVB": "Sở Tư pháp", "STC.HD": "Sở Tài chính", "STC.KT": "Sở Tài chính", "STC.BC": "Sở Tài chính",
        "CA.BC": "Công an tỉnh", "VKS.BC": "Viện kiểm sát nhân dân tỉnh", "TA.BC": "Tòa án nhân dân tỉnh",
        "THADS.BC": "Cục Thi hành án dân sự tỉnh", "MTTQ.BC": "Ủy ban MTTQ Việt Nam tỉnh"}
    duty = {d.id: d for d in plan.duties}
    assert (duty["SNV.CT10"].indicators, duty["SNV.CT10"].doc_types) == (("B.1.10",), ("KH",))
    assert (duty["SNV.KL"].indicators, duty["SNV.KL"].doc_types, duty["SNV.KL"].window) == (("C.2.1",), ("BC",),
                                                                                            "period_report")
    assert duty["STP.RSVB"].indicators == ("A.2.1",)
    assert (duty["STC.HD"].indicators, duty["STC.BC"].indicators) == (("B.2.1",), ("B.2.2",))
    for agency in ("CA.BC", "VKS.BC", "TA.BC"):
        assert duty[agency].indicators == ("C.1.3", "C.2.2", "D.2.1")
    assert duty["THADS.BC"].indicators == ("D.2.2",)
    assert duty["MTTQ.BC"].indicators == ("C.1.1", "D.1.1")
    assert all(d.basis.startswith("Mục III.") for d in plan.duties)


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[¹²³⁴⁵]", "", unicodedata.normalize("NFC", text)).split())


@pytest.mark.skipif(not SEED.is_file(), reason="the seed plan text (shared/domain) is not beside the repo")
def test_every_quote_is_in_the_seed_plan(plan: Plan) -> None:
    seed = _squash(SEED.read_text(encoding="utf-8"))
    bases = [d.basis for d in plan.duties] + [d.basis for d in plan.indicator_deadlines]
    quotes = [q for basis in bases for q in re.findall(r"“([^”]+)”", basis)]
    assert len(quotes) >= len(bases)
    for quote in quotes:
        assert _squash(quote) in seed, quote


# --- unit names -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLE_FOLDERS)
def test_sample_folder_names_resolve(plan: Plan, name: str) -> None:
    unit = plan.unit_for(name)
    assert unit is not None and unit.name == name


@pytest.mark.parametrize(("text", "expected"), [
    ("So Noi vu", "Sở Nội vụ"), ("so-tu-phap", "Sở Tư pháp"), ("SỞ NỘI VỤ TỈNH ĐẮK LẮK", "Sở Nội vụ"),
    ("SNV", "Sở Nội vụ"), ("  Sở   Nội vụ ", "Sở Nội vụ"), ("Sở Nội vụ tỉnh Đắk Lắk", "Sở Nội vụ"),
    ("UBND huyen Krong Pac", "UBND huyện Krông Pắc"), ("Ủy ban nhân dân huyện Krông Pắc", "UBND huyện Krông Pắc"),
    ("Krong Pac", "UBND huyện Krông Pắc"), ("UBND Krông Pắc", "UBND huyện Krông Pắc"),
    ("cong an tinh", "Công an tỉnh"), ("Công an tỉnh Đắk Lắk", "Công an tỉnh"), ("M'Drak", "UBND huyện M'Đrắk"),
    ("Cư M’gar", "UBND huyện Cư M'gar"), ("UBND TP. Buôn Ma Thuột", "UBND thành phố Buôn Ma Thuột"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"), ("VKSND tỉnh", "Viện kiểm sát nhân dân tỉnh"),
    ("SỞ TƯ PHÁP", "Sở Tư pháp"), ("ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC", "UBND huyện Krông Pắc"),
    ("CÔNG AN TỈNH ĐẮK LẮK", "Công an tỉnh"), ("HUYỆN ỦY KRÔNG PẮC", None),
    ("Đắk Lắk", None), ("Sở Nội", None), ("", None), (None, None),
])
def test_unit_for(plan: Plan, text: str | None, expected: str | None) -> None:
    unit = plan.unit_for(text)
    assert (unit.name if unit else None) == expected


def test_demo_inbox_folders_resolve(plan: Plan) -> None:
    folders = [p.name for p in (REPO / "demo-inbox").iterdir() if p.is_dir()] if (REPO / "demo-inbox").is_dir() else []
    assert all(plan.unit_for(name) is not None for name in folders), folders


def test_unit_key() -> None:
    assert unit_key("UBND huyện M’Đrắk") == unit_key("huyen MDrak") == "huyen mdrak"
    assert unit_key("Sở LĐ-TB&XH") == "so ld tb xh"


# --- requirements ---------------------------------------------------------------------------------------------------

def _from_index(index_set: IndexSet, kind: str) -> list[str]:
    return [i.id for i in index_set.indicators() if kind in i.unit_kinds and i.evidence and not i.id.startswith("ĐT")]


def test_requirement_counts(plan: Plan, index_set: IndexSet) -> None:
    duties = {"Sở Nội vụ": 3, "Sở Tư pháp": 1, "Sở Tài chính": 3, "Sở Y tế": 0, "UBND huyện Krông Pắc": 1,
              "Công an tỉnh": 1, "Viện kiểm sát nhân dân tỉnh": 1, "Tòa án nhân dân tỉnh": 1,
              "Cục Thi hành án dân sự tỉnh": 1, "Ủy ban MTTQ Việt Nam tỉnh": 1}
    for name, n_duties in duties.items():
        unit = plan.unit_for(name)
        reqs = requirements_for(plan, unit, index_set)
        assert [r.id for r in reqs][: len(reqs) - n_duties] == _from_index(index_set, unit.kind), name
        assert [r.source for r in reqs].count("plan") == n_duties, name
    # B.1.1 (publicity, scored over all 38 units in 2023), C.1.3, C.2.2, D.2.1 and the plan's report
    assert [r.id for r in requirements_for(plan, plan.unit_for("Công an tỉnh"), index_set)] == [
        "B.1.1", "C.1.3", "C.2.2", "D.2.1", "CA.BC"]
    assert [r.id for r in requirements_for(plan, plan.unit_for("Cục THADS"), index_set)] == ["B.1.1", "D.2.2",
                                                                                            "THADS.BC"]
    assert requirements_for(plan, plan.unit_for("Thanh tra tỉnh"), index_set) == []


def test_only_so_noi_vu_gets_its_duties(plan: Plan, index_set: IndexSet) -> None:
    for unit in plan.units:
        ids = [r.id for r in requirements_for(plan, unit, index_set) if r.source == "plan"]
        assert any(i.startswith("SNV.") for i in ids) == (unit.name == "Sở Nội vụ"), unit.name
    snv = requirements_for(plan, plan.unit_for("Sở Nội vụ"), index_set)
    assert [r.id for r in snv if r.source == "plan"] == ["SNV.CT10", "SNV.KTCV", "SNV.KL"]
    assert not any(r.id.startswith("ĐT") for r in snv)


def test_requirement_fields(plan: Plan, index_set: IndexSet) -> None:
    so = {r.id: r for r in requirements_for(plan, plan.unit_for("Sở Tư pháp"), index_set)}
    assert (so["A.2.1"].doc_types, so["A.2.1"].window, so["A.2.1"].basis) == (("KH", "QĐ", "CV", "BC"), "in_period",
                                                                               "Bộ chỉ số paca-2024")
    assert so["A.1.2"].window == "in_period"  # early_year
    assert so["B.1.9"].window == "period_report"  # year_end
    assert so["X.1"].window == "period_report"  # periodic
    assert so["STP.RSVB"].deadline == date(2025, 3, 15) and so["STP.RSVB"].source == "plan"
    ca = requirements_for(plan, plan.unit_for("Công an tỉnh"), index_set)[-1]
    assert (ca.id, ca.indicators, ca.doc_types, ca.window, ca.deadline) == (
        "CA.BC", ("C.1.3", "C.2.2", "D.2.1"), ("BC",), "period_report", date(2025, 3, 20))
    assert ca.basis.startswith("Mục III.3.3")
    tdg = requirements_for(plan, plan.unit_for("Lắk"), index_set)[-1]
    assert (tdg.id, tdg.deadline) == ("HUYEN.TDG", date(2025, 8, 31))


def test_with_units(plan: Plan, index_set: IndexSet) -> None:
    other = plan.with_units([Unit("Sở Nội vụ tỉnh Đắk Lắk", "SO", ("Sở Nội vụ",)), Unit("UBND xã Ea Tu", "XA")])
    assert plan.unit_for("Ea Tu") is None and other.unit_for("UBND xã Ea Tu").kind == "XA"
    assert other.unit_for("So Noi vu").name == "Sở Nội vụ tỉnh Đắk Lắk" and other.unit_for("SNV") is None
    # duties follow the unit by any of its names; a kind the plan gives no deadline has none
    assert [r.id for r in requirements_for(other, other.units[0], index_set) if r.source == "plan"][0] == "SNV.CT10"
    assert {r.deadline for r in requirements_for(other, other.units[1], index_set)} == {None}
    assert len(plan.units) == 40
    with pytest.raises(PlanError, match="already a name or alias"):
        plan.with_units([Unit("Sở Y tế", "SO", ("SYT",)), Unit("Sở Y Tế", "SO")])


# --- validation errors ----------------------------------------------------------------------------------------------

GOOD = """\
id: test-2024
name_vi: "Kế hoạch thử"
year: 2024
period: {from: 2023-12-16, to: 2024-12-15}
index_set: paca-2024
receiver: Thanh tra tỉnh
deadlines:
  SO: 2025-03-15
  HUYEN: 20/03/2025
units:
  - name: Sở Nội vụ
    kind: SO
    aliases: [SNV]
  - name: UBND huyện Krông Pắc
    kind: HUYEN
  - name: Thanh tra tỉnh
    kind: TTT
duties:
  - id: SNV.CT10
    unit: Sở Nội vụ
    name_vi: Kế hoạch thực hiện Chỉ thị 10
    indicators: [B.1.10]
    doc_types: [KH]
    window: in_period
    basis: Mục III.3.2
"""


def _errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert all(e.startswith(f"{path}:") for e in info.value.errors)
    return [e.removeprefix(f"{path}:") for e in info.value.errors]


def _edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_good_plan_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    plan = load_plan(path)
    assert plan.deadlines == {"SO": date(2025, 3, 15), "HUYEN": date(2025, 3, 20)}
    assert plan.source_file == str(path) and plan.unit_for("snv").name == "Sở Nội vụ"


def test_errors_with_lines(tmp_path: Path) -> None:
    bad = _edit(GOOD, ("year: 2024\n", "year: 2024\nowner: me\n"),  # line 4
                ("HUYEN: 20/03/2025", "HUYEN: 2024-12-01\n  SOO: 2025-03-15"),  # lines 10, 11
                ("  SO: 2025-03-15", "  SO: 2025-02-30"),  # line 9
                ("    kind: HUYEN", "    kind: HUYEN\n    aliases: [SNV]"),  # unit at line 16
                ("    kind: TTT", "    kind: TINH"),  # line 20
                ("    unit: Sở Nội vụ", "    unit: Sở Ngoại giao"),  # line 23
                ("[B.1.10]", "[B.1.10, B.9.9]"),  # line 25
                ("[KH]", "[KH, XYZ]"),  # line 26
                ("window: in_period", "window: soon"))  # line 27
    errors = _errors(tmp_path, bad)
    expected = {
        4: "unknown key 'owner'", 9: "bad date '2025-02-30'", 10: "before the end of the assessment period",
        11: "unknown unit kind 'SOO'", 16: "'SNV' of unit 'UBND huyện Krông Pắc' is already a name or alias of unit",
        20: "unknown unit kind 'TINH'", 23: "names unknown unit 'Sở Ngoại giao'", 25: "unknown indicator 'B.9.9'",
        26: "unknown doc type code 'XYZ'", 27: "'window' of duty SNV.CT10 must be one of in_period, period_report",
    }
    for line, reason in expected.items():
        assert any(e.startswith(f"{line}: ") and reason in e for e in errors), (line, reason, errors)
    assert len(errors) == len(expected) + 1  # and: the receiver is no longer a unit (line 7)
    assert any(e.startswith("7: the receiver") for e in errors)
    assert [int(e.split(":")[0]) for e in errors] == sorted(int(e.split(":")[0]) for e in errors)


@pytest.mark.parametrize(("old", "new", "line", "reason"), [
    ("id: test-2024", "id: test 2024", 1, "without spaces"),
    ("period: {from: 2023-12-16, to: 2024-12-15}", "period: {from: 2024-12-16, to: 2024-12-15}", 4, "is after"),
    ("index_set: paca-2024", "index_set: paca-1999", 5, "unknown index set 'paca-1999'"),
    ("receiver: Thanh tra tỉnh", "receiver: Thanh tra huyện", 6, "is not one of the plan's units"),
    ("  HUYEN: 20/03/2025\n", "", 13, "no deadline for kind 'HUYEN'"),
    ("    kind: HUYEN", "    kind: HUYEN\n    aliases: [\"Sở Nội Vụ\"]", 14, "already a name or alias"),
    ("    unit: Sở Nội vụ", "    unit_kind: SO\n    unit: Sở Nội vụ", 19, "exactly one of 'unit' and 'unit_kind'"),
    ("  - id: SNV.CT10", "  - id: B.1.10", 19, "is an indicator id"),
    ("basis: Mục III.3.2", "basis: Mục III.3.2\n    deadline: 2024-11-30", 26, "before the end"),
    ("deadlines:", "exclude: [ZZ.*]\ndeadlines:", 7, "matches no indicator"),
    ("units:", "indicator_deadlines:\n  - {indicator: X.2, unit_kinds: [SO], deadline: 2025-08-31, basis: x}\nunits:",
     11, "does not apply to unit kind 'SO'"),
    ("deadlines:\n  SO", "deadlines:\n  SO: 1\n  SO", 9, "duplicate key 'SO'"),
    ("name_vi: \"Kế hoạch thử\"", "name_vi: \"Kế hoạch thử", 26, "quoted scalar at line 2"),
])
def test_single_error(tmp_path: Path, old: str, new: str, line: int, reason: str) -> None:
    errors = _errors(tmp_path, _edit(GOOD, (old, new)))
    assert any(e.startswith(f"{line}: ") and reason in e for e in errors), errors


def test_a_bad_list_is_reported_once(tmp_path: Path) -> None:
    errors = _errors(tmp_path, _edit(GOOD, ("deadlines:", "exclude: ZZ\ndeadlines:"),
                                     ("[B.1.10]", "B.1.10")))
    assert [e.split(": ", 1)[1] for e in errors] == [
        "'exclude' of the plan must be a list, not 'ZZ'",
        "'indicators' of duty SNV.CT10 must be a list, not 'B.1.10'", "duty SNV.CT10 names no indicator"], errors


def test_unknown_and_unreadable_plans(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="unknown plan 'nowhere-2024'; bundled: .*daklak-2024"):
        load_plan("nowhere-2024")
    with pytest.raises(PlanError, match="cannot read the plan"):
        load_plan(tmp_path / "missing.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(PlanError, match=r"empty\.yaml:1: empty file"):
        load_plan(tmp_path / "empty.yaml")


def test_index_set_path_is_relative_to_the_plan(tmp_path: Path) -> None:
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "mine.yaml").write_bytes((REPO / "classify" / "indexsets" / "paca-2024.yaml").read_bytes())
    path = tmp_path / "plan.yaml"
    path.write_text(_edit(GOOD, ("index_set: paca-2024", "index_set: sets/mine.yaml")), encoding="utf-8")
    assert load_plan(path).index_set == str(tmp_path / "sets" / "mine.yaml")


# --- the clerk's CSV and the catalog copy ---------------------------------------------------------------------------

def test_csv_round_trip(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    write_units_csv(plan.units, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfname,kind,aliases\r\n")
    assert read_units_csv(path) == list(plan.units)
    path.write_bytes(path.read_bytes()[3:])  # without the byte-order mark
    assert read_units_csv(path) == list(plan.units)


def test_csv_variants(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("Name;Kind;Ghi chú;Aliases\nSở Nội vụ;Sở;x;\"SNV; So Noi vu\"\n\nUBND xã Ea Tu;xã;;\n",
                    encoding="utf-8")
    assert read_units_csv(path) == [Unit("Sở Nội vụ", "SO", ("SNV", "So Noi vu")), Unit("UBND xã Ea Tu", "XA")]


def test_csv_errors_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text('name,kind,aliases\nSở Nội vụ,SO,SNV\n,SO,\nSở Y tế,BAN,\n"Sở Tư pháp",SO,"STP;\nTư pháp"\n'
                    "Sở Tài chính,SO,snv\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_units_csv(path)
    assert [e.removeprefix(f"{path}:")[:2] for e in info.value.errors] == ["3:", "4:", "7:"]
    assert "missing name" in info.value.errors[0] and "unknown unit kind 'BAN'" in info.value.errors[1]
    assert "'snv' of unit 'Sở Tài chính' is already a name or alias of unit 'Sở Nội vụ'" in info.value.errors[2]
    path.write_text("ten,loai\nA,SO\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r":1: the header needs the columns name, kind, aliases"):
        read_units_csv(path)
    path.write_bytes("name,kind\nSở Y tế,SO\n".encode() + "Tài chính,SO\n".encode("cp1252"))
    with pytest.raises(PlanError, match=r":3: not UTF-8"):
        read_units_csv(path)


def test_save_and_load_units(plan: Plan, tmp_path: Path) -> None:
    db = connect(tmp_path / "catalog.sqlite3")  # the table is made by the catalog's migrations
    assert load_units(db, plan.id) is None
    save_units(db, plan.units, plan.id)
    save_units(db, [Unit("Sở Y tế", "SO")], "other-2024")
    assert load_units(db, plan.id) == list(plan.units) and not db.in_transaction
    mine = [Unit("UBND xã Ea Tu", "XA", ("Ea Tu", "Ê Tu")), Unit("Sở Nội vụ", "SO")]
    save_units(db, mine, plan.id)
    again = sqlite3.connect(tmp_path / "catalog.sqlite3", isolation_level=None)
    assert load_units(again, plan.id) == mine and load_units(again, "other-2024") == [Unit("Sở Y tế", "SO")]
    with pytest.raises(PlanError):
        save_units(db, [Unit("Sở Y tế", "SO"), Unit("So Y te", "SO")], plan.id)
    assert load_units(db, plan.id) == mine
    save_units(db, [], plan.id)
    assert load_units(db, plan.id) is None


def test_the_2023_plan_uses_the_2023_set_and_counts_38_units_for_publicity() -> None:
    plan23 = load_plan("daklak-2023")
    index_set = load_index_set(plan23.index_set)
    assert (plan23.index_set, index_set.year, plan23.period_from, plan23.period_to) == (
        "paca-2023", 2023, date(2022, 12, 16), date(2023, 12, 31))
    assert set(plan23.deadlines.values()) == {date(2024, 5, 20)} and plan23.duties == ()
    # TTCP scored Đắk Lắk's publicity (B.1.1) over 38 units: 19 sở + 15 huyện + 4 judicial agencies
    asked = [u for u in plan23.units if any(r.id == "B.1.1" for r in requirements_for(plan23, u, index_set))]
    assert len(asked) == 38
    district = {r.id for r in requirements_for(plan23, plan23.unit_for("Krông Pắc"), index_set)}
    assert {"A.1.1", "A.1.2", "A.2.5", "B.1.1"} <= district
    assert not {"A.2.4", "B.1.2"} & district  # the provincial chairman's reception, PAR INDEX: from no unit
