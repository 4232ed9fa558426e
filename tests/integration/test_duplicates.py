"""Near-duplicates through the real pipeline: the Krông Pắc plan 245/KH-UBND rendered twice with other
degradations (a scan, then a rescan in uneven light: other bytes, same facts), and another document of the same
issuer on the same day. Ingested by the CLI with real tesseract; then export, status, the gap report and the
web pages must flag the rescan once, and never the other document."""

from __future__ import annotations

import io
import json
from contextlib import closing
from dataclasses import replace

import numpy as np
import pytest
from clihelp import run_cli
from fastapi.testclient import TestClient
from web_support import copy_home, login

from pipelines.catalog.db import connect
from pipelines.catalog.duplicates import jaccard, key, shingles
from pipelines.samples.inbox import scan_pages
from pipelines.samples.spec import load_specs
from pipelines.services.gaps import build_report

UNIT = "UBND huyện Krông Pắc"


def _pdf(spec, profile: str, seed: int) -> bytes:
    images = [img for img, _ in scan_pages(spec, profile, np.random.default_rng(seed))]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=300, save_all=True, append_images=images[1:], quality=80)
    return buf.getvalue()


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("dup")
    specs = {s.name[:2]: s for s in load_specs()}
    plan = specs["07"]
    # another document of the same issuer, issued the same day: must never be taken for a copy
    same_day = replace(specs["08"], place_date=plan.place_date)
    folder = root / "inbox" / UNIT
    folder.mkdir(parents=True)
    (folder / "KH 245 ban quet.pdf").write_bytes(_pdf(plan, "scan", 1))
    (folder / "KH 245 quet lai.pdf").write_bytes(_pdf(plan, "light", 2))
    (folder / "BC 186 cung ngay.pdf").write_bytes(_pdf(same_day, "scan", 3))
    home = root / "home"
    for name in ("KH 245 ban quet.pdf", "KH 245 quet lai.pdf", "BC 186 cung ngay.pdf"):  # received in this order
        run_cli("--home", str(home), "ingest", str(folder / name), "--unit", UNIT, check_codes=(0,))
    lines = [json.loads(line) for line in run_cli("--home", str(home), "export").stdout.splitlines()]
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in lines}
    return {"home": home, "root": root, "docs": docs}


def test_the_rescan_is_read_as_the_same_document_with_other_bytes(pair):
    first, again, other = (pair["docs"][n] for n in ("KH 245 ban quet.pdf", "KH 245 quet lai.pdf",
                                                      "BC 186 cung ngay.pdf"))
    assert first["sha256"] != again["sha256"]
    # OCR read the first scan's "Số: 245KH-UBND" (the slash lost): the symbol is still read as 245/KH-UBND
    assert key(first["symbol"]) == key(again["symbol"]) == "245khubnd"
    assert first["issued"] == again["issued"] == other["issued"] and first["issuer"] == other["issuer"]
    text = {n: shingles("\n".join(p["text"] for p in d["pages"])) for n, d in pair["docs"].items()}
    assert jaccard(text["KH 245 ban quet.pdf"], text["KH 245 quet lai.pdf"]) >= 0.6
    assert jaccard(text["KH 245 ban quet.pdf"], text["BC 186 cung ngay.pdf"]) < 0.1


def test_export_flags_the_later_copy_and_lists_the_pair_both_ways(pair):
    first, again, other = (pair["docs"][n] for n in ("KH 245 ban quet.pdf", "KH 245 quet lai.pdf",
                                                      "BC 186 cung ngay.pdf"))
    assert (first["duplicates"], first["duplicate_of"]) == ([again["id"]], None)
    assert (again["duplicates"], again["duplicate_of"]) == ([first["id"]], first["id"])
    assert (other["duplicates"], other["duplicate_of"]) == ([], None)
    assert list(again)[-2:] == ["duplicates", "duplicate_of"]  # added at the end of the contract


def test_status_lists_the_copy(pair):
    status = json.loads(run_cli("--home", str(pair["home"]), "status", "--json").stdout)
    (copy,) = status["duplicates"]
    again, first = pair["docs"]["KH 245 quet lai.pdf"], pair["docs"]["KH 245 ban quet.pdf"]
    assert (copy["doc"], copy["duplicate_of"], copy["unit"]) == (again["id"], first["id"], UNIT)
    assert copy["source"].endswith("KH 245 quet lai.pdf") and copy["source_of"].endswith("KH 245 ban quet.pdf")
    table = run_cli("--home", str(pair["home"]), "status").stdout
    assert "Có thể trùng" in table and again["id"] in table


def test_the_gap_report_counts_the_copy_once(pair):
    again = pair["docs"]["KH 245 quet lai.pdf"]["id"]
    with closing(connect(pair["home"] / "catalog.sqlite3")) as db:
        report = build_report(db)
    row = report.unit_gaps(UNIT)
    assert row is not None and row.documents == 2  # the plan once, and the report
    used = {e.doc.id for c in row.cells for e in c.evidence} | {d.id for d in report.unmatched}
    assert again not in used and pair["docs"]["KH 245 ban quet.pdf"]["id"] in used


def test_the_web_pages_say_may_be_the_same_and_link_the_other(pair, tmp_path):
    from pipelines.services.config import Config
    from pipelines.web.app import create_app

    home = copy_home(pair["home"], tmp_path / "home")
    first, again = pair["docs"]["KH 245 ban quet.pdf"]["id"], pair["docs"]["KH 245 quet lai.pdf"]["id"]
    other = pair["docs"]["BC 186 cung ngay.pdf"]["id"]
    app = create_app(Config(home), intake_jobs=1)
    with TestClient(app, follow_redirects=False) as client:
        login(client, "thanhtra")
        page = client.get(f"/documents/{again}").text
        assert "Có thể trùng với" in page and f'href="/documents/{first}"' in page and "bản nhận trước" in page
        assert f'href="/documents/{again}"' in client.get(f"/documents/{first}").text
        assert "Có thể trùng với" not in client.get(f"/documents/{other}").text
        results = client.get("/search", params={"q": "công khai bản kê khai tài sản"}).text
        assert results.count('class="dup"') == 2 and f'href="/documents/{first}"' in results
        api = client.get(f"/api/documents/{again}").json()
        assert (api["duplicates"], api["duplicate_of"]) == ([first], first)
    app.state.web.intake.stop()
