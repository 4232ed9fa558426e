"""OCR wall time, everything included: minhchung ingest vs bare pdftoppm + tesseract vs OCRmyPDF (issue 12).

Same pages, same run, side by side, each engine repeated (``--repeat``, rounds interleaved) with the
median and the spread (min–max) reported, for ``--jobs`` 1 and 2:

minhchung  ``minhchung --home FRESH ingest FOLDER --unit X --jobs J --json``, a fresh data home and a fresh
           temporary OCR cache (``MINHCHUNG_OCR_CACHE``): every page really OCRed. Wall time of the command,
           start-up, rasterising, cleaning, OCR, classification and commits included. Peak RSS of each
           worker and of the main process sampled from /proc (benchmarks/rss_probe.py).
bare       per page ``pdftoppm -r 300 -gray -f N -l N`` then ``tesseract PAGE.pgm - -l vie``, J pages at a
           time, ``OMP_THREAD_LIMIT=1`` (tesseract's OpenMP threads only slow two parallel runs down).
           Rasterising is timed (it is part of the job).
ocrmypdf   ``ocrmypdf --skip-text -l vie --jobs J --output-type pdf --optimize 0`` file after file
           (``--ocrmypdf``: its program, installed outside the project, e.g. a venv in /tmp).

Page sets (``--sets``): ``three``, three image PDFs made by the project's sample generator (documents 02,
04 and 11 scanned with the profiles scan, scan-skew and noisy: 9 A4 pages at 300 dpi); ``inbox``, the image-only
PDFs of the demo inbox (``minhchung samples``, zip members extracted: 16 pages).

CER any-order and strict (weighted by page length, as benchmarks/ocr_bench.py) of each engine's last run.
Targets: minhchung wall ≤ 0.85 × bare, OCRmyPDF wall ≥ 2.0 × minhchung.

    python benchmarks/ocr_speed.py --ocrmypdf /tmp/ocrmypdf-venv/bin/ocrmypdf --json bench-ocr-speed.json
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from _common import absent, children_cpu, fresh, ingest_env, minhchung_cmd, pct, print_table, work_dir, write_json
from ocr_bench import FOLDER, Doc, EngineRun, is_image_pdf, load_inbox, materialise, page_cers, pdf_pages, weighted_cer
from rss_probe import measured_ingest

from ingest.text import cer, cer_any_order, nfc, squash
from pipelines.samples.inbox import _image_pdf, scan_pages
from pipelines.samples.spec import load_specs

ENGINES = ("minhchung", "bare", "ocrmypdf")
THREE = (("02", "scan"), ("04", "scan-skew"), ("11", "noisy"))
UNIT = "Sở Nội vụ"
MAX_VS_BARE = 0.85
MIN_VS_OCRMYPDF = 2.0


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def three_pdfs(dest: Path, seed: int) -> list[Doc]:
    """The like-for-like set: three image PDFs of three pages from the sample generator."""
    specs = {s.name[:2]: s for s in load_specs()}
    docs = []
    for key, profile in THREE:
        pairs = scan_pages(specs[key], profile, np.random.default_rng([seed, int(key)]))
        rel = f"{UNIT}/{specs[key].name}.pdf"
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(_image_pdf([img for img, _ in pairs]))
        docs.append(Doc(rel, dest / rel, [page.lines for _, page in pairs]))
    return docs


def model_args(model: str | None) -> list[str]:
    """``ingest --lang MODEL`` when a tesseract model is asked for (``--model``), else the CLI's default."""
    return ["--lang", model] if model else []


def run_minhchung(docs: list[Doc], folder: Path, work: Path, jobs: int,
                  model: str | None = None) -> tuple[EngineRun, dict]:
    run = EngineRun("minhchung", jobs)
    home, cache = absent(work / "home"), fresh(work / "ocr-cache")
    argv = [*minhchung_cmd(), "--home", str(home), "ingest", str(folder), "--unit", UNIT, "--json", "--jobs", str(jobs),
            *model_args(model)]
    cpu0 = children_cpu()
    code, run.wall, peaks = measured_ingest(argv, ingest_env(cache), work / "ingest.json")
    run.cpu = children_cpu() - cpu0
    if code not in (0, 3):
        raise SystemExit(f"minhchung ingest failed (exit {code})")
    db = sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True)
    try:
        for i, doc in enumerate(docs):
            row = db.execute("SELECT sha256 FROM sources WHERE source=?", (nfc(f"{folder.name}/{doc.rel}"),)).fetchone()
            for n, text in db.execute("SELECT n, text FROM pages WHERE sha256=? ORDER BY n", (row[0],)):
                run.texts[(i, n)] = text or ""
        run.pages = db.execute("SELECT count(*) FROM pages WHERE method='ocr'").fetchone()[0]
    finally:
        db.close()
    return run, {"main_mb": peaks.main_kb / 1024, "worker_mb": peaks.workers_kb / 1024,
                 "tools_mb": {k: v / 1024 for k, v in peaks.tools_kb.items()}}


def bare_page(pdf: Path, n: int, out: Path, lang: str) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    stem = out / f"{pdf.stem}-{n}"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-f", str(n), "-l", str(n), "-singlefile", str(pdf),
                    str(stem)], check=True, env=env)
    proc = subprocess.run(["tesseract", f"{stem}.pgm", "-", "-l", lang], capture_output=True, env=env, check=True)
    return nfc(proc.stdout.decode("utf-8", "replace"))


def run_bare(docs: list[Doc], work: Path, jobs: int, lang: str) -> EngineRun:
    run = EngineRun("bare", jobs)
    out = fresh(work / "bare")
    keys = [(i, n) for i, doc in enumerate(docs) for n in range(1, len(doc.truth) + 1)]
    cpu0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        texts = list(pool.map(lambda k: bare_page(docs[k[0]].pdf, k[1], out, lang), keys))
    run.wall, run.cpu = time.perf_counter() - t0, children_cpu() - cpu0
    run.texts = dict(zip(keys, texts, strict=True))
    run.pages = len(keys)
    return run


def run_ocrmypdf(cmd: str, docs: list[Doc], work: Path, jobs: int, lang: str) -> EngineRun:
    run = EngineRun("ocrmypdf", jobs)
    out = fresh(work / "ocrmypdf")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cpu0, t0 = children_cpu(), time.perf_counter()
    for i, doc in enumerate(docs):
        proc = subprocess.run([cmd, "--skip-text", "-l", lang, "--jobs", str(jobs), "--output-type", "pdf",
                               "--optimize", "0", "-q", str(doc.pdf), str(out / f"{i}.pdf")],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"ocrmypdf failed on {doc.rel}: {(proc.stderr or proc.stdout)[-400:]}")
    run.wall, run.cpu = time.perf_counter() - t0, children_cpu() - cpu0
    for i, doc in enumerate(docs):
        for n, text in enumerate(pdf_pages(out / f"{i}.pdf", len(doc.truth), "raw"), 1):
            run.texts[(i, n)] = text
        run.pages += len(doc.truth)
    return run


def summarise(runs: list[EngineRun], docs: list[Doc], memory: list[dict]) -> dict:
    walls = [r.wall for r in runs]
    last = runs[-1]
    any_order, strict = weighted_cer(page_cers(docs, last))
    wall = statistics.median(walls)
    per_min = last.pages / wall * 60
    out = {"pages": last.pages, "jobs": last.jobs, "walls_s": [round(w, 2) for w in walls], "wall_s": round(wall, 2),
           "spread_s": round(max(walls) - min(walls), 2), "cpu_s": round(statistics.median(r.cpu for r in runs), 2),
           "pages_per_min": per_min, "pages_per_min_per_core": per_min / last.jobs,
           "cer_any_order": any_order, "cer_strict": strict}
    if memory:
        out["peak_worker_mb"] = max(m["worker_mb"] for m in memory)
        out["peak_main_mb"] = max(m["main_mb"] for m in memory)
    return out


def bench(name: str, docs: list[Doc], folder: Path, work: Path, a: argparse.Namespace) -> dict:
    results: dict = {}
    for jobs in a.jobs:
        runs: dict[str, list[EngineRun]] = {e: [] for e in a.engines}
        memory: list[dict] = []
        loads = [uptime()]
        for r in range(a.repeat):
            for engine in a.engines:
                print(f"[{name} jobs={jobs} round {r + 1}/{a.repeat}] {engine} ...", file=sys.stderr)
                if engine == "minhchung":
                    run, mem = run_minhchung(docs, folder, work, jobs, a.model)
                    memory.append(mem)
                elif engine == "bare":
                    run = run_bare(docs, work, jobs, a.lang)
                else:
                    run = run_ocrmypdf(a.ocrmypdf, docs, work, jobs, a.lang)
                runs[engine].append(run)
            loads.append(uptime())
        figs = {e: summarise(rs, docs, memory if e == "minhchung" else []) for e, rs in runs.items()}
        results[str(jobs)] = {"engines": figs, "uptime": loads}
    return results


def report(name: str, results: dict) -> list[list[str]]:
    rows, goals = [], []
    for jobs, res in results.items():
        figs = res["engines"]
        for engine, f in figs.items():
            walls = f["walls_s"]
            rows.append([engine, jobs, str(f["pages"]), f"{f['wall_s']:.1f}", f"{min(walls):.1f}–{max(walls):.1f}",
                         f"{f['cpu_s']:.1f}", f"{f['pages_per_min']:.1f}", f"{f['pages_per_min_per_core']:.1f}",
                         pct(f["cer_any_order"]), pct(f["cer_strict"]),
                         f"{f['peak_worker_mb']:.0f} / {f['peak_main_mb']:.0f}" if "peak_worker_mb" in f else "-"])
        mc = figs.get("minhchung")
        if mc and "bare" in figs:
            ratio = mc["wall_s"] / figs["bare"]["wall_s"]
            goals.append([f"{name} jobs={jobs}: minhchung / bare wall", f"{ratio:.2f}×", f"≤ {MAX_VS_BARE}×",
                          "yes" if ratio <= MAX_VS_BARE else "NO"])
        if mc and "ocrmypdf" in figs:
            ratio = figs["ocrmypdf"]["wall_s"] / mc["wall_s"]
            goals.append([f"{name} jobs={jobs}: OCRmyPDF / minhchung wall", f"{ratio:.2f}×", f"≥ {MIN_VS_OCRMYPDF}×",
                          "yes" if ratio >= MIN_VS_OCRMYPDF else "NO"])
        for line in res["uptime"]:
            print(f"  uptime ({name}, jobs={jobs}): {line}")
    heads = ["engine", "jobs", "pages", "wall s (median)", "spread", "cpu s", "pages/min", "pages/min/core",
             "CER any-order", "CER strict", "peak MB worker / main"]
    print_table(heads, rows, f"{name}: wall time, everything included")
    return goals


def inbox_cer(work: Path, inbox: Path, seed: int, jobs: int, model: str | None = None) -> dict:
    """The whole demo inbox ingested once (cold cache): CER any-order and strict over every OCR page, per
    degradation profile and overall (the figure tests/integration/test_ingest.py bounds), and the wall time."""
    from pipelines.samples.inbox import generate_inbox  # the manifest with the profiles (cached files reused)

    manifest = generate_inbox(fresh(work / "inbox-cer"), seed)
    home, cache = absent(work / "cer-home"), fresh(work / "cer-cache")
    argv = [*minhchung_cmd(), "--home", str(home), "ingest", str(work / "inbox-cer"), "--unit-from-folder",
            "--json", "--jobs", str(jobs), *model_args(model)]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=ingest_env(cache), check=False)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 3):
        raise SystemExit(f"minhchung ingest of the inbox failed: {proc.stderr[-400:]}")
    db = sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True)
    acc: dict[str, list[float]] = {}
    try:
        for f in manifest.good:
            sha = db.execute("SELECT sha256 FROM sources WHERE source=?", (nfc(f"inbox-cer/{f.path}"),)).fetchone()[0]
            for n, page in enumerate(f.pages, 1):
                if page.digital:
                    continue
                text = db.execute("SELECT text FROM pages WHERE sha256=? AND n=?", (sha, n)).fetchone()[0] or ""
                size = len(squash(" ".join(page.lines)))
                for key in (page.profile, "all"):
                    row = acc.setdefault(key, [0.0, 0.0, 0, 0])
                    row[0] += cer_any_order(page.lines, text) * size
                    row[1] += cer("\n".join(page.lines), text) * size
                    row[2] += size
                    row[3] += 1
    finally:
        db.close()
    rows = [[k, str(v[3]), str(v[2]), pct(v[0] / v[2]), pct(v[1] / v[2])] for k, v in sorted(acc.items())]
    print_table(["profile", "pages", "chars", "CER any-order", "CER strict"], rows,
                f"whole demo inbox, {acc['all'][3]} OCR pages, ingest --jobs {jobs} {wall:.1f} s (cold cache)")
    return {"wall_s": wall, "profiles": {k: {"pages": v[3], "chars": v[2], "cer_any_order": v[0] / v[2],
                                             "cer_strict": v[1] / v[2]} for k, v in acc.items()}}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="three,inbox", help="comma list of three, inbox")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma list of {', '.join(ENGINES)}")
    ap.add_argument("--jobs", default="1,2", help="comma list of process counts (default 1,2)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lang", default="vie", help="the bare tesseract's and OCRmyPDF's model (default vie)")
    ap.add_argument("--model", help="minhchung's tesseract model (ingest --lang; default: the CLI's, vie)")
    ap.add_argument("--ocrmypdf", default="/tmp/ocrmypdf-venv/bin/ocrmypdf", help="the OCRmyPDF program")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--inbox", type=Path, help="where the demo inbox is (re)generated (default: in the work folder)")
    ap.add_argument("--work", type=Path)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--inbox-cer", action="store_true", help="only the whole inbox's CER per profile (one ingest)")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    a.sets = [s for s in a.sets.split(",") if s]
    a.engines = [e for e in a.engines.split(",") if e]
    a.jobs = [int(j) for j in a.jobs.split(",") if j]
    if "ocrmypdf" in a.engines and not Path(a.ocrmypdf).exists():
        ap.error(f"no OCRmyPDF at {a.ocrmypdf} (python3 -m venv /tmp/ocrmypdf-venv && "
                 "/tmp/ocrmypdf-venv/bin/pip install ocrmypdf==17.13.0), or leave it out with --engines")
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    out: dict = {"benchmark": "ocr_speed", "repeat": a.repeat, "sets": {}}
    goals: list[list[str]] = []
    with work_dir(a.work, a.keep, "minhchung-ocr-speed-") as work:
        if a.inbox_cer:
            out["inbox_cer"] = inbox_cer(work, (a.inbox or work / "inbox").resolve(), a.seed, max(a.jobs), a.model)
            a.sets = []
        for name in a.sets:
            folder = fresh(work / f"{name}-{FOLDER}")
            if name == "three":
                docs = three_pdfs(folder, a.seed)
            else:
                inbox = (a.inbox or work / "inbox").resolve()
                files = [f for f in load_inbox(inbox, a.seed) if is_image_pdf(f, True)]
                docs = materialise(inbox, files, folder)
                for doc in docs:  # one unit folder, as --unit gives it
                    target = folder / UNIT / doc.rel.replace("/", "_")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    doc.pdf.rename(target)
                    doc.rel, doc.pdf = f"{UNIT}/{target.name}", target
            print(f"{name}: {len(docs)} image PDFs, {sum(len(d.truth) for d in docs)} pages", file=sys.stderr)
            results = bench(name, docs, folder, work, a)
            out["sets"][name] = results
            goals += report(name, results)
    print_table(["target", "figure", "goal", "met?"], goals, "Targets (median wall times)")
    out["targets"] = goals
    write_json(a.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
