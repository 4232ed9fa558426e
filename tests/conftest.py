"""Shared fixtures: the generated sample inbox and one ingest of it (real tesseract, real SQLite).

OCR results are cached by page-image digest in ``.cache/ocr`` (or $MINHCHUNG_OCR_CACHE), so a second
run of the suite OCRs nothing; tests that must see OCR really run point at an empty cache of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clihelp import copy_data_home, run_cli  # (it also points MINHCHUNG_OCR_CACHE at the shared cache)

from pipelines.samples.inbox import Manifest, generate_inbox


@pytest.fixture(scope="session")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("samples") / "inbox"
    return root, generate_inbox(root)


@pytest.fixture(scope="session")
def ingested(inbox: tuple[Path, Manifest], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The whole sample inbox ingested once through the CLI."""
    root, manifest = inbox
    home = tmp_path_factory.mktemp("home")
    proc = run_cli("--home", str(home), "ingest", str(root), "--unit-from-folder", "--json", check_codes=(3,))
    return {"home": home, "summary": json.loads(proc.stdout), "root": root, "manifest": manifest,
            "stderr": proc.stderr}


@pytest.fixture
def home_copy(ingested, tmp_path: Path) -> Path:
    """A private copy of the ingested home, for tests that change it (corrections, reindex, imports)."""
    home = tmp_path / "home"
    copy_data_home(ingested["home"], home)
    return home
