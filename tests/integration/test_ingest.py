"""End to end over the generated inbox: real files, real tesseract, real SQLite."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest
from clihelp import run_cli

from ingest.text import cer_any_order, squash

# Measured on the sample inbox (BENCHMARKS.md): 0.39 % line-order-independent CER over ~45,600 characters
# of 26 OCR pages; body pages 0.08-0.5 %, signature pages up to ~7 % (pen strokes and seals over names).
MAX_CER = 0.010
MAX_PAGE_CER = 0.10


@pytest.fixture
def catalog_db(ingested) -> Iterator[sqlite3.Connection]:
    """The session's catalog, closed after the test (a connection left to the garbage
    collector may close, and checkpoint the WAL away, while another test copies the home)."""
    db = sqlite3.connect(ingested["home"] / "catalog.sqlite3")
    db.row_factory = sqlite3.Row
    yield db
    db.close()


def _page_text(db, source: str, n: int) -> sqlite3.Row:
    sha = db.execute("SELECT sha256 FROM sources WHERE source=?", (source,)).fetchone()[0]
    return db.execute("SELECT * FROM pages WHERE sha256=? AND n=?", (sha, n)).fetchone()


def test_cer_of_pipeline_on_generated_scans_is_low(ingested, catalog_db):
    db, man, prefix = catalog_db, ingested["manifest"], ingested["root"].name
    errors = chars = 0
    for f in man.good:
        for n, page in enumerate(f.pages, 1):
            if page.digital:
                continue
            row = _page_text(db, f"{prefix}/{f.path}", n)
            assert row["method"] == "ocr" and row["status"] == "done"
            assert 0 < row["confidence"] <= 100
            c = cer_any_order(page.lines, row["text"])
            assert c < MAX_PAGE_CER, (f.path, n, c)
            size = len(squash(" ".join(page.lines)))
            errors += c * size
            chars += size
    assert chars > 30_000
    assert errors / chars < MAX_CER, errors / chars


def test_text_layer_pages_are_not_ocred(ingested, catalog_db):
    db, man, prefix = catalog_db, ingested["manifest"], ingested["root"].name
    digital = [(f, n) for f in man.good for n, p in enumerate(f.pages, 1) if p.digital]
    assert digital
    for f, n in digital:
        row = _page_text(db, f"{prefix}/{f.path}", n)
        assert row["method"] == "text" and row["words"] is None and row["confidence"] is None
        assert "Đắk Lắk" in row["text"] or "ĐẮK LẮK" in row["text"] or n > 1
    assert ingested["summary"]["pages_text"] == len(digital)


def test_each_bad_input_is_quarantined_with_its_reason_and_the_rest_is_done(ingested, catalog_db):
    summary, man, prefix = ingested["summary"], ingested["manifest"], ingested["root"].name
    reasons = {q["source"]: q for q in summary["quarantined"]}
    expected = {  # file: (code, English reason stored, Vietnamese reason shown by default)
        "ban scan bi cat.pdf": ("pdf.corrupt", "corrupt or truncated PDF", "Tệp PDF bị hỏng hoặc không trọn vẹn"),
        "trong.pdf": ("file.empty", "empty file", "Tệp rỗng (0 byte)"),
        "danh sach can bo.pdf": ("file.text", "unsupported type: a text file", "tệp văn bản thuần"),
        "quyet dinh co mat khau.pdf": ("pdf.encrypted", "encrypted PDF", "Tệp PDF có mật khẩu"),
    }
    for name, (code, english, vietnamese) in expected.items():
        match = [q for s, q in reasons.items() if s.endswith(name)]
        assert match and match[0]["error_code"] == code, (name, reasons)
        assert english in match[0]["error"] and vietnamese in match[0]["message"], (name, match[0])
    assert len(reasons) == len(expected)
    db = catalog_db
    done = {r[0] for r in db.execute("SELECT s.source FROM sources s JOIN files f USING (sha256) "
                                     "WHERE f.status='done'")}
    assert {f"{prefix}/{f.path}" for f in man.good} <= done
    assert "quarantined:" in ingested["stderr"] or ingested["summary"]["quarantined"]


def test_status_and_export_follow_the_contract(ingested):
    home = str(ingested["home"])
    status = json.loads(run_cli("--home", home, "status", "--json", check_codes=(0,)).stdout)
    units = {u["unit"]: u for u in status["units"]}
    assert set(units) == {"Sở Nội vụ", "Sở Tư pháp", "UBND huyện Krông Pắc", "Công an tỉnh"}
    assert units["Sở Nội vụ"]["text_pages"] == 3 and units["Sở Nội vụ"]["ocr_pages"] == 7
    assert units["Sở Tư pháp"]["quarantined"] == 4
    assert len(status["quarantined"]) == 4
    table = run_cli("--home", home, "status", check_codes=(0,)).stdout
    assert "Tệp bị cách ly" in table and "Tệp PDF có mật khẩu" in table  # Vietnamese unless --lang en

    lines = run_cli("--home", home, "export", "--format", "jsonl", check_codes=(0,)).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    docs = [r for r in records if r["status"] == "done"]
    bad = [r for r in records if r["status"] == "quarantined"]
    assert len(bad) == 4 and all(r["error"] and r["source"] for r in bad)
    # one file holds two documents (tests/test_classify.py checks the split and the facts)
    assert len(docs) == len(ingested["manifest"].good) + 1
    for r in docs:
        for key in ("id", "sha256", "source", "source_pages", "unit", "received", "pages", "doc_type",
                    "number", "symbol", "issued", "issuer", "signer", "indicators", "in_period"):
            assert key in r
        assert r["source_pages"][1] - r["source_pages"][0] + 1 == len(r["pages"])
        assert all(p["text"] == squash(p["text"]) or "\n" in p["text"] for p in r["pages"])


def test_reingesting_the_same_inbox_does_no_ocr_work(ingested):
    proc = run_cli("--home", str(ingested["home"]), "ingest", str(ingested["root"]), "--unit-from-folder",
                   "--json", check_codes=(3,))
    again = json.loads(proc.stdout)
    assert again["pages_ocr"] == 0 and again["pages_cached"] == 0 and again["pages_text"] == 0
    assert again["new_files"] == 0 and again["unchanged"] == again["sources"] == 20
    assert len(again["quarantined"]) == 4  # the bad files are still bad: exit 3


def test_same_content_under_another_name_is_a_reported_duplicate(ingested, catalog_db, tmp_path):
    src = ingested["root"] / "Sở Nội vụ" / "KH chuyen doi vi tri cong tac 2024.tif"
    copy_dir = tmp_path / "Sở Nội vụ"
    copy_dir.mkdir()
    (copy_dir / "ban sao.tif").write_bytes(src.read_bytes())
    out = json.loads(run_cli("--home", str(ingested["home"]), "ingest", str(tmp_path), "--unit-from-folder",
                             "--json", check_codes=(0,)).stdout)
    assert len(out["duplicates"]) == 1 and out["duplicates"][0]["same_as"].endswith(src.name)
    assert out["pages_ocr"] == 0 and out["pages_cached"] == 0
    db = catalog_db
    sources = db.execute("SELECT source FROM sources WHERE sha256=(SELECT sha256 FROM sources WHERE source LIKE ?)",
                         ("%ban sao.tif",)).fetchall()
    assert len(sources) == 2  # both sources are kept


def test_originals_are_stored_unchanged_and_read_only(ingested):
    import hashlib

    home = ingested["home"]
    for blob in (home / "blobs" / "sha256").rglob("*"):
        if blob.is_file():
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.parent.name + blob.name
            assert not blob.stat().st_mode & 0o222
