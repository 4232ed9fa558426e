"""Faults: a killed batch, a crashing or hanging tesseract, hostile zips, bombs. Each must end in a clear
reason in quarantine while the rest of the batch is done."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
import zipfile
from pathlib import Path

from clihelp import CLI, run_cli
from PIL import Image


def _export(home: Path) -> list[dict]:
    out = run_cli("--home", str(home), "export", check_codes=(0,)).stdout.splitlines()
    return sorted((json.loads(line) for line in out), key=lambda r: r.get("source") or "")


def _small_inbox(inbox, dest: Path) -> Path:
    """Two scanned files (7 pages) of the sample inbox in one unit folder."""
    root, _ = inbox
    unit = dest / "Sở Nội vụ"
    unit.mkdir(parents=True)
    for name in ("KH 15-KH-SNV phong chong tham nhung 2024.pdf", "KH chuyen doi vi tri cong tac 2024.tif"):
        shutil.copy2(root / "Sở Nội vụ" / name, unit / name)
    return dest


def test_kill_9_mid_batch_then_rerun_gives_the_same_catalog(inbox, tmp_path):
    src = _small_inbox(inbox, tmp_path / "in")
    cache = tmp_path / "cold-cache"  # a cold cache: the batch really OCRs, so it can be killed mid-way
    env = {**os.environ, "MINHCHUNG_OCR_CACHE": str(cache)}
    home = tmp_path / "killed"
    args = [*CLI, "--home", str(home), "ingest", str(src), "--unit-from-folder", "--jobs", "2", "--json"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    db_path = home / "catalog.sqlite3"
    committed = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path) as db:
                    committed = db.execute("SELECT COUNT(*) FROM pages WHERE method='ocr' AND status='done'"
                                           ).fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 2:
                break
        time.sleep(0.2)
    assert proc.poll() is None, "the batch ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its OCR workers, mid-batch
    proc.wait()
    with sqlite3.connect(db_path) as db:
        before = db.execute("SELECT COUNT(*) FROM pages WHERE status='done' AND method='ocr'").fetchone()[0]
        pending = db.execute("SELECT COUNT(*) FROM pages WHERE status='pending'").fetchone()[0]
    assert before >= 2 and pending > 0

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    # Nothing done twice: only pages not committed before the kill went through OCR (or the cache,
    # for pages a worker finished but the killed parent never committed).
    assert summary["pages_ocr"] + summary["pages_cached"] == pending
    assert summary["pages_ocr"] <= pending

    clean_home = tmp_path / "uninterrupted"
    run_cli("--home", str(clean_home), "ingest", str(src), "--unit-from-folder",
            env={"MINHCHUNG_OCR_CACHE": str(cache)}, check_codes=(0,))
    killed, clean = _export(home), _export(clean_home)
    assert len(killed) == 2
    for a, b in zip(killed, clean, strict=True):
        assert a == b


def _fake_tesseract(path: Path, behaviour: str) -> Path:
    real = shutil.which("tesseract")
    script = f"""#!/bin/sh
case "$1" in --version|--list-langs) exec {real} "$@";; esac
{behaviour}
"""
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _one_page_inbox(inbox, dest: Path) -> Path:
    root, _ = inbox
    unit = dest / "Sở Tư pháp"
    unit.mkdir(parents=True)
    shutil.copy2(root / "Sở Tư pháp" / "CV ke khai tai san trang 1.png", unit / "trang 1.png")
    return dest


def test_crashing_tesseract_quarantines_the_file_and_names_the_page(inbox, tmp_path):
    src = _one_page_inbox(inbox, tmp_path / "in")
    fake = _fake_tesseract(tmp_path / "tesseract", 'kill -SEGV $$')
    proc = run_cli("--home", str(tmp_path / "h"), "ingest", str(src), "--unit-from-folder", "--json",
                   env={"MINHCHUNG_TESSERACT": str(fake), "MINHCHUNG_OCR_CACHE": str(tmp_path / "c")},
                   check_codes=(3,))
    q = json.loads(proc.stdout)["quarantined"]
    assert len(q) == 1 and q[0]["source"].endswith("trang 1.png")
    assert q[0]["error"].startswith("page 1: tesseract failed")


def test_hanging_tesseract_times_out_per_page(inbox, tmp_path):
    src = _one_page_inbox(inbox, tmp_path / "in")
    fake = _fake_tesseract(tmp_path / "tesseract", "sleep 30")
    start = time.monotonic()
    proc = run_cli("--home", str(tmp_path / "h"), "ingest", str(src), "--unit-from-folder", "--json",
                   "--page-timeout", "1", env={"MINHCHUNG_TESSERACT": str(fake),
                                               "MINHCHUNG_OCR_CACHE": str(tmp_path / "c")},
                   check_codes=(3,))
    assert time.monotonic() - start < 25
    q = json.loads(proc.stdout)["quarantined"]
    assert q[0]["error"] == "page 1: tesseract timed out after 1 s"


def test_hostile_zip_entries_are_refused_and_nothing_is_written_outside_the_home(inbox, tmp_path):
    root, _ = inbox
    good = (root / "Sở Tư pháp" / "CV ke khai tai san trang 1.png").read_bytes()
    work = tmp_path / "work"
    (work / "inbox" / "Sở Tư pháp").mkdir(parents=True)
    archive = work / "inbox" / "Sở Tư pháp" / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.png", good)
        zf.writestr("/etc/absolute.png", good)
        zf.writestr("a/../../../up.png", good)
        link = zipfile.ZipInfo("link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr(zipfile.ZipInfo("bomb.pdf"), b"\0" * 5_000_000, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("ok/trang 1.png", good)
    before = {p for p in tmp_path.rglob("*")}
    home = work / "home"
    proc = run_cli("--home", str(home), "ingest", str(work / "inbox"), "--unit-from-folder", "--json",
                   check_codes=(3,))
    summary = json.loads(proc.stdout)
    reasons = {q["source"].split("hostile.zip/")[-1]: q["error"] for q in summary["quarantined"]}
    assert "escapes the archive" in reasons["../../escaped.png"]
    assert "absolute path" in reasons["/etc/absolute.png"]
    assert "escapes the archive" in reasons["a/../../../up.png"]
    assert "symbolic link" in reasons["link.png"]
    assert "zip bomb" in reasons["bomb.pdf"]
    assert len(reasons) == 5
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(home in p.parents or p == home for p in created), sorted(map(str, created))
    assert not (tmp_path / "escaped.png").exists() and not Path("/etc/absolute.png").exists()
    status = json.loads(run_cli("--home", str(home), "status", "--json", check_codes=(0,)).stdout)
    assert {u["unit"]: u["documents"] for u in status["units"]}["Sở Tư pháp"] == 1


def test_decompression_bomb_image_is_quarantined(tmp_path):
    unit = tmp_path / "in" / "Công an tỉnh"
    unit.mkdir(parents=True)
    Image.new("1", (20_000, 20_000), 1).save(unit / "huge.png", optimize=True)
    assert (unit / "huge.png").stat().st_size < 2_000_000
    proc = run_cli("--home", str(tmp_path / "h"), "ingest", str(tmp_path / "in"), "--unit-from-folder", "--json",
                   check_codes=(3,))
    q = json.loads(proc.stdout)["quarantined"]
    assert "decompression bomb" in q[0]["error"]


def test_usage_errors_exit_2(tmp_path):
    proc = subprocess.run([*CLI, "--home", str(tmp_path), "ingest", str(tmp_path), "--unit", "X",
                           "--unit-from-folder"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Chỉ dùng một trong --unit hoặc --unit-from-folder" in proc.stderr
    proc = subprocess.run([*CLI, "ingest", str(tmp_path), "--received", "15/03/2025"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    proc = subprocess.run([*CLI, "ingest", str(tmp_path / "missing")], capture_output=True, text=True)
    assert proc.returncode == 2


def test_file_outside_a_unit_folder_is_quarantined_not_lost(inbox, tmp_path):
    root, _ = inbox
    (tmp_path / "in").mkdir()
    shutil.copy2(root / "Sở Tư pháp" / "CV ke khai tai san trang 1.png", tmp_path / "in" / "loose.png")
    proc = run_cli("--home", str(tmp_path / "h"), "ingest", str(tmp_path / "in"), "--unit-from-folder", "--json",
                   check_codes=(3,))
    q = json.loads(proc.stdout)["quarantined"]
    assert "not inside a unit folder" in q[0]["error"]
    assert [p for p in (tmp_path / "h" / "blobs").rglob("*") if p.is_file()]  # the original is kept
