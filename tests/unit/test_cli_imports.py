"""Every CLI command pays for the CLI's imports: Celery and FastAPI (0.6 s of 1.1 s on the loaded machine,
BENCHMARKS.md "OCR speed, second round") are imported only by the commands that use them; spaCy (0.86 s) by
none. And none pays for the interpreter's last garbage collections (0.3 s after an ingest, "third round")."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_neither_celery_nor_the_web_framework():
    code = "import sys, pipelines.cli.main; print(sorted({'celery', 'kombu', 'fastapi', 'spacy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_command_leaves_its_objects_frozen_for_the_exit(tmp_path):  # a failing one too (no catalog here)
    code = ("import gc, sys; from pipelines.cli.main import main\n"
            "try:\n    main.main(args=sys.argv[1:], standalone_mode=False)\n"
            "finally:\n    print('frozen', gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", code, "--home", str(tmp_path / "home"), "documents", "--json"],
                         capture_output=True, text=True, check=False).stdout
    assert out.strip().endswith("frozen True"), out
