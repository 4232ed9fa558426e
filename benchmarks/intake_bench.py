"""Intake without OCR work: born-digital speed, re-run of an unchanged inbox, memory against batch size.

Sub-benchmarks (``--only``, default all), each on a fresh data home and its own fresh OCR cache:

born-digital  N born-digital PDF pages (``--n``, default 200: the specs' ``digital_pdf()`` pages repeated,
              in ``--files`` PDFs, default 20, one unit folder), ``minhchung ingest --unit X --json``.
              Figure: text-layer pages per second.                                Target: ≥ 50 pages/s.
rerun         ``--rerun-files`` (default 1,000) distinct one-page born-digital PDFs in four unit folders,
              ingested once (not timed), then the same unchanged inbox ingested again (timed, ``--repeat``
              times, median). Figure: seconds of the second ingest.              Target: ≤ 1 s.
rss           peak RSS of ``minhchung ingest`` for 10 vs 200 one-page image PDFs (``--rss-docs``): the same
              scanned page under distinct file contents, with an OCR cache warmed beforehand in a
              throwaway home, so pages are rasterised and looked up but not OCRed. Figures: peak of the main
              process and of the workers (VmHWM sampled from /proc every 20 ms), and the largest single
              process of the whole tree (``/usr/bin/time -v``; wait4's ru_maxrss without it, which on Linux
              also counts this script's own size when it forked the CLI, so treat that figure with care).
              Target: flat (the larger batch's peak ≤ the smaller's × (1 + ``--flat-tolerance``, 0.2)).

Seconds are given two ways, each judged against the target on its own row: the CLI's wall time (Python
start-up and imports included: what a clerk waits) and the time inside ``ingest()`` from the summary's
``seconds`` field when the pipeline fills it in, else the wall time less the start-up of ``minhchung --help``
(the row says which).

Full run:     python benchmarks/intake_bench.py --json bench-intake.json
Quick check:  python benchmarks/intake_bench.py --quick
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import (
    CliRun,
    absent,
    check_ingest,
    fmt,
    fresh,
    ingest_env,
    minhchung_cmd,
    print_table,
    run_ingest,
    work_dir,
    write_json,
)
from pypdf import PdfReader, PdfWriter
from rss_probe import measured_ingest

BENCHES = ("born-digital", "rerun", "rss")
UNITS = ("Sở Nội vụ", "Sở Tư pháp", "UBND huyện Krông Pắc", "Công an tỉnh")
MIN_PAGES_PER_S = 50.0
MAX_RERUN_S = 1.0

Row = tuple[str, str, str, str, bool | None]  # benchmark, figure name, value, target, met?


@dataclass
class Timing:
    wall: float
    in_process: float | None
    startup: float

    @property
    def inner(self) -> tuple[float, str]:
        """Seconds inside the pipeline and how they were obtained."""
        if self.in_process is not None:
            return self.in_process, "in-process (summary.seconds)"
        return max(self.wall - self.startup, 1e-6), "wall − CLI start-up (an estimate: summary.seconds not set)"


def timing(run: CliRun, startup: float) -> Timing:
    return Timing(run.wall, run.in_process, startup)


def cli_startup(repeat: int = 3) -> float:
    """Median wall seconds of ``minhchung --help`` (interpreter start-up and the CLI's imports)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([*minhchung_cmd(), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# --- born-digital -----------------------------------------------------------------------------------------

def spec_pdfs() -> list[PdfReader]:
    from pipelines.samples.digital import digital_pdf
    from pipelines.samples.spec import load_specs

    return [PdfReader(io.BytesIO(digital_pdf(spec))) for spec in load_specs()]


def split(total: int, parts: int) -> list[int]:
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def make_born_digital(dest: Path, pages: int, files: int) -> int:
    """``pages`` born-digital pages in ``files`` PDFs under ``dest``; distinct files (each has its own title)."""
    pool = [(reader, k) for reader in spec_pdfs() for k in range(len(reader.pages))]
    cursor = 0
    for i, size in enumerate(split(pages, files), 1):
        writer = PdfWriter()
        for _ in range(size):
            reader, k = pool[cursor % len(pool)]
            writer.add_page(reader.pages[k])
            cursor += 1
        writer.add_metadata({"/Title": f"Hồ sơ minh chứng số {i:03d}"})
        with open(dest / f"Ho so minh chung {i:03d}.pdf", "wb") as fh:
            writer.write(fh)
    return cursor


def bench_born_digital(work: Path, pages: int, files: int, jobs: int | None, startup: float) -> tuple[dict, list]:
    unit = UNITS[0]
    folder = fresh(work / "born-digital" / unit)
    made = make_born_digital(folder, pages, files)
    home, cache = absent(work / "born-digital-home"), fresh(work / "born-digital-cache")
    run = run_ingest(home, [folder], cache, ["--unit", unit], jobs)
    check_ingest(run, "born-digital")
    t = timing(run, startup)
    text = int(run.summary.get("pages_text", 0))
    inner, how = t.inner
    fig = {"pages_made": made, "files": len(split(pages, files)), "pages_text": text,
           "pages_ocr": run.summary.get("pages_ocr"), "wall_s": run.wall, "cpu_s": run.cpu,
           "in_process_s": t.in_process, "startup_s": startup, "pages_per_s_wall": text / run.wall,
           "pages_per_s_inner": text / inner, "inner_basis": how}
    rows: list[Row] = [
        ("born-digital", f"text-layer pages/s, CLI wall ({text} pages, {run.wall:.2f} s)",
         f"{text / run.wall:.1f}", f"≥ {MIN_PAGES_PER_S:.0f}", text / run.wall >= MIN_PAGES_PER_S),
        ("born-digital", f"text-layer pages/s, {how}", f"{text / inner:.1f}", f"≥ {MIN_PAGES_PER_S:.0f}",
         text / inner >= MIN_PAGES_PER_S),
    ]
    if text != made or run.summary.get("pages_ocr"):
        rows.append(("born-digital", "WARNING: pages not read from the text layer",
                     f"{made - text} of {made}", "0", False))
    return fig, rows


# --- rerun ------------------------------------------------------------------------------------------------

def tiny_pdf(i: int) -> bytes:
    """A one-page born-digital letter whose text carries its number (core font: ASCII only, fast)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, f"UY BAN NHAN DAN HUYEN KRONG PAC\nSo: {i}/UBND-NV\n"
                         f"V/v bao cao ket qua cong tac phong, chong tham nhung, tieu cuc nam 2024 (van ban {i}).\n"
                         f"Kinh gui: Thanh tra tinh Dak Lak. Ho so minh chung so {i:05d}.")
    return bytes(pdf.output())


def make_small_files(root: Path, count: int) -> None:
    for i in range(count):
        folder = root / UNITS[i % len(UNITS)]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"CV {i:05d}-UBND-NV.pdf").write_bytes(tiny_pdf(i))


def bench_rerun(work: Path, count: int, repeat: int, jobs: int | None, startup: float) -> tuple[dict, list]:
    inbox = fresh(work / "rerun" / "inbox")
    make_small_files(inbox, count)
    home, cache = absent(work / "rerun-home"), fresh(work / "rerun-cache")
    first = run_ingest(home, [inbox], cache, ["--unit-from-folder"], jobs)
    check_ingest(first, "rerun (first ingest)")
    runs = []
    for _ in range(max(1, repeat)):
        runs.append(run_ingest(home, [inbox], cache, ["--unit-from-folder"], jobs))
        check_ingest(runs[-1], "rerun (second ingest)")
    walls = [r.wall for r in runs]
    wall = statistics.median(walls)
    inners = [timing(r, startup).inner for r in runs]
    inner, how = statistics.median(x for x, _ in inners), inners[0][1]
    last = runs[-1].summary
    fig = {"files": count, "first_wall_s": first.wall, "first_summary": {k: first.summary.get(k) for k in
           ("new_files", "pages_text", "pages_ocr", "pages_cached")}, "rerun_wall_s": walls,
           "rerun_in_process_s": [r.in_process for r in runs], "rerun_wall_median_s": wall,
           "rerun_inner_median_s": inner, "inner_basis": how, "startup_s": startup,
           "rerun_unchanged": last.get("unchanged"), "rerun_new_files": last.get("new_files")}
    rows: list[Row] = [
        ("rerun", f"second ingest of {count} unchanged files, CLI wall s (median of {len(runs)})", f"{wall:.3f}",
         f"≤ {MAX_RERUN_S:g}", wall <= MAX_RERUN_S),
        ("rerun", f"second ingest, {how}", f"{inner:.3f}", f"≤ {MAX_RERUN_S:g}", inner <= MAX_RERUN_S),
        ("rerun", "first ingest (not a target), CLI wall s", f"{first.wall:.2f}", "-", None),
    ]
    if last.get("unchanged") != count or last.get("new_files"):
        rows.append(("rerun", "WARNING: files not seen as unchanged", f"{count - (last.get('unchanged') or 0)}",
                     "0", False))
    return fig, rows


# --- rss --------------------------------------------------------------------------------------------------

def scanned_page_pdf(seed: int) -> bytes:
    import numpy as np

    from pipelines.samples.inbox import _image_pdf, scan_pages
    from pipelines.samples.spec import load_specs

    image, _ = scan_pages(load_specs()[0], "clean", np.random.default_rng(seed))[0]
    return _image_pdf([image])


def make_image_docs(dest: Path, base: bytes, count: int) -> None:
    """``count`` one-page image PDFs: the same page raster, distinct files (their titles differ)."""
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
        writer.add_metadata({"/Title": f"Bản scan số {i:04d}"})
        with open(dest / f"Ban scan {i:04d}.pdf", "wb") as fh:
            writer.write(fh)


def rss_run(work: Path, base: bytes, count: int, cache: Path, jobs: int) -> dict:
    folder = fresh(work / f"rss-{count}") / UNITS[0]
    make_image_docs(folder, base, count)
    home = absent(work / f"rss-{count}-home")
    argv = [*minhchung_cmd(), "--home", str(home), "ingest", str(folder), "--unit", UNITS[0], "--json",
            "--jobs", str(jobs)]
    code, wall, peaks = measured_ingest(argv, ingest_env(cache), work / f"rss-{count}.json")
    if code not in (0, 3):
        raise SystemExit(f"rss: minhchung ingest of {count} documents failed (exit {code})")
    summary = json.loads((work / f"rss-{count}.json").read_text(encoding="utf-8"))
    return {"documents": count, "wall_s": wall, "main_mb": peaks.main_kb / 1024,
            "workers_mb": peaks.workers_kb / 1024, "tree_mb": peaks.tree_kb / 1024,
            "tools_mb": {k: v / 1024 for k, v in sorted(peaks.tools_kb.items())},
            "tree_basis": peaks.tree_basis, "child_processes_seen": len(peaks.processes),
            "pages_cached": summary.get("pages_cached"), "pages_ocr": summary.get("pages_ocr")}


def bench_rss(work: Path, sizes: list[int], jobs: int, tolerance: float, seed: int) -> tuple[dict, list]:
    base = scanned_page_pdf(seed)
    cache = fresh(work / "rss-cache")
    warm_folder = fresh(work / "rss-warm") / UNITS[0]
    make_image_docs(warm_folder, base, 1)
    warm = run_ingest(absent(work / "rss-warm-home"), [warm_folder], cache, ["--unit", UNITS[0]], 1)
    check_ingest(warm, "rss (warming the OCR cache)")
    results = [rss_run(work, base, n, cache, jobs) for n in sizes]
    small, big = results[0], results[-1]
    rows: list[Row] = []
    for key, label in (("main_mb", "main process"), ("workers_mb", "workers"), ("tree_mb", "process tree max")):
        growth = big[key] / small[key] - 1 if small[key] else None
        value = f"{small[key]:.0f} → {big[key]:.0f} MB" + ("" if growth is None else f" ({growth * 100:+.0f} %)")
        rows.append(("rss", f"peak RSS {label}, {small['documents']} → {big['documents']} documents", value,
                     f"flat (≤ +{tolerance * 100:.0f} %)", None if growth is None else growth <= tolerance))
    for r in results:
        if r["pages_ocr"]:
            rows.append(("rss", f"WARNING: {r['pages_ocr']} pages OCRed at {r['documents']} documents "
                         "(cache not warm)", str(r["pages_ocr"]), "0", False))
    return {"jobs": jobs, "warm_up": warm.summary, "runs": results}, rows


# --- main -------------------------------------------------------------------------------------------------

def report(rows: list[Row], figs: dict) -> None:
    print_table(["benchmark", "figure", "value", "target", "met?"],
                [[b, f, v, t, "-" if m is None else fmt(m)] for b, f, v, t, m in rows], "Intake benchmarks", left=2)
    if "rss" in figs:
        print_table(["documents", "wall s", "main MB", "workers MB", "tree max MB", "tools MB", "cached pages"],
                    [[r["documents"], f"{r['wall_s']:.1f}", f"{r['main_mb']:.0f}", f"{r['workers_mb']:.0f}",
                      f"{r['tree_mb']:.0f}", ", ".join(f"{k} {v:.0f}" for k, v in r["tools_mb"].items()) or "-",
                      r["pages_cached"]] for r in figs["rss"]["runs"]], "Peak RSS per run")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=BENCHES, action="append", help="run only this one (repeatable)")
    ap.add_argument("--n", type=int, default=None, help="born-digital pages (default 200)")
    ap.add_argument("--files", type=int, default=None, help="born-digital PDFs holding them (default 20)")
    ap.add_argument("--rerun-files", type=int, default=None, help="files in the re-run inbox (default 1000)")
    ap.add_argument("--repeat", type=int, default=None, help="timed re-runs, the median is reported (default 3)")
    ap.add_argument("--rss-docs", default=None, help="comma list of batch sizes (default 10,200)")
    ap.add_argument("--flat-tolerance", type=float, default=0.2, help="rss: allowed growth (default 0.2 = 20 %%)")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for minhchung (default: its own; rss: 2)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--work", type=Path, help="work folder (kept; default a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    ap.add_argument("--quick", action="store_true", help="small sizes: 20 pages in 4 files, 50 files, 3 vs 10 docs")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    quick = {"n": 20, "files": 4, "rerun_files": 50, "repeat": 2, "rss_docs": "3,10"}
    full = {"n": 200, "files": 20, "rerun_files": 1000, "repeat": 3, "rss_docs": "10,200"}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.rss_docs = sorted(int(x) for x in str(args.rss_docs).split(",") if x.strip())
    if len(args.rss_docs) < 2:
        ap.error("--rss-docs needs at least two sizes, e.g. 10,200")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = args.only or list(BENCHES)
    figs: dict = {}
    rows: list[Row] = []
    with work_dir(args.work, args.keep, "minhchung-intake-bench-") as work:
        startup = cli_startup()
        figs["cli_startup_s"] = startup
        benches: dict[str, Callable[[], tuple[dict, list]]] = {
            "born-digital": lambda: bench_born_digital(work, args.n, args.files, args.jobs, startup),
            "rerun": lambda: bench_rerun(work, args.rerun_files, args.repeat, args.jobs, startup),
            "rss": lambda: bench_rss(work, args.rss_docs, args.jobs or 2, args.flat_tolerance, args.seed),
        }
        for name in BENCHES:
            if name in chosen:
                print(f"running {name} ...", file=sys.stderr)
                figs[name], new_rows = benches[name]()
                rows += new_rows
    print(f"CLI start-up (minhchung --help, median of 3): {startup:.2f} s")
    report(rows, figs)
    write_json(args.json, {"benchmark": "intake", "figures": figs,
                           "table": [{"benchmark": b, "figure": f, "value": v, "target": t, "met": m}
                                     for b, f, v, t, m in rows]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
