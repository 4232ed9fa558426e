"""--ocr auto|force|skip, --received, --unit, and plain progress lines when not on a terminal."""

from __future__ import annotations

import json
import shutil
import sqlite3

from clihelp import run_cli

DIGITAL = "BC thuc hien Chi thi 10 nam 2024.pdf"


def _pages(home) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "catalog.sqlite3") as db:
        return db.execute("SELECT method, status FROM pages ORDER BY n").fetchall()


def test_ocr_modes_on_a_born_digital_pdf(inbox, tmp_path):
    root, _ = inbox
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy2(root / "Sở Nội vụ" / DIGITAL, src / DIGITAL)

    auto = json.loads(run_cli("--home", str(tmp_path / "auto"), "ingest", str(src), "--unit", "Sở Nội vụ",
                              "--json", check_codes=(0,)).stdout)
    assert auto["pages_text"] == 3 and auto["pages_ocr"] + auto["pages_cached"] == 0
    assert _pages(tmp_path / "auto") == [("text", "done")] * 3

    skip = json.loads(run_cli("--home", str(tmp_path / "skip"), "ingest", str(src), "--unit", "X", "--ocr", "skip",
                              "--json", check_codes=(0,)).stdout)
    assert skip["pages_text"] == 3  # a text layer is still used; only OCR is skipped

    force = run_cli("--home", str(tmp_path / "force"), "ingest", str(src), "--unit", "Sở Nội vụ", "--ocr", "force",
                    "--received", "2025-03-14", "--json", check_codes=(0,))
    summary = json.loads(force.stdout)
    assert summary["pages_text"] == 0 and summary["pages_ocr"] + summary["pages_cached"] == 3
    assert _pages(tmp_path / "force") == [("ocr", "done")] * 3
    record = json.loads(run_cli("--home", str(tmp_path / "force"), "export", check_codes=(0,)).stdout.splitlines()[0])
    assert record["received"] == "2025-03-14" and record["unit"] == "Sở Nội vụ"
    assert all(p["method"] == "ocr" and p["confidence"] > 80 for p in record["pages"])
    assert "Chỉ thị" in record["pages"][0]["text"]


def test_scanned_page_with_ocr_skip_is_kept_without_text(inbox, tmp_path):
    root, _ = inbox
    src = tmp_path / "in" / "Sở Tư pháp"
    src.mkdir(parents=True)
    shutil.copy2(root / "Sở Tư pháp" / "CV ke khai tai san trang 2.png", src / "p.png")
    out = json.loads(run_cli("--home", str(tmp_path / "h"), "ingest", str(tmp_path / "in"), "--unit-from-folder",
                             "--ocr", "skip", "--json", check_codes=(0,)).stdout)
    assert out["pages_not_ocred"] == 1 and out["pages_ocr"] == 0
    assert _pages(tmp_path / "h") == [("none", "done")]


def test_progress_is_plain_lines_when_not_a_terminal(inbox, tmp_path):
    root, _ = inbox
    src = tmp_path / "in" / "Sở Tư pháp"
    src.mkdir(parents=True)
    shutil.copy2(root / "Sở Tư pháp" / "CV ke khai tai san trang 1.png", src / "p.png")
    proc = run_cli("--home", str(tmp_path / "h"), "ingest", str(tmp_path / "in"), "--unit-from-folder",
                   check_codes=(0,))
    assert "Trang 1/1" in proc.stderr and "trang/phút" in proc.stderr and "\x1b[" not in proc.stderr
    assert "1 nguồn: 1 tệp mới" in proc.stdout and "Trang: 0 có lớp chữ" in proc.stdout  # Vietnamese first
    english = run_cli("--lang", "en", "--home", str(tmp_path / "h2"), "ingest", str(tmp_path / "in"),
                      "--unit-from-folder", check_codes=(0,))
    assert "pages 1/1" in english.stderr and "1 new files" in english.stdout
