"""A reviewer's override of a provisional score: the use case (pipelines/services/scores.py) over a real SQLite
catalog with the bundled plan (daklak-2024, index set paca-2024) and no documents, the refusals with their codes,
the audit log, and the ``minhchung scores`` commands. No OCR."""

from __future__ import annotations

import json
from contextlib import closing

import pytest
from clihelp import run_cli

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services import review
from pipelines.services import scores as service

UNIT = "Sở Nội vụ"


@pytest.fixture
def db(tmp_path):
    with closing(connect(tmp_path / "catalog.sqlite3")) as conn:
        yield conn


def test_an_override_is_stored_with_the_original_and_audited(db):
    before = service.score_report(db).unit(UNIT).get("A.1.2")
    assert (before.points, before.max, before.status) == (0, 1, "missing")
    done = service.override(db, "SNV", "A.1.2", 0.5, "ratsoat", "  Kế hoạch bản giấy,   đã xem  ")
    assert done.entry["doc_id"] == f"score:daklak-2024:{UNIT}" and done.entry["field"] == "score:A.1.2"
    assert (done.entry["before"], done.entry["after"], done.entry["note"]) == (0, 0.5, "Kế hoạch bản giấy, đã xem")
    s = service.score_report(db).unit(UNIT).get("A.1.2")
    assert (s.points, s.computed, s.override.who, s.override.note) == (0.5, 0, "ratsoat", "Kế hoạch bản giấy, đã xem")
    assert s.override.original == 0 and s.override.at == done.entry["at"]
    assert service.score_report(db).unit(UNIT).total.points == 0.5
    audit = review.audit_log(db)
    assert [(e["doc_id"], e["field"], e["before"], e["after"]) for e in audit] == [
        (f"score:daklak-2024:{UNIT}", "score:A.1.2", 0, 0.5)]
    cleared = service.override(db, UNIT, "A.1.2", None, "quantri", "bỏ, chờ bản scan")
    assert (cleared.score.points, cleared.score.override) == (0, None)
    assert [(e["who"], e["before"], e["after"]) for e in review.audit_log(db)][-1] == ("quantri", 0.5, None)


@pytest.mark.parametrize(("unit", "indicator", "points", "note", "code"), [
    ("Sở Không Có", "A.1.2", 1.0, "x", "score.unknown_unit"),
    (UNIT, "Z.9", 1.0, "x", "score.unknown_indicator"),
    (UNIT, "C.1.3", 1.0, "x", "score.not_applicable"),  # courts, procuracy and police only
    (UNIT, "A.1.1", 1.0, "x", "score.not_scored"),  # its points are unknown
    (UNIT, "A.1.2", 1.5, "x", "score.out_of_range"),  # A.1.2 is worth 1 point
    (UNIT, "A.1.2", float("nan"), "x", "score.out_of_range"),
    (UNIT, "A.1.2", 1.0, "   ", "score.note_required"),
    (UNIT, "A.1.2", None, "x", "score.no_override"),
])
def test_refused_overrides_say_why_and_change_nothing(db, unit, indicator, points, note, code):
    with pytest.raises(service.ScoreError) as err:
        service.override(db, unit, indicator, points, "ratsoat", note)
    assert err.value.code == code
    assert err.value.message() != code and err.value.message("en") != code
    assert db.execute("SELECT COUNT(*) FROM score_overrides").fetchone()[0] == 0
    assert review.audit_log(db) == []


def test_points_are_read_with_a_comma_or_a_dot():
    assert service.parse_points("1,5") == service.parse_points(" 1.5 ") == 1.5
    for bad in ("", "-1", "một", "1e3", "1,5,2"):
        with pytest.raises(service.ScoreError) as err:
            service.parse_points(bad)
        assert err.value.code == "score.not_a_number"


def test_the_cli_lists_overrides_and_refuses_in_vietnamese(tmp_path):
    home = Home(tmp_path / "home")
    home.create()
    connect(home.catalog).close()
    base = ("--home", str(home.root))
    done = run_cli(*base, "scores", "override", UNIT, "A.1.2", "0,5", "--note", "Có bản giấy", "--by", "ratsoat",
                   check_codes=(0,))
    assert "score:A.1.2: 0 → 0,5 (ratsoat" in done.stdout and "0,5/1" in done.stdout
    listing = run_cli(*base, "scores", check_codes=(0,)).stdout
    assert "Điểm tạm tính" in listing and "Toàn tỉnh" in listing and UNIT in listing
    unit = run_cli(*base, "scores", "--unit", "SNV", check_codes=(0,)).stdout
    assert "0,5 *" in unit and "ratsoat sửa điểm" in unit
    data = json.loads(run_cli(*base, "scores", "--json", check_codes=(0,)).stdout)
    snv = next(u for u in data["units"] if u["unit"] == UNIT)
    a11 = next(i for i in snv["indicators"] if i["indicator"] == "A.1.2")
    assert (a11["points"], a11["computed"], a11["override"]["note"]) == (0.5, 0, "Có bản giấy")
    assert snv["total"]["points"] == 0.5
    audit = run_cli(*base, "audit", check_codes=(0,)).stdout
    assert f"score:daklak-2024:{UNIT} score:A.1.2: 0.0 → 0.5 — Có bản giấy" in audit
    refused = run_cli(*base, "scores", "override", UNIT, "A.1.2", "3", "--note", "x", check_codes=(2,))
    assert "Điểm 3 không hợp lệ: phải từ 0 đến 1" in refused.stderr
    both = run_cli(*base, "scores", "override", UNIT, "A.1.2", "1", "--clear", "--note", "x", check_codes=(2,))
    assert "--clear" in both.stderr
    cleared = run_cli(*base, "scores", "override", UNIT, "A.1.2", "--clear", "--note", "chờ bản scan",
                      check_codes=(0,))
    assert "0,5 → (bỏ điểm sửa)" in cleared.stdout
    gaps = json.loads(run_cli(*base, "gaps", "--format", "json", check_codes=(0,)).stdout)
    row = next(r for r in gaps["rows"] if (r["unit"], r["requirement"]) == (UNIT, "A.1.2"))
    assert (row["score"], row["score_max"], row["override_who"]) == (0, 1, None)
