"""The CLI and the web app do the same thing through the same services (they had drifted apart):
a web correction reaches the Elasticsearch outbox, web uploads use the same OCR settings as the CLI, the
CLI can attach a document to a requirement, and both offer the report formats of one registry."""

from __future__ import annotations

import io
import json
import time
from contextlib import closing
from pathlib import Path

import click
from clihelp import copy_data_home, run_cli
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from web_support import PASSWORD, login

from pipelines.assessment.formats import FORMATS
from pipelines.catalog import connect, outbox
from pipelines.catalog.home import Home
from pipelines.cli.gaps import gaps_cmd
from pipelines.samples.render import font
from pipelines.services.config import Config
from pipelines.services.users import add_user
from pipelines.web import create_app

UNREACHABLE_ES = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


def _doc_of(home: Path, unit: str) -> str:
    proc = run_cli("--home", str(home), "documents", "--unit", unit, "--json")
    return json.loads(proc.stdout.splitlines()[0])["id"]


def _gap_rows(home: Path, unit: str) -> dict[str, dict]:
    rows = json.loads(run_cli("--home", str(home), "gaps", "--format", "json").stdout)["rows"]
    return {r["requirement"]: r for r in rows if r["unit"] == unit}


def test_the_cli_attaches_a_document_to_a_requirement(home_copy: Path) -> None:
    doc = _doc_of(home_copy, "Sở Nội vụ")
    req = next(r for r, row in _gap_rows(home_copy, "Sở Nội vụ").items() if row["status"] == "missing")
    out = run_cli("--home", str(home_copy), "correct", doc, "--attach", req, "--note", "đủ", "--by", "ratsoat")
    assert f"{doc} requirement:{req}: False → True" in out.stdout
    row = _gap_rows(home_copy, "Sở Nội vụ")[req]
    assert row["documents"] == [doc] and row["status"] == "present", row
    run_cli("--home", str(home_copy), "correct", doc, "--detach", req, "--by", "ratsoat")
    assert _gap_rows(home_copy, "Sở Nội vụ")[req]["status"] == "missing"
    bad = run_cli("--home", str(home_copy), "correct", doc, "--attach", "KHONG.CO", check_codes=(2,))
    assert "Không có yêu cầu «KHONG.CO»" in bad.stderr


def test_both_front_ends_offer_the_formats_of_one_registry(tmp_path: Path) -> None:
    choice = next(p for p in gaps_cmd.params if p.name == "fmt").type
    assert isinstance(choice, click.Choice) and list(choice.choices) == ["table", *FORMATS]
    app = create_app(Config(Home(tmp_path / "home")))
    spec = app.openapi()["paths"]["/api/gaps/export"]["get"]
    param = next(p for p in spec["parameters"] if p["name"] == "format")
    assert sorted(param["schema"]["enum"]) == sorted(FORMATS)
    media = set(spec["responses"]["200"]["content"])
    assert {f.media_type.split(";")[0] for f in FORMATS.values()} <= media


def test_a_web_correction_reaches_the_elasticsearch_outbox(home_copy: Path) -> None:
    doc = _doc_of(home_copy, "Sở Nội vụ")
    home = Home(home_copy)
    with closing(connect(home.catalog)) as db:
        add_user(db, "ratsoat", "reviewer", PASSWORD)
        outbox.enable(db)  # as `reindex --backend elasticsearch` does when it first builds the index
        queued = len(outbox.pending(db))
    app = create_app(Config(home, es_url=UNREACHABLE_ES))
    with TestClient(app) as client:
        login(client, "ratsoat")
        response = client.post(f"/api/documents/{doc}/corrections", json={"doc_type": "KH", "note": "kiểm tra"})
        assert response.status_code == 200, response.text
        web_status = client.get("/api/status").json()
    with closing(connect(home.catalog)) as db:
        pending = outbox.pending(db)
        lag = outbox.lag(db)
    assert [(e.kind, e.key) for e in pending[queued:]] == [("document", doc)]
    assert lag.error  # the drain was tried after the commit, and failed (no server, or no client installed)
    status = json.loads(run_cli("--home", str(home_copy), "status", "--json",
                                env={"MINHCHUNG_ELASTICSEARCH_URL": UNREACHABLE_ES}).stdout)
    assert status["outbox"]["pending"] == len(pending) and status["outbox"]["error"]
    # the web app shows the same lag and error (GET /api/status, as `minhchung status`)
    assert web_status["outbox"]["pending"] == len(pending) and web_status["outbox"]["error"] == lag.error


def _scan_png() -> bytes:
    image = Image.new("L", (1400, 500), 255)
    ImageDraw.Draw(image).text((120, 180), "KẾ HOẠCH phòng, chống tham nhũng năm 2024", fill=0,
                               font=font("bold", 44))
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


def test_web_uploads_use_the_configured_tesseract(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "my-tesseract"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec tesseract "$@"\n')
    wrapper.chmod(0o755)
    config = Config.from_env(tmp_path / "home", {"MINHCHUNG_TESSERACT": str(wrapper),
                                                 "MINHCHUNG_OCR_CACHE": str(tmp_path / "cache")})
    assert config.ocr.tesseract_cmd == str(wrapper)
    with closing(connect(config.home.catalog)) as db:
        add_user(db, "vanthu", "clerk", PASSWORD)
    app = create_app(config, intake_jobs=1)
    with TestClient(app) as client:
        login(client, "vanthu")
        response = client.post("/api/uploads", files={"files": ("kh.png", _scan_png(), "image/png")},
                               data={"unit": "Sở Nội vụ", "received": "2025-03-10"})
        assert response.status_code == 202, response.text
        job, started = response.json(), time.monotonic()
        while job["status"] not in ("done", "failed") and time.monotonic() - started < 120:
            time.sleep(0.2)
            job = client.get(f"/api/uploads/{job['id']}").json()
    assert job["status"] == "done" and job["summary"]["pages_ocr"] == 1, job
    calls = log.read_text().splitlines()
    assert any("--version" in c for c in calls) and any("--psm" in c for c in calls), calls


def test_a_document_without_a_signer_shows_no_signer_line(ingested, tmp_path: Path) -> None:
    """A document whose signature was not read (the photo of a first page sent alone, say): no 'Người ký'
    line, not '—, Giám đốc'. (Every sample document has its signature page now: the phone photos are
    joined into one document, issue 14; the signer is taken out of one document's stored facts here.)"""
    home = Home(tmp_path / "home")
    copy_data_home(ingested["home"], home.root)
    doc = next(json.loads(line) for line in run_cli("--home", str(home.root), "documents", "--json").stdout.splitlines()
               if json.loads(line)["symbol"] == "05/CT-UBND")
    with closing(connect(home.catalog)) as db:
        db.execute("UPDATE documents SET facts = json_set(facts, '$.signer', NULL, '$.signer_title', NULL, "
                   "'$.authority', NULL) WHERE id = ?", (doc["id"],))
        add_user(db, "thanhtra", "inspector", PASSWORD)
    with TestClient(create_app(Config(home))) as client:
        login(client, "thanhtra")
        page = client.get(f"/documents/{doc['id']}").text
    assert doc["symbol"] in page or doc["id"] in page
    assert "Người ký" not in page and "—, " not in page
