"""What tests share besides fixtures (importable from every test folder: ``pythonpath = ["tests"]``): the
repository root and the command line run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("MINHCHUNG_OCR_CACHE", str(REPO / ".cache" / "ocr"))
CLI = [sys.executable, "-m", "pipelines"]


def run_cli(*args: str, env: dict | None = None, check_codes: tuple[int, ...] = (0, 3)) -> subprocess.CompletedProcess:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=1200)
    assert proc.returncode in check_codes, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def copy_data_home(source: Path, target: Path) -> None:
    """Copy a data home that other processes may have open: the files as they are, the catalog through
    SQLite's backup API (a copy of ``catalog.sqlite3`` and its ``-wal`` file races with a connection that
    closes meanwhile and checkpoints the WAL away)."""
    import shutil
    import sqlite3
    from contextlib import closing

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("catalog.sqlite3*"))
    with closing(sqlite3.connect(source / "catalog.sqlite3")) as src, \
            closing(sqlite3.connect(target / "catalog.sqlite3")) as dst:
        src.backup(dst)
