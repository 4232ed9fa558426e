"""Shared fixtures: the generated sample inbox and one ingest of it (real tesseract, real SQLite).

OCR results are cached by page-image digest in ``.cache/ocr`` (or $MINHCHUNG_OCR_CACHE), so a second
run of the suite OCRs nothing; tests that must see OCR really run point at an empty cache of their own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.samples.inbox import Manifest, generate_inbox

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("MINHCHUNG_OCR_CACHE", str(REPO / ".cache" / "ocr"))
CLI = [sys.executable, "-m", "pipelines"]


def run_cli(*args: str, env: dict | None = None, check_codes: tuple[int, ...] = (0, 3)) -> subprocess.CompletedProcess:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=1200)
    assert proc.returncode in check_codes, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


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
    shutil.copytree(ingested["home"], home)
    return home
