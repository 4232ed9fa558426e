"""OCR speed and accuracy on the sample scans: the minhchung pipeline vs bare tesseract vs OCRmyPDF.

What it measures, in one run on the same pages: the image-only PDFs of the demo inbox
(``generate_inbox``; zip members are extracted to plain PDFs, ``--no-zip`` leaves them out):

(a) pipeline   ``minhchung ingest --unit-from-folder --jobs J`` on a folder of those PDFs, fresh home and
               fresh OCR cache (so every page is really OCRed); page text read back from the catalog.
(b) tesseract  the bare CLI ``tesseract IMG - -l Vietnamese --psm 3 -c tessedit_do_invert=0`` with
               ``OMP_THREAD_LIMIT=1``, J processes at a time, on PNGs of the same PDF pages made
               beforehand with ``pdftoppm -r 300 -png`` (rasterising is not timed).
(c) ocrmypdf   ``ocrmypdf --skip-text -l Vietnamese --jobs J --output-type pdf --optimize 0 IN OUT``
               file by file on the same PDFs; text from ``pdftotext -raw OUT -`` split on form feeds
               (``-raw`` keeps tesseract's line order: poppler's default order splits the lines of
               skewed scans, ~35 % CER; ``--pdftotext``); the CER of its ``--sidecar`` text is noted.

For each: pages, wall seconds, CPU seconds, pages/min, pages/min/core (÷ J), CER weighted by page length
(any-order: :func:`ingest.text.cer_any_order`, the main figure; strict: :func:`ingest.text.cer`), worst
page; then pipeline overhead over bare tesseract (seconds per page) and speed ratio over OCRmyPDF.
The pipeline also cleans pages (deskew, illumination, red seal) and retries low-confidence pages upside
down; bare tesseract and OCRmyPDF (no ``--rotate-pages``) do neither, which shows in their CER.

Targets (the met? column): CER any-order ≤ 1.0 % (the bound in tests/test_ingest.py), pipeline overhead
over bare tesseract ≤ 10 % (``--max-overhead``), pipeline pages/min ≥ 1.3× OCRmyPDF's (issue #2).

Full run (~26 pages, a few minutes on 2 cores):  python benchmarks/ocr_bench.py --json bench-ocr.json
Quick check:                                     python benchmarks/ocr_bench.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _common import absent, check_ingest, children_cpu, fmt, fresh, pct, print_table, run_ingest, work_dir, write_json

from ingest.text import cer, cer_any_order, nfc, squash

ENGINES = ("pipeline", "tesseract", "ocrmypdf")
FOLDER = "bench-in"  # the folder handed to the pipeline: sources are "bench-in/<unit>/<file>"
MAX_CER = 0.010


@dataclass
class Doc:
    rel: str                    # path under FOLDER, first part the unit
    pdf: Path
    truth: list[list[str]]      # ground-truth lines per page


@dataclass
class EngineRun:
    name: str
    jobs: int
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    in_process: float | None = None
    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # (doc index, page n) -> text
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)


# --- the inbox and the pages to compare -------------------------------------------------------------------

def manifest_path(inbox: Path) -> Path:
    return inbox.with_name(inbox.name + ".manifest.json")


def load_inbox(inbox: Path, seed: int) -> list[dict]:
    """The good files of the demo inbox at ``inbox`` (generated there unless a manifest of that seed exists)."""
    cached = manifest_path(inbox)
    if cached.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
        if data.get("seed") == seed and (inbox / data["files"][0]["path"].split(".zip/")[0]).exists():
            return data["files"]
    from pipelines.samples.inbox import generate_inbox

    print(f"generating the demo inbox into {inbox} (~35 s) ...", file=sys.stderr)
    manifest = generate_inbox(inbox, seed)
    files = [asdict(f) for f in manifest.good]
    cached.write_text(json.dumps({"seed": seed, "files": files}, ensure_ascii=False), encoding="utf-8")
    return files


def is_image_pdf(f: dict, include_zip: bool) -> bool:
    return (bool(f["pages"]) and f["path"].lower().endswith(".pdf") and not any(p["digital"] for p in f["pages"])
            and (include_zip or ".zip/" not in f["path"]))


def materialise(inbox: Path, files: list[dict], dest: Path) -> list[Doc]:
    """Copy (or extract from their zip) the chosen PDFs to ``dest/<unit>/...``."""
    docs = []
    for f in files:
        rel = f["path"].replace(".zip/", "/")
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if ".zip/" in f["path"]:
            archive, member = f["path"].split(".zip/", 1)
            with zipfile.ZipFile(inbox / f"{archive}.zip") as zf:
                target.write_bytes(zf.read(member))
        else:
            shutil.copyfile(inbox / f["path"], target)
        docs.append(Doc(rel, target, [p["lines"] for p in f["pages"]]))
    return docs


# --- (a) the pipeline -------------------------------------------------------------------------------------

def run_pipeline(docs: list[Doc], folder: Path, work: Path, jobs: int) -> EngineRun:
    result = EngineRun("pipeline", jobs)
    home, cache = absent(work / "home"), fresh(work / "ocr-cache")
    run = run_ingest(home, [folder], cache, ["--unit-from-folder"], jobs)
    check_ingest(run, "pipeline")
    result.wall, result.cpu, result.in_process = run.wall, run.cpu, run.in_process
    result.pages = int(run.summary.get("pages_ocr", 0))
    if run.summary.get("pages_cached"):
        result.notes.append(f"{run.summary['pages_cached']} pages came from the OCR cache")
    if run.summary.get("quarantined"):
        result.notes.append(f"quarantined: {[q['source'] for q in run.summary['quarantined']]}")
    db = sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True)
    try:
        for i, doc in enumerate(docs):
            row = db.execute("SELECT sha256 FROM sources WHERE source=?", (nfc(f"{FOLDER}/{doc.rel}"),)).fetchone()
            if row is None:
                result.notes.append(f"not in the catalog: {doc.rel}")
                continue
            for n, method, text in db.execute("SELECT n, method, text FROM pages WHERE sha256=? ORDER BY n",
                                              (row[0],)):
                result.texts[(i, n)] = text or ""
                if method != "ocr":
                    result.notes.append(f"{doc.rel} page {n}: method {method}")
    finally:
        db.close()
    return result


# --- (b) bare tesseract -----------------------------------------------------------------------------------

def rasterise(docs: list[Doc], dest: Path, dpi: int = 300) -> dict[tuple[int, int], Path]:
    """Every page as a PNG with ``pdftoppm -r DPI -png`` (not timed)."""
    pngs = {}
    for i, doc in enumerate(docs):
        out = fresh(dest / str(i))
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(doc.pdf), str(out / "p")], check=True)
        for png in out.glob("p-*.png"):
            pngs[(i, int(png.stem.rsplit("-", 1)[1]))] = png
    return pngs


def tesseract_page(png: Path, lang: str) -> tuple[str, str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(["tesseract", str(png), "-", "-l", lang, "--psm", "3", "-c", "tessedit_do_invert=0"],
                          capture_output=True, env=env, check=False)
    error = "" if proc.returncode == 0 else proc.stderr.decode("utf-8", "replace").strip()[-200:]
    return nfc(proc.stdout.decode("utf-8", "replace")), error


def run_tesseract(docs: list[Doc], work: Path, jobs: int, lang: str) -> EngineRun:
    result = EngineRun("tesseract", jobs)
    pngs = rasterise(docs, fresh(work / "png"))
    keys = sorted(pngs)
    cpu0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outputs = list(pool.map(lambda k: tesseract_page(pngs[k], lang), keys))
    result.wall, result.cpu = time.perf_counter() - t0, children_cpu() - cpu0
    for key, (text, error) in zip(keys, outputs, strict=True):
        result.texts[key] = text
        if error:
            result.notes.append(f"{docs[key[0]].rel} page {key[1]}: {error}")
    result.pages = len(keys)
    return result


# --- (c) OCRmyPDF -----------------------------------------------------------------------------------------

def ocrmypdf_cmd() -> str | None:
    beside = Path(sys.executable).parent / "ocrmypdf"
    return str(beside) if beside.exists() else shutil.which("ocrmypdf")


def ocrmypdf_version(cmd: str) -> str:
    proc = subprocess.run([cmd, "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "?"


def pdf_pages(pdf: Path, count: int, mode: str) -> list[str]:
    """The text of each page of ``pdf`` with ``pdftotext`` (``raw``: content-stream order, i.e. the OCR
    engine's own reading order; ``default``: poppler's reading-order guess; ``layout``: physical layout)."""
    flags = {"raw": ["-raw"], "default": [], "layout": ["-layout"]}[mode]
    out = subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return [nfc(chunk) for chunk in out.stdout.decode("utf-8", "replace").split("\f")[:count]]


def run_ocrmypdf(docs: list[Doc], work: Path, jobs: int, lang: str, text_mode: str) -> EngineRun:
    result = EngineRun("ocrmypdf", jobs)
    cmd = ocrmypdf_cmd()
    if cmd is None:
        result.skipped = "OCRmyPDF is not installed (.venv/bin/pip install 'ocrmypdf>=16,<18')"
        return result
    gs = shutil.which("gs")
    result.notes.append(f"ocrmypdf {ocrmypdf_version(cmd)}, ghostscript {'found' if gs else 'absent'}; "
                        f"CER from pdftotext ({text_mode}) of its output PDF")
    out_dir = fresh(work / "ocrmypdf")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cpu0, t0 = children_cpu(), time.perf_counter()
    for i, doc in enumerate(docs):
        proc = subprocess.run([cmd, "--skip-text", "-l", lang, "--jobs", str(jobs), "--output-type", "pdf",
                               "--optimize", "0", "-q", "--sidecar", str(out_dir / f"{i}.txt"), str(doc.pdf),
                               str(out_dir / f"{i}.pdf")], capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip()[-400:]
            hint = "" if gs else " (ghostscript `gs` is missing: apt-get install ghostscript)"
            result.skipped = f"ocrmypdf failed on {doc.rel} (exit {proc.returncode}){hint}: {tail}"
            return result
    result.wall, result.cpu = time.perf_counter() - t0, children_cpu() - cpu0
    sidecar = EngineRun("ocrmypdf-sidecar", jobs)
    for i, doc in enumerate(docs):
        count = len(doc.truth)
        for n, text in enumerate(pdf_pages(out_dir / f"{i}.pdf", count, text_mode), 1):
            result.texts[(i, n)] = text
        chunks = (out_dir / f"{i}.txt").read_text(encoding="utf-8", errors="replace").split("\f")[:count]
        for n, text in enumerate(chunks, 1):
            sidecar.texts[(i, n)] = nfc(text)
        result.pages += count
    side = weighted_cer(page_cers(docs, sidecar))
    result.notes.append(f"its --sidecar text (tesseract's own output): CER any-order {pct(side[0])}, "
                        f"strict {pct(side[1])}")
    return result


# --- figures ----------------------------------------------------------------------------------------------

def page_cers(docs: list[Doc], run: EngineRun) -> list[dict]:
    rows = []
    for i, doc in enumerate(docs):
        for n, lines in enumerate(doc.truth, 1):
            text = run.texts.get((i, n), "")
            rows.append({"doc": doc.rel, "n": n, "chars": len(squash(" ".join(lines))),
                         "cer_any_order": cer_any_order(lines, text), "cer": cer("\n".join(lines), text)})
    return rows


def weighted_cer(pages: list[dict]) -> tuple[float, float]:
    """(any-order, strict) CER over all pages, each page weighted by its number of characters."""
    chars = sum(p["chars"] for p in pages) or 1
    return (sum(p["cer_any_order"] * p["chars"] for p in pages) / chars,
            sum(p["cer"] * p["chars"] for p in pages) / chars)


def figures(docs: list[Doc], run: EngineRun) -> dict:
    if run.skipped:
        return {"skipped": run.skipped, "notes": run.notes}
    pages = page_cers(docs, run)
    any_order, strict = weighted_cer(pages)
    per_min = run.pages / run.wall * 60 if run.wall else None
    return {
        "pages": run.pages, "jobs": run.jobs, "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2),
        "in_process_s": run.in_process, "pages_per_min": per_min,
        "pages_per_min_per_core": per_min / run.jobs if per_min else None,
        "s_per_page": run.wall / run.pages if run.pages else None,
        "cpu_s_per_page": run.cpu / run.pages if run.pages else None,
        "cer_any_order": any_order, "cer_strict": strict,
        "cer_any_order_worst_page": max((p["cer_any_order"] for p in pages), default=None),
        "chars": sum(p["chars"] for p in pages), "notes": run.notes, "per_page": pages,
    }


def ratios(figs: dict[str, dict]) -> dict:
    pipe, tess, ocrm = (figs.get(k, {}) for k in ENGINES)
    out: dict[str, float | None] = {"pipeline_overhead_vs_tesseract": None, "pipeline_speed_vs_ocrmypdf": None}
    if pipe.get("s_per_page") and tess.get("s_per_page"):
        out["pipeline_overhead_vs_tesseract"] = pipe["s_per_page"] / tess["s_per_page"] - 1
    if pipe.get("pages_per_min") and ocrm.get("pages_per_min"):
        out["pipeline_speed_vs_ocrmypdf"] = pipe["pages_per_min"] / ocrm["pages_per_min"]
    return out


def targets(figs: dict[str, dict], rat: dict, max_overhead: float) -> list[tuple[str, str, str, bool | None]]:
    pipe = figs.get("pipeline", {})
    rows: list[tuple[str, str, str, bool | None]] = []
    if "cer_any_order" in pipe:
        rows.append(("pipeline CER any-order", pct(pipe["cer_any_order"]), f"≤ {MAX_CER * 100:.1f} %",
                     pipe["cer_any_order"] <= MAX_CER))
    over = rat["pipeline_overhead_vs_tesseract"]
    if over is not None:
        rows.append(("pipeline overhead vs bare tesseract", f"{over * 100:+.1f} %", f"≤ {max_overhead:.0f} %",
                     over * 100 <= max_overhead))
    speed = rat["pipeline_speed_vs_ocrmypdf"]
    if speed is not None:
        rows.append(("pipeline speed vs OCRmyPDF", f"{speed:.2f}×", "≥ 1.30×", speed >= 1.3))
    return rows


def report(figs: dict[str, dict], rat: dict, goals: list, per_page: bool) -> None:
    rows = []
    for name, f in figs.items():
        if "skipped" in f:
            rows.append([name, "skipped", "", "", "", "", "", "", ""])
            continue
        wall = f"{f['wall_s']:.1f}" + (f" ({f['in_process_s']:.1f})" if f["in_process_s"] else "")
        rows.append([name, f["pages"], wall, f"{f['cpu_s']:.1f}", fmt(f["pages_per_min"], 1),
                     fmt(f["pages_per_min_per_core"], 1), pct(f["cer_any_order"]), pct(f["cer_strict"]),
                     pct(f["cer_any_order_worst_page"], 1)])
    print_table(["engine", "pages", "wall s", "cpu s", "pages/min", "pages/min/core", "CER any-order",
                 "CER strict", "worst page"], rows, "OCR throughput and accuracy (CER weighted by page length)")
    for name, f in figs.items():
        for note in ([f["skipped"]] if "skipped" in f else []) + f.get("notes", []):
            print(f"  {name}: {note}")
    over, speed = rat["pipeline_overhead_vs_tesseract"], rat["pipeline_speed_vs_ocrmypdf"]
    print(f"\npipeline vs bare tesseract: {'-' if over is None else f'{over * 100:+.1f} %'} wall seconds per page")
    print(f"pipeline vs OCRmyPDF: {'-' if speed is None else f'{speed:.2f}×'} pages/min")
    print_table(["target", "figure", "goal", "met?"], [list(g) for g in goals], "Targets")
    if per_page:
        names = [n for n, f in figs.items() if "per_page" in f]
        rows = [[p["doc"], p["n"], *(pct(figs[n]["per_page"][k]["cer_any_order"], 1) for n in names)]
                for k, p in enumerate(figs[names[0]]["per_page"])] if names else []
        print_table(["document", "page", *names], rows, "CER any-order per page")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="first N image-only PDFs (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes for every engine (default 2)")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma list of {', '.join(ENGINES)}")
    ap.add_argument("--no-zip", action="store_true", help="leave out the PDFs inside the inbox's zip")
    ap.add_argument("--inbox", type=Path, help="where the demo inbox is (re)generated; reused when its "
                    "manifest (INBOX.manifest.json) is there (default: inside the work folder)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--lang", default="Vietnamese")
    ap.add_argument("--pdftotext", choices=("raw", "default", "layout"), default="raw",
                    help="how OCRmyPDF's text layer is read back (default raw: the engine's own line order; "
                    "poppler's default order splits the lines of skewed scans)")
    ap.add_argument("--max-overhead", type=float, default=10.0, help="target: pipeline overhead %% over tesseract")
    ap.add_argument("--work", type=Path, help="work folder (kept; default a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    ap.add_argument("--per-page", action="store_true", help="also print CER per page")
    ap.add_argument("--quick", action="store_true", help="one document only (same as --docs 1)")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    if args.quick and args.docs is None:
        args.docs = 1
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        ap.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with work_dir(args.work, args.keep, "minhchung-ocr-bench-") as work:
        inbox = (args.inbox or work / "inbox").resolve()
        files = [f for f in load_inbox(inbox, args.seed) if is_image_pdf(f, not args.no_zip)][: args.docs]
        docs = materialise(inbox, files, fresh(work / FOLDER))
        print(f"{len(docs)} image-only PDFs, {sum(len(d.truth) for d in docs)} pages, jobs={args.jobs}",
              file=sys.stderr)
        runners = {"pipeline": lambda: run_pipeline(docs, work / FOLDER, work, args.jobs),
                   "tesseract": lambda: run_tesseract(docs, work, args.jobs, args.lang),
                   "ocrmypdf": lambda: run_ocrmypdf(docs, work, args.jobs, args.lang, args.pdftotext)}
        figs = {}
        for name in args.engines:
            print(f"running {name} ...", file=sys.stderr)
            figs[name] = figures(docs, runners[name]())
    rat = ratios(figs)
    goals = targets(figs, rat, args.max_overhead)
    report(figs, rat, goals, args.per_page)
    write_json(args.json, {
        "benchmark": "ocr", "jobs": args.jobs, "lang": args.lang, "seed": args.seed,
        "documents": [d.rel for d in docs], "pages": sum(len(d.truth) for d in docs),
        "engines": figs, "ratios": rat,
        "targets": [{"name": g[0], "figure": g[1], "target": g[2], "met": g[3]} for g in goals],
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
