"""A court judgment and an indictment, rendered as scans with the project's generator, through the real pipeline
(tesseract OCR, classification, export): their own types, number and date, and the criminal-handling tag."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from clihelp import REPO, run_cli
from rapidfuzz.distance import Levenshtein

from pipelines.samples.inbox import PROFILES, _image_pdf
from pipelines.samples.plain import scan_plain

FIXTURES = REPO / "tests" / "fixtures" / "judicial"
SCANS = {  # fixture → (unit folder, type, symbol, date)
    "ban_an_hs_st": ("Tòa án nhân dân tỉnh", "BA", "12/2024/HS-ST", "2024-03-15"),
    "cao_trang": ("Viện kiểm sát nhân dân tỉnh", "CTG", "08/CT-VKS-P3", "2024-01-10"),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("judicial")
    inbox = root / "inbox"
    for n, (name, (unit, *_)) in enumerate(SCANS.items()):
        pages = scan_plain((FIXTURES / f"{name}.txt").read_text(encoding="utf-8"), PROFILES["scan"],
                           np.random.default_rng([15, n]))
        (inbox / unit).mkdir(parents=True)
        (inbox / unit / f"{name}.pdf").write_bytes(_image_pdf([img for img, _ in pages]))
    home = root / "home"
    run_cli("--home", str(home), "ingest", str(inbox), "--unit-from-folder", "--json", check_codes=(0,))
    out = run_cli("--home", str(home), "export", check_codes=(0,)).stdout
    records = [json.loads(line) for line in out.splitlines()]
    return {Path(r["source"]).stem: r for r in records if r["status"] == "done"}


@pytest.mark.parametrize("name", SCANS)
def test_scanned_judicial_documents_keep_their_own_type(exported: dict[str, dict], name: str) -> None:
    _, doc_type, symbol, issued = SCANS[name]
    record = exported[name]
    assert (record["doc_type"], record["issued"]) == (doc_type, issued), record["doc_type_why"]
    assert Levenshtein.distance(record["symbol"], symbol) <= 1, record["symbol"]  # OCR may misread a letter ("CI")
    assert record["doc_type"] != "CT"  # "CT" in a procuracy's number is a cáo trạng, not a chỉ thị
    assert "C.2.2" in [t["id"] for t in record["indicators"]]
