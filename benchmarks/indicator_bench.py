"""Indicator tagging on real PCTN evidence: precision and recall per indicator group on the labelled development
set ``benchmarks/devset/`` (issue 15), the confusions, and type / number / date accuracy.

Each document of the set is a real text (a provincial plan, a report, a citizen-reception notice, a court
judgment…, or a negative control: news, plans on other subjects) with a label written by reading it
(``devset/README.md``: sources, conventions, the code tree).

Modes:
* default: render every text as a scan with the project's generator (``pipelines.samples.plain.scan_plain``, a
  degradation profile per document, seeded), one image-only PDF per document, then the real pipeline through
  the CLI: ``ingest`` (tesseract; OCR cache env ``MINHCHUNG_OCR_CACHE``, default ``<repo>/.cache/ocr``), with
  ``--index-set`` a ``classify --all --index-set``, and ``export``; the first document of each file is scored;
* ``--digital``: the same texts as born-digital PDFs (text layer, no OCR) through the same pipeline;
* ``--text``: no rendering, no OCR: ``classify.facts.document_facts`` on the text itself, with the tagger of the
  index set (the fast loop while tuning the tagger; a second or two for the whole set).

Scoring, at the gap report's "present" score (``STRONG_TAG`` = 0.75) and at 0.5: a tag at or above the
threshold is right when the label lists it (``indicators`` or ``cross_cutting``), ignored when the label calls
it ``acceptable``, wrong otherwise; a listed code without such a tag is missed. Sub-item codes count for their
indicator (``A.1.3.2`` → ``A.1.3``). With an index set still in the 2022 codes (it has ``A.1.0``) the tags are
mapped to the published codes first (``devset_labels.LEGACY_2022``). Groups A–D make the overall figure;
cross-cutting X.n and deductions ĐT.n are shown on their own rows.

Run (from the repository root):
    .venv/bin/python benchmarks/indicator_bench.py --text
    .venv/bin/python benchmarks/indicator_bench.py                  # scans; cold OCR of ~80 pages takes minutes
    .venv/bin/python benchmarks/indicator_bench.py --digital --index-set classify/indexsets/paca-2023.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from _common import pct, print_table, work_dir, write_json
from devset_labels import GROUPS, LEGACY_2022, DevDoc, group_of, indicator_level, load_devset

from classify.facts import document_facts
from classify.indexset import IndexSet, load_index_set
from classify.indicators import Tagger
from pipelines.assessment.gaps import STRONG_TAG
from pipelines.samples.inbox import PROFILES, _image_pdf
from pipelines.samples.plain import clean_lines, scan_plain
from pipelines.samples.render import FONT_DIRS, FONT_FILES

REPO = Path(__file__).resolve().parent.parent
UNIT = "Devset"
SEED = 15
THRESHOLDS = (STRONG_TAG, 0.5)
DEFAULT_INDEX_SET = "paca-2024"


@dataclass
class Result:
    doc: DevDoc
    facts: dict | None  # the exported record (or the facts of --text); None when the pipeline lost it
    tags: dict[str, float] = field(default_factory=dict)  # published code -> best score


# ---- running the tagger --------------------------------------------------------------------------------------

def published(code: str, doc: DevDoc, legacy: bool) -> str:
    """The tagger's id in the labels' code tree (alternatives resolved in the label's favour)."""
    if not legacy or code not in LEGACY_2022:
        return indicator_level(code)
    options = LEGACY_2022[code]
    return next((c for c in options if c in doc.gold), next((c for c in options if c in doc.acceptable), options[0]))


def tags_of(facts: dict | None, doc: DevDoc, legacy: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    for tag in (facts or {}).get("indicators") or []:
        code = published(str(tag["id"]), doc, legacy)
        out[code] = max(out.get(code, 0.0), float(tag.get("score") or 0.0))
    return out


def run_text(docs: list[DevDoc], index_set: IndexSet) -> list[dict | None]:
    tagger = Tagger(index_set)
    return [document_facts([doc.text], tagger=tagger) for doc in docs]


def scan_pdf(doc_id: str, text: str, dpi: int) -> bytes:
    """The text as an image-only PDF; profile and noise are seeded by the document id, so a document renders the
    same whatever else the set holds (and the OCR cache stays warm)."""
    key = zlib.crc32(doc_id.encode("utf-8"))
    deg = PROFILES[list(PROFILES)[key % len(PROFILES)]]
    pairs = scan_plain(text, deg, np.random.default_rng([SEED, key]), dpi)
    return _image_pdf([img for img, _ in pairs], round(dpi * deg.scale))


def digital_pdf_text(text: str) -> bytes:
    """The text as a born-digital A4 PDF (fpdf2, Liberation Serif 13 pt, the lines as they are)."""
    from fpdf import FPDF  # imported here: only this mode needs it

    font = next(str(d / FONT_FILES["regular"]) for d in FONT_DIRS if (d / FONT_FILES["regular"]).exists())
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("Serif", "", font)
    pdf.set_font("Serif", "", 13)
    pdf.add_page()
    for line in clean_lines(text):
        pdf.multi_cell(0, 6.5, line.replace("\t", " ") or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["MINHCHUNG_OCR_CACHE"] = os.environ.get("MINHCHUNG_OCR_CACHE") or str(REPO / ".cache" / "ocr")
    env.pop("MINHCHUNG_HOME", None)
    return subprocess.run([sys.executable, "-m", "pipelines", "--home", str(home), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)


def checked(proc: subprocess.CompletedProcess[str], what: str, ok: tuple[int, ...] = (0,)) -> str:
    if proc.returncode not in ok:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"{what} failed (exit {proc.returncode}):\n{tail}")
    return proc.stdout


def run_pipeline(docs: list[DevDoc], work: Path, digital: bool, dpi: int, index_set: str | None,
                 jobs: int | None) -> list[dict | None]:
    unit_dir = work / "inbox" / UNIT
    unit_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # each document in a folder of its own: the pipeline reads a folder's files in order as one stream and may join
    # a headerless text to the document before it (documents across files); the set's texts are separate documents
    todo = [d for d in docs if not _pdf(unit_dir, d).exists()]  # a kept folder keeps its renders
    for doc in todo:
        _pdf(unit_dir, doc).parent.mkdir(exist_ok=True)
    if digital:
        for doc in todo:
            _pdf(unit_dir, doc).write_bytes(digital_pdf_text(doc.text))
    else:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            renders = pool.map(scan_pdf, [d.id for d in todo], [d.text for d in todo], [dpi] * len(todo))
            for n, (doc, data) in enumerate(zip(todo, renders, strict=True), 1):
                _pdf(unit_dir, doc).write_bytes(data)
                if n % 10 == 0:
                    print(f"  rendered {n}/{len(todo)}", flush=True)
    print(f"rendered {len(todo)} {'born-digital' if digital else 'scanned'} PDFs ({len(docs) - len(todo)} kept) in "
          f"{time.perf_counter() - t0:.1f} s; ingesting…", flush=True)
    home = work / "home"
    t0 = time.perf_counter()
    summary = json.loads(checked(cli(home, "ingest", str(work / "inbox"), "--unit-from-folder", "--json",
                                     *(["--jobs", str(jobs)] if jobs else [])), "ingest", (0, 3)))
    print(f"ingest {time.perf_counter() - t0:.1f} s: pages OCRed {summary.get('pages_ocr')}, from cache "
          f"{summary.get('pages_cached')}, failed {summary.get('pages_failed')}", flush=True)
    if index_set:
        checked(cli(home, "classify", "--all", "--index-set", index_set), "classify")
    records = [json.loads(line) for line in checked(cli(home, "export"), "export").splitlines() if line.strip()]
    first: dict[str, dict] = {}
    for rec in records:
        parts = rec.get("source_pages") or []
        if parts and isinstance(parts[0], dict):  # the export contract since documents across files: parts
            source, pages = parts[0].get("source"), parts[0].get("pages") or [0]
        else:
            source, pages = rec.get("source"), parts or [0]
        if rec.get("status") == "done" and source and pages[0] == 1:
            first.setdefault(Path(source).stem, rec)
    return [first.get(doc.id) for doc in docs]


def _pdf(unit_dir: Path, doc: DevDoc) -> Path:
    return unit_dir / doc.id / f"{doc.id}.pdf"


# ---- scoring -------------------------------------------------------------------------------------------------

def row_key(code: str) -> str:
    group = group_of(code)
    return group if group in GROUPS else ("X" if group == "X" else "Đ")


def score(results: list[Result], threshold: float) -> tuple[dict[str, list[int]], list[str]]:
    """Per group [tp, fp, fn] and the confusion lines at one threshold."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    lines: list[str] = []
    for res in results:
        doc, found = res.doc, {c for c, s in res.tags.items() if s >= threshold}
        for code in sorted(found & doc.gold):
            counts[row_key(code)][0] += 1
        for code in sorted(found - doc.gold - doc.acceptable):
            counts[row_key(code)][1] += 1
            why = f" — refused: {doc.refused[code]}" if code in doc.refused else ""
            lines.append(f"  WRONG  {doc.id}: {code} ({res.tags[code]:.2f}){why}")
        for code in sorted(doc.gold - found):
            counts[row_key(code)][2] += 1
            seen = f"scored {res.tags[code]:.2f}" if code in res.tags else "no tag"
            lines.append(f"  MISSED {doc.id}: {code} ({seen})")
    return counts, lines


def pr(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    return (tp / (tp + fp) if tp + fp else None), (tp / (tp + fn) if tp + fn else None)


def summary_rows(counts: dict[str, list[int]]) -> list[tuple]:
    rows, total = [], [0, 0, 0]
    for key in (*GROUPS, "Đ", "X"):
        tp, fp, fn = counts.get(key, [0, 0, 0])
        if key in GROUPS:
            total = [a + b for a, b in zip(total, (tp, fp, fn), strict=True)]
        p, r = pr(tp, fp, fn)
        rows.append((key, tp, fp, fn, pct(p, 0), pct(r, 0)))
    p, r = pr(*total)
    rows.append(("A–D", *total, pct(p, 0), pct(r, 0)))
    return rows


def metadata_rows(results: list[Result]) -> tuple[list[tuple], list[str]]:
    """Type, number and date against the label, over the documents whose label has the value; and the misses."""
    def same_type(label: dict, got: dict) -> bool:
        return got.get("doc_type") == label["type"] or (got.get("doc_type_name") or "").casefold() == \
            str(label.get("type_name") or "").casefold()

    def same_symbol(label: dict, got: dict) -> bool:
        want, have = str(label["symbol"]).replace(" ", ""), str(got.get("symbol") or "").replace(" ", "")
        return want.lstrip("0") == have.lstrip("0")

    checks = {"type": ("type", "doc_type", same_type), "number/symbol": ("symbol", "symbol", same_symbol),
              "date": ("date", "issued", lambda label, got: got.get("issued") == str(label["date"]))}
    rows, lines = [], []
    for name, (key, got_key, same) in checks.items():
        have = [r for r in results if r.doc.label.get(key) is not None]
        right = 0
        for r in have:
            if r.facts is not None and same(r.doc.label, r.facts):
                right += 1
            else:
                got = (r.facts or {}).get(got_key)
                lines.append(f"  {name:<13} {r.doc.id}: expected {r.doc.label[key]}, got {got}")
        rows.append((name, right, len(have), pct(right / len(have) if have else None, 1)))
    return rows, lines


def composition(docs: list[DevDoc]) -> None:
    by_type: dict[str, int] = defaultdict(int)
    by_code: dict[str, int] = defaultdict(int)
    for doc in docs:
        by_type[str(doc.label.get("type") or doc.label.get("type_name"))] += 1
        for code in doc.gold:
            by_code[code] += 1
    negatives = sum(doc.negative for doc in docs)
    print(f"\ndevset: {len(docs)} documents, {negatives} negative controls; "
          f"{sum(by_code.values())} expected tags")
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])))
    print("  by indicator: " + ", ".join(f"{k} {v}" for k, v in sorted(by_code.items())))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true", help="tag the texts directly (no rendering, no OCR)")
    mode.add_argument("--digital", action="store_true", help="born-digital PDFs instead of scans")
    ap.add_argument("--index-set", help=f"index set id or YAML file (default: {DEFAULT_INDEX_SET} / the CLI's)")
    ap.add_argument("--only", help="comma-separated document ids (or id prefixes)")
    ap.add_argument("--keep", type=Path, help="keep the inbox and the data home in this folder")
    ap.add_argument("--dpi", type=int, default=300, help="scan resolution (default 300)")
    ap.add_argument("--jobs", type=int, help="ingest worker processes (default: the CLI's)")
    ap.add_argument("--quiet", action="store_true", help="no confusion list")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args()

    docs = load_devset()
    if args.only:
        wanted = tuple(args.only.split(","))
        docs = [d for d in docs if d.id.startswith(wanted)]
    index_set = load_index_set(args.index_set or DEFAULT_INDEX_SET)
    legacy = index_set.get("A.1.0") is not None
    mode = "text" if args.text else "digital" if args.digital else "scan"
    print(f"mode {mode}, index set {index_set.id}" + (" (2022 codes, mapped to the published tree)" if legacy else ""))
    composition(docs)

    t0 = time.perf_counter()
    if args.text:
        facts = run_text(docs, index_set)
    else:
        with work_dir(args.keep, args.keep is not None, "indicator-bench-") as work:
            facts = run_pipeline(docs, work, args.digital, args.dpi, args.index_set, args.jobs)
    seconds = time.perf_counter() - t0
    results = [Result(doc, f, tags_of(f, doc, legacy)) for doc, f in zip(docs, facts, strict=True)]
    lost = [r.doc.id for r in results if r.facts is None]
    if lost:
        print(f"\nno document exported for: {', '.join(lost)}")

    figures: dict = {"mode": mode, "index_set": index_set.id, "documents": len(docs), "seconds": round(seconds, 1)}
    for threshold in THRESHOLDS:
        counts, lines = score(results, threshold)
        rows = summary_rows(counts)
        print_table(("group", "right", "wrong", "missed", "precision", "recall"), rows,
                    title=f"Indicator tags at score ≥ {threshold} ({mode}, {index_set.id})")
        if not args.quiet and lines:
            print(f"\nConfusions at ≥ {threshold}:")
            print("\n".join(lines))
        figures[f"at_{threshold}"] = {r[0]: dict(zip(("tp", "fp", "fn"), r[1:4], strict=True)) for r in rows}
    meta, misses = metadata_rows(results)
    print_table(("field", "right", "of", "rate"), meta, title="Type, number and date")
    if not args.quiet and misses:
        print("\n".join(misses))
    figures["metadata"] = {r[0]: {"right": r[1], "of": r[2]} for r in meta}
    print(f"\n{len(docs)} documents in {seconds:.1f} s ({mode})")
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
