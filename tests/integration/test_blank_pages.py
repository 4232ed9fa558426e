"""Blank pages through the CLI: a scanned file with a separator sheet and the empty back of its last page
(pipelines/samples/blank.py) is done, its text page OCRed with the real engine, the two blank pages kept
without text and not OCRed, with the reason the user reads (Vietnamese by default, English with --lang en)."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
from clihelp import run_cli

from pipelines.i18n import translate
from pipelines.samples.blank import blank_sheet
from pipelines.samples.inbox import _image_pdf, scan_pages
from pipelines.samples.spec import load_specs


def test_blank_pages_are_recorded_as_blank_and_not_ocred(tmp_path):
    spec = load_specs()[5]
    (front, _), = scan_pages(spec, "clean", np.random.default_rng(12))[:1]
    rng = np.random.default_rng(13)
    separator, back = blank_sheet(front.size, "scan", rng), blank_sheet(front.size, "light", rng, front)
    folder = tmp_path / "in" / "Sở Tư pháp"
    folder.mkdir(parents=True)
    (folder / "ho so.pdf").write_bytes(_image_pdf([separator, front, back]))
    home = tmp_path / "home"
    out = json.loads(run_cli("--home", str(home), "ingest", str(tmp_path / "in"), "--unit-from-folder",
                             "--json").stdout)
    assert (out["pages_blank"], out["pages_ocr"] + out["pages_cached"], out["pages_failed"]) == (2, 1, 0)
    assert out["quarantined"] == [] and out["documents"] >= 1  # (classify/segment.py splits at the blank page)
    db = sqlite3.connect(home / "catalog.sqlite3")
    rows = db.execute("SELECT n, method, status, text, error_code, error FROM pages ORDER BY n").fetchall()
    assert [r[:3] for r in rows] == [(1, "none", "done"), (2, "ocr", "done"), (3, "none", "done")]
    assert rows[0][3] == rows[2][3] == "" and len(rows[1][3]) > 200
    assert rows[0][4:] == rows[2][4:] == ("page.blank", translate("page.blank", "en"))
    assert rows[1][4] is None
    assert db.execute("SELECT status FROM files").fetchone() == ("done",)
    assert translate("page.blank").startswith("Trang trắng")
