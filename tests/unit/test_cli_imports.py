"""Every CLI command pays for the CLI's imports: Celery and FastAPI (0.6 s of 1.1 s on the loaded machine,
BENCHMARKS.md "OCR speed, second round") are imported only by the commands that use them."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_neither_celery_nor_the_web_framework():
    code = "import sys, pipelines.cli.main; print(sorted({'celery', 'kombu', 'fastapi'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
