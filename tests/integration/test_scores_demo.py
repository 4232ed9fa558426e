"""Provisional scores on the demo catalog (the generated sample inbox, ingested once with real tesseract): the JSON,
CSV, XLSX and HTML gap reports carry them, a present indicator scores its points, weak evidence is flagged at 0,
the totals add up, and ``minhchung scores`` shows the same numbers."""

from __future__ import annotations

import io
import json

import pytest
from clihelp import run_cli

UNIT = "Sở Nội vụ"


@pytest.fixture(scope="module")
def report(ingested) -> dict:
    return json.loads(run_cli("--home", str(ingested["home"]), "gaps", "--format", "json", check_codes=(0,)).stdout)


def test_the_demo_catalog_scores_what_it_holds(report):
    scores = report["scores"]
    assert scores["index_set"] == "paca-2024" and scores["label"] == "điểm tạm tính"
    unit = next(u for u in scores["units"] if u["unit"] == UNIT)
    by_id = {i["indicator"]: i for i in unit["indicators"]}
    plan = by_id["A.1.2"]  # 15/KH-SNV: the department's yearly PCTN plan
    assert (plan["status"], plan["points"], plan["max"], plan["reason_code"]) == ("present", 1, 1, "score.present")
    weak = [i for i in unit["indicators"] if i["status"] == "weak"]
    # (the department's documents are all tagged present by the 2024 set's tagger: weak is tested in test_scores)
    assert all(i["points"] == 0 and i["needs_review"] and i["pending"] == i["max"] for i in weak)
    unknown = [i for i in unit["indicators"] if i["status"] == "unknown_points"]
    assert unknown and all(i["points"] is None and "không tính vào tổng" in i["reason"] for i in unknown)
    scored = [i for i in unit["indicators"] if i["points"] is not None]
    assert unit["total"]["points"] == pytest.approx(sum(i["points"] for i in scored))
    assert unit["total"]["max"] == pytest.approx(sum(i["max"] for i in scored))
    assert unit["total"]["unscored"] == len(unit["indicators"]) - len(scored)
    assert sum(g["points"] for g in unit["groups"]) == pytest.approx(unit["total"]["points"])
    province = scores["province"]
    assert sum(p["points"] or 0 for p in province["indicators"]) == pytest.approx(province["total"]["points"], abs=1e-3)
    a12 = next(p for p in province["indicators"] if p["indicator"] == "A.1.2")
    assert a12["valid"] >= 1 and a12["points"] == pytest.approx(1 * a12["valid"] / a12["expected"], abs=1e-4)
    row = next(r for r in report["rows"] if (r["unit"], r["requirement"]) == (UNIT, "A.1.2"))
    assert (row["score"], row["score_max"], row["score_reason"]) == (1, 1, "Có minh chứng hợp lệ trong thời kỳ: 1 điểm")


def test_csv_xlsx_html_and_the_scores_command_agree(ingested, report, tmp_path):
    from openpyxl import load_workbook

    home = str(ingested["home"])
    csv_text = run_cli("--home", home, "gaps", "--format", "csv", check_codes=(0,)).stdout
    assert "Điểm tạm tính,Điểm tối đa,Mã tình trạng điểm,Lý do điểm" in csv_text.splitlines()[0]
    xlsx = tmp_path / "gaps.xlsx"
    run_cli("--home", home, "gaps", "--format", "xlsx", "-o", str(xlsx), check_codes=(0,))
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert "Điểm tạm tính" in book.sheetnames
    sheet = book["Điểm tạm tính"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == UNIT and r[1] == "A.1.2"]
    assert rows and rows[0][5] == 1
    html = run_cli("--home", home, "gaps", "--format", "html", check_codes=(0,)).stdout
    assert "Điểm tạm tính toàn tỉnh" in html and "Bộ chỉ số paca-2024" in html
    listing = json.loads(run_cli("--home", home, "scores", "--json", check_codes=(0,)).stdout)
    assert listing["province"]["total"] == report["scores"]["province"]["total"]
