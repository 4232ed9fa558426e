"""Helpers shared by the benchmark scripts: running the ``minhchung`` CLI, timing, tables, JSON output."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path


def minhchung_cmd() -> list[str]:
    """The CLI next to the running interpreter (the venv's), else on PATH, else through ``python -c``."""
    beside = Path(sys.executable).parent / "minhchung"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("minhchung")
    if found:
        return [found]
    return [sys.executable, "-c", "from pipelines.cli.main import main; main()"]


def children_cpu() -> float:
    """User + system CPU seconds of all waited-for child processes (and their waited descendants)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


@dataclass
class CliRun:
    argv: list[str]
    returncode: int
    wall: float                 # seconds, including interpreter start-up and imports
    cpu: float                  # CPU seconds of the CLI and every process it waited for
    stdout: str
    stderr: str
    summary: dict = field(default_factory=dict)  # the --json summary, when printed

    @property
    def in_process(self) -> float | None:
        """The summary's own ``seconds`` (time inside ``ingest()``), when the pipeline fills it in."""
        value = self.summary.get("seconds")
        return float(value) if isinstance(value, int | float) and value > 0 else None


def ingest_env(ocr_cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MINHCHUNG_OCR_CACHE"] = str(ocr_cache)
    env.pop("MINHCHUNG_HOME", None)
    return env


def run_ingest(home: Path, paths: Sequence[Path], ocr_cache: Path, args: Sequence[str] = (),
               jobs: int | None = None) -> CliRun:
    """``minhchung --home HOME ingest PATHS ARGS --json`` (exit 0 or 3 are both a finished batch)."""
    argv = [*minhchung_cmd(), "--home", str(home), "ingest", *map(str, paths), *args, "--json"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    cpu0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=ingest_env(ocr_cache), check=False)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    run = CliRun(argv, proc.returncode, wall, cpu, proc.stdout, proc.stderr)
    if proc.returncode in (0, 3):
        with suppress(json.JSONDecodeError):
            run.summary = json.loads(proc.stdout)
    return run


def check_ingest(run: CliRun, what: str) -> None:
    if run.returncode not in (0, 3) or not run.summary:
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"{what}: minhchung ingest failed (exit {run.returncode}):\n{tail}")


@contextmanager
def work_dir(given: Path | None, keep: bool, prefix: str) -> Iterator[Path]:
    """``given`` (created, kept) or a temporary folder removed afterwards unless ``keep``."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            print(f"work folder kept: {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def fresh(path: Path) -> Path:
    """An empty folder at ``path`` (whatever was there is removed)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def absent(path: Path) -> Path:
    """``path`` with whatever was there removed (a data home the CLI will create afresh)."""
    shutil.rmtree(path, ignore_errors=True)
    return path


def fmt(value: object, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def pct(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f} %"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "", left: int = 1) -> None:
    """A plain-text table; the first ``left`` columns are left-aligned, the rest right-aligned."""
    cells = [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) if i < left else v.rjust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()

    if title:
        print(f"\n{title}")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in cells:
        print(line(row))


def write_json(path: Path | None, data: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {path}")
