"""Gap reports: scenario units built with the sample generator, every cell's status asserted exactly.

The scenario's documents are born-digital PDFs of two sample texts (a rotation plan → B.1.7, an asset
declaration plan → B.1.9), so the whole pipeline runs without OCR. A plan written here requires only those
two indicators of six departments: complete, partial, late, out of period, weak and empty.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import replace

import pytest
from clihelp import REPO, copy_data_home, run_cli

from classify.indexset import load_index_set
from pipelines.samples.digital import digital_pdf
from pipelines.samples.spec import load_specs

ARTIFACTS = REPO / "test-artifacts"
KEEP = ("B.1.7", "B.1.9")
UNITS = ("Sở Đủ", "Sở Thiếu", "Sở Muộn", "Sở Ngoài Kỳ", "Sở Yếu", "Sở Trống")


def plan_yaml() -> str:
    others = [i.id for i in load_index_set("paca-2024").indicators() if i.id not in KEEP]
    units = "\n".join(f'  - {{name: "{u}", kind: SO}}' for u in UNITS)
    return f"""id: thu-2024
name_vi: "Kế hoạch thử"
year: 2024
period: {{from: 2023-12-16, to: 2024-12-15}}
index_set: paca-2024
deadlines:
  SO: 2025-03-15
exclude: {json.dumps(others, ensure_ascii=False)}
units:
{units}
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("gaps")
    specs = {s.name[:2]: s for s in load_specs()}
    rotation, declaration = specs["02"], specs["07"]
    old = replace(declaration, place_date="Krông Pắc, ngày 12 tháng 11 năm 2023")
    undated = replace(rotation, place_date="")
    # each unit's rotation plan is its own document (its own number): byte-identical files would be one file, the
    # later one reported as a copy — and the generated PDFs differ only by their creation second otherwise
    own = {unit: replace(rotation, number=rotation.number.replace("38/", f"{n}/"))
           for unit, n in (("Sở Thiếu", 39), ("Sở Muộn", 40))}
    submissions = {  # unit → [(file, spec, received)]
        "Sở Đủ": [("kh-chuyen-doi.pdf", rotation, "2025-03-10"), ("kh-ke-khai.pdf", declaration, "2025-03-15")],
        "Sở Thiếu": [("kh-chuyen-doi.pdf", own["Sở Thiếu"], "2025-03-01")],
        "Sở Muộn": [("kh-chuyen-doi.pdf", own["Sở Muộn"], "2025-03-16")],
        "Sở Ngoài Kỳ": [("kh-ke-khai-2023.pdf", old, "2025-03-01")],
        "Sở Yếu": [("kh-khong-ngay.pdf", undated, "2025-03-01")],
    }
    home = root / "home"
    for unit, files in submissions.items():
        for name, spec, received in files:
            folder = root / "inbox" / unit / received
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(digital_pdf(spec))
            run_cli("--home", str(home), "ingest", str(folder / name), "--unit", unit, "--received", received,
                    check_codes=(0,))
    plan = root / "thu-2024.yaml"
    plan.write_text(plan_yaml(), encoding="utf-8")
    return {"home": home, "plan": plan, "root": root}


def gaps(scenario, *args: str, fmt: str = "json") -> str:
    return run_cli("--home", str(scenario["home"]), "gaps", "--plan", str(scenario["plan"]), "--format", fmt, *args,
                   check_codes=(0,)).stdout


def cells(report: dict) -> dict[tuple[str, str], str]:
    return {(r["unit"], r["requirement"]): r["status"] for r in report["rows"]}


EXPECTED = {
    ("Sở Đủ", "B.1.7"): "present", ("Sở Đủ", "B.1.9"): "present",
    ("Sở Thiếu", "B.1.7"): "present", ("Sở Thiếu", "B.1.9"): "missing",
    ("Sở Muộn", "B.1.7"): "late", ("Sở Muộn", "B.1.9"): "missing",
    ("Sở Ngoài Kỳ", "B.1.7"): "missing", ("Sở Ngoài Kỳ", "B.1.9"): "out_of_period",
    ("Sở Yếu", "B.1.7"): "weak", ("Sở Yếu", "B.1.9"): "missing",
    ("Sở Trống", "B.1.7"): "missing", ("Sở Trống", "B.1.9"): "missing",
}


def test_every_cell_has_the_right_status_and_reason(scenario):
    report = json.loads(gaps(scenario))
    assert cells(report) == EXPECTED
    reasons = {(r["unit"], r["requirement"]): r["reason"] for r in report["rows"]}
    assert "38/KH-SNV" in reasons[("Sở Đủ", "B.1.7")]
    assert "sau hạn 15/03/2025" in reasons[("Sở Muộn", "B.1.7")] and "16/03/2025" in reasons[("Sở Muộn", "B.1.7")]
    # B.1.9 asks for a year-end declaration plan: a report on the period, accepted up to the deadline
    assert "12/11/2023 ngoài khoảng 16/12/2023–15/03/2025" in reasons[("Sở Ngoài Kỳ", "B.1.9")]
    assert "không đọc được ngày ban hành" in reasons[("Sở Yếu", "B.1.7")]
    assert reasons[("Sở Trống", "B.1.9")] == "Không có văn bản minh chứng"
    assert report["units_without_submission"] == ["Sở Trống"]
    summary = {s["unit"]: s for s in report["summary"]}
    assert summary["Sở Đủ"]["complete_pct"] == 100.0 and summary["Sở Thiếu"]["complete_pct"] == 50.0


def test_a_reviewers_correction_is_honoured(scenario, tmp_path):
    home = tmp_path / "home"
    copy_data_home(scenario["home"], home)
    copy = {**scenario, "home": home}
    doc = json.loads(gaps(copy))["rows"]
    old = next(r for r in doc if r["unit"] == "Sở Ngoài Kỳ" and r["requirement"] == "B.1.9")["documents"][0]
    run_cli("--home", str(home), "correct", old, "--issued", "2024-11-12", "--note", "ngày in sai năm",
            check_codes=(0,))
    assert cells(json.loads(gaps(copy)))[("Sở Ngoài Kỳ", "B.1.9")] == "present"


def test_table_csv_and_xlsx(scenario, tmp_path):
    table = gaps(scenario, fmt="table")
    assert "Sở Đủ" in table and "Chưa nộp văn bản nào (1 đơn vị): Sở Trống" in table
    unit_table = gaps(scenario, "--unit", "So Muon", fmt="table")
    assert "Nộp muộn" in unit_table and "B.1.9" in unit_table
    vi_rows = list(csv.DictReader(io.StringIO(gaps(scenario, fmt="csv").lstrip("\ufeff"))))
    assert list(vi_rows[0]) == ["Kế hoạch", "Đơn vị", "Loại đơn vị", "Mã yêu cầu", "Nội dung yêu cầu", "Nhóm",
                                "Nguồn yêu cầu", "Hạn nộp", "Khung thời gian", "Mã tình trạng", "Tình trạng", "Lý do",
                                "Mã văn bản", "Số, ký hiệu", "Điểm tạm tính", "Điểm tối đa", "Mã tình trạng điểm",
                                "Lý do điểm", "Điểm máy tính", "Người sửa điểm", "Lúc sửa điểm", "Ghi chú sửa điểm"]
    english = run_cli("--home", str(scenario["home"]), "--lang", "en", "gaps", "--plan", str(scenario["plan"]),
                      "--format", "csv", check_codes=(0,)).stdout
    rows = list(csv.DictReader(io.StringIO(english.lstrip("\ufeff"))))
    assert len(rows) == 12 and {r["status"] for r in rows} == set(EXPECTED.values())
    assert list(rows[0]) == ["plan", "unit", "unit_kind", "requirement", "requirement_name", "group", "source",
                             "deadline", "window", "status", "status_vi", "reason", "documents", "symbols", "score",
                             "score_max", "score_status", "score_reason", "score_computed", "override_who",
                             "override_at", "override_note"]
    # only the header changes (the score's reason is a message in the asked language)
    reason = list(rows[0]).index("score_reason")
    assert [[v for i, v in enumerate(r.values()) if i != reason] for r in vi_rows] == \
        [[v for i, v in enumerate(r.values()) if i != reason] for r in rows]
    assert rows[0]["score_reason"] and vi_rows[0]["Lý do điểm"] != rows[0]["score_reason"]
    out = tmp_path / "gaps.xlsx"
    gaps(scenario, "-o", str(out), fmt="xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Tổng hợp" and wb.sheetnames[-1] == "Điểm tạm tính"
    assert len(wb.sheetnames) == 2 + len(UNITS)
    sheet = wb["Sở Muộn"]
    statuses = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in range(3, sheet.max_row + 1)}
    assert statuses == {"B.1.7": "Nộp muộn", "B.1.9": "Thiếu"}
    assert sheet.cell(3, 3).fill.fgColor.rgb.endswith("E65100")


def test_html_report_renders_in_chromium(scenario, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (make test installs it as root)")
    html = tmp_path / "gaps.html"
    gaps(scenario, "-o", str(html), fmt="html")
    text = html.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text  # self-contained: nothing from the network
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "gaps-report.png"
    shot.unlink(missing_ok=True)
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path}"]
    dom = subprocess.run([*args, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr
    assert dom.stdout.count('class="c s-') == 12 and 'id="legend"' in dom.stdout
    subprocess.run([*args, "--window-size=1400,1000", f"--screenshot={shot}", html.as_uri()], capture_output=True,
                   timeout=120, check=True)
    from PIL import Image

    with Image.open(shot) as img:
        colours = {c for _, c in img.convert("RGB").getcolors(1 << 20)}
    assert (0x2E, 0x7D, 0x32) in colours and (0xC6, 0x28, 0x28) in colours  # green and red cells drawn


def test_plan_check_and_units_csv(scenario, tmp_path):
    out = run_cli("plan", "check", "daklak-2024", check_codes=(0,)).stdout
    assert "Thời kỳ đánh giá 16/12/2023–15/12/2024, bộ chỉ số paca-2024" in out and "SO 15/03/2025" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(plan_yaml().replace("kind: SO}", "kind: SOO}", 1), encoding="utf-8")
    proc = run_cli("plan", "check", str(bad), check_codes=(2,))
    assert f"{bad}:" in proc.stderr and "SOO" in proc.stderr
    home = tmp_path / "home"
    copy_data_home(scenario["home"], home)
    units = tmp_path / "units.csv"
    run_cli("--home", str(home), "units", "export", str(units), "--plan", str(scenario["plan"]), check_codes=(0,))
    text = units.read_text(encoding="utf-8-sig").replace("Sở Trống,SO,", "Sở Trống Mới,SO,Sở Trống")
    units.write_text(text, encoding="utf-8")
    run_cli("--home", str(home), "units", "import", str(units), check_codes=(0,))
    report = json.loads(run_cli("--home", str(home), "gaps", "--format", "json", check_codes=(0,)).stdout)
    assert report["units_without_submission"] == ["Sở Trống Mới"]
    broken = tmp_path / "broken.csv"
    broken.write_text("name,kind,aliases\nSở A,SO,\n,SO,\n", encoding="utf-8")
    proc = run_cli("--home", str(home), "units", "import", str(broken), check_codes=(2,))
    assert f"{broken}:3" in proc.stderr
    fresh = tmp_path / "fresh"  # a rejected CSV changes nothing, not even the remembered plan
    run_cli("--home", str(fresh), "units", "import", str(broken), "--plan", str(scenario["plan"]), check_codes=(2,))
    assert not (fresh / "catalog.sqlite3").exists()


def test_sample_inbox_gaps(ingested):
    report = json.loads(run_cli("--home", str(ingested["home"]), "gaps", "--plan", "daklak-2024", "--format", "json",
                                check_codes=(0,)).stdout)
    got = cells(report)
    assert got[("Sở Nội vụ", "B.1.7")] == "present"  # KH 38/KH-SNV
    assert got[("Sở Nội vụ", "SNV.CT10")] == "missing"  # the plan wants a KH; the sample has a BC
    assert got[("Sở Tư pháp", "A.2.1")] == "present"  # KH rà soát văn bản QPPL
    assert got[("Sở Tư pháp", "B.1.9")] == "late"  # the CV was sent on 21/3/2025, after 15/3
    assert got[("UBND huyện Krông Pắc", "X.2")] == "present"  # sent 20/8/2025, before 31/8
    assert got[("UBND huyện Krông Pắc", "B.1.4")] == "late"  # phone photos sent 26/3/2025
    assert got[("Công an tỉnh", "C.1.3")] == "present"  # a report on the period, dated after it
    assert report["unknown_units"] == {}
    assert "Sở Tài chính" in report["units_without_submission"]
