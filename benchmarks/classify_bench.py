"""Classification accuracy on real document texts: type, number and symbol, date, place, issuer, signer,
document splitting and attachments, measured through the CLI exactly as a user runs it.

The texts are the shared domain corpus (``<shared>/domain/corpus/*.txt``, ten real documents) and the seed
plan (``<shared>/domain/seed-plan-2024.txt``, a real provincial plan whose header is missing). The hand-written
ground truth is ``benchmarks/corpus_truth.yaml`` (conventions in its comment).

Steps:
1. render each text with ``pipelines.samples.plain`` and degrade every page with a scan profile
   (``inbox.PROFILES``, rotated deterministically, fixed seed); write one image-only PDF per document into
   ``INBOX/<unit>/`` and one more PDF that concatenates four of them (it measures splitting);
2. ``python -m pipelines --home H ingest INBOX --unit-from-folder --json`` (OCR cache: env
   ``MINHCHUNG_OCR_CACHE``, default ``<repo>/.cache/ocr``, so a rerun is fast);
3. ``python -m pipelines --home H export`` (JSONL, docs/export-contract.md, plus ``attachments``: [{type, title,
   source_pages}]);
4. match every expected document to the exported one of the same file and first page, and compare: type,
   symbol, number (leading zeros ignored), issued, place, issuer, parent_issuer, signer, signer_title,
   authority, the type codes of attached documents and the number of appendices (attachments without a type
   code). Text is compared after NFC, whitespace squashing and casefold, with "Uỷ" = "Ủy". Expected null means
   the value is not printed: a value found there counts as wrong. A missing document counts as wrong on every
   field. Splitting is right when a file's exported document start pages equal the truth's. A field that no
   exported record carries is reported as "not exported" and left out of the summary.

Targets: type ≥ 98 %, symbol and issued ≥ 95 %, issuer ≥ 90 % (PASS/FAIL printed; exit 1 only with --strict).
When the corpus is absent the benchmark prints "skipped: …" and exits 0.

Run (from the repository root; a cold OCR of ~90 pages takes a few minutes on two cores):
    .venv/bin/python benchmarks/classify_bench.py
    .venv/bin/python benchmarks/classify_bench.py --shared ../shared --keep /tmp/cb --dpi 300 --strict
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from _common import pct, print_table, work_dir

from pipelines.samples.inbox import PROFILES, _concat_pdfs, _image_pdf
from pipelines.samples.plain import scan_plain

REPO = Path(__file__).resolve().parent.parent
TRUTH = Path(__file__).resolve().parent / "corpus_truth.yaml"
UNIT = "Thanh tra tinh"
MULTI = ("05", "18", "15", "10")  # prefixes of the documents concatenated into the multi-document PDF
MULTI_NAME = "ho-so-nhieu-van-ban.pdf"
SEED = 2024
FIELDS = ("type", "symbol", "number", "issued", "place", "issuer", "parent_issuer", "signer", "signer_title",
          "authority", "attachments", "appendices")
EXPORT_KEY = {"type": "doc_type", "appendices": "attachments"}
TARGETS = {"type": 0.98, "symbol": 0.95, "issued": 0.95, "issuer": 0.90}


@dataclass
class Expected:
    name: str                  # truth key (the text file's name)
    pdf: str                   # PDF file name in the inbox
    first_page: int
    truth: dict
    record: dict | None = None


@dataclass
class Rendered:
    pdf: str
    pages: int
    starts: list[int]          # expected document start pages
    docs: list[Expected] = field(default_factory=list)


def shared_dir(given: str | None) -> Path:
    return Path(given or os.environ.get("MINHCHUNG_SHARED") or REPO.parent / "shared").resolve()


def texts(shared: Path) -> list[Path]:
    return sorted((shared / "domain" / "corpus").glob("*.txt")) + [shared / "domain" / "seed-plan-2024.txt"]


def scan_pdf(src: Path, index: int, dpi: int) -> tuple[bytes, int]:
    """One text as an image-only PDF (profile rotated by ``index``, seeded) and its page count."""
    deg = PROFILES[list(PROFILES)[index % len(PROFILES)]]
    pairs = scan_plain(src.read_text(encoding="utf-8"), deg, np.random.default_rng([SEED, index]), dpi)
    return _image_pdf([img for img, _ in pairs], round(dpi * deg.scale)), len(pairs)


def render(sources: list[Path], truth: dict, unit_dir: Path, dpi: int) -> list[Rendered]:
    """Write one image PDF per text and the multi-document PDF; returns what each file should contain."""
    for src in sources:
        if src.name not in truth:
            print(f"warning: {src.name} has no ground truth in {TRUTH.name}; left out", file=sys.stderr)
    sources = [src for src in sources if src.name in truth]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        scans = list(pool.map(scan_pdf, sources, range(len(sources)), [dpi] * len(sources)))
    out: list[Rendered] = []
    parts: list[tuple[bytes, Expected, int]] = []
    for src, (data, pages) in zip(sources, scans, strict=True):
        pdf = f"{src.stem}.pdf"
        (unit_dir / pdf).write_bytes(data)
        doc = Expected(src.name, pdf, 1, truth[src.name])
        out.append(Rendered(pdf, pages, [1], [doc]))
        if src.name[:2] in MULTI:
            parts.append((data, doc, pages))
    parts.sort(key=lambda p: MULTI.index(p[1].name[:2]))
    if parts:
        multi = Rendered(MULTI_NAME, 0, [])
        for _, doc, pages in parts:
            multi.starts.append(multi.pages + 1)
            multi.docs.append(Expected(doc.name, MULTI_NAME, multi.pages + 1, doc.truth))
            multi.pages += pages
        (unit_dir / MULTI_NAME).write_bytes(_concat_pdfs([data for data, _, _ in parts]))
        out.append(multi)
    return out


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["MINHCHUNG_OCR_CACHE"] = os.environ.get("MINHCHUNG_OCR_CACHE") or str(REPO / ".cache" / "ocr")
    env.pop("MINHCHUNG_HOME", None)
    argv = [sys.executable, "-m", "pipelines", "--home", str(home), *args]
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, check=False)


def failed(proc: subprocess.CompletedProcess[str], what: str) -> SystemExit:
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
    return SystemExit(f"{what} failed (exit {proc.returncode}):\n{tail}")


def norm(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    return text.replace("uỷ", "ủy") or None


def got_value(record: dict | None, name: str) -> object:
    if record is None:
        return "<no document>"
    value = record.get(EXPORT_KEY.get(name, name))
    if name == "attachments" and value is not None:  # the codes of attached documents
        return sorted(str(a["type"]) for a in value if a.get("type"))
    if name == "appendices" and value is not None:  # attachments without a type code: phụ lục
        return sum(1 for a in value if not a.get("type"))
    return value


def same(name: str, expected: object, got: object) -> bool:
    if name == "attachments":
        return isinstance(got, list) and [norm(t) for t in got] == sorted(norm(t) for t in expected or [])
    if name == "appendices":
        return got == (expected or 0)
    a, b = norm(expected), norm(got)
    if name == "number" and a and b:
        a, b = a.lstrip("0") or "0", b.lstrip("0") or "0"
    return a == b


def match(files: list[Rendered], records: list[dict]) -> dict[str, list[int]]:
    """Attach each expected document to its exported record; returns the exported start pages per file."""
    starts: dict[str, list[int]] = {f.pdf: [] for f in files}
    by_key: dict[tuple[str, int], dict] = {}
    for rec in records:
        if rec.get("status") != "done" or not rec.get("source"):
            continue
        parts = rec.get("source_pages") or [{"pages": [None]}]  # [{"source", "sha256", "pages"}] (issue 14)
        pdf, first = Path(rec["source"]).name, parts[0]["pages"][0]
        if pdf in starts:
            starts[pdf].append(first)
            by_key[(pdf, first)] = rec
    for f in files:
        starts[f.pdf].sort(key=lambda n: n or 0)
        for doc in f.docs:
            doc.record = by_key.get((f.pdf, doc.first_page))
    return starts


def short(value: object) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def report(files: list[Rendered], starts: dict[str, list[int]], exported: set[str]) -> dict[str, tuple[int, int]]:
    """Print the per-document comparison; returns field -> (right, total) over the exported fields."""
    score = {name: [0, 0] for name in FIELDS if name in exported}
    print("\nPer document (mismatches only)")
    for f in files:
        for doc in f.docs:
            rec = doc.record
            pages = rec.get("source_pages") if rec else None
            print(f"{doc.pdf}  p{doc.first_page}  [{doc.name[:40]}]  exported pages {short(pages)}"
                  f"  type {short(doc.truth.get('type'))} -> {short(got_value(rec, 'type'))}")
            for name in score:
                expected, got = doc.truth.get(name), got_value(rec, name)
                ok = same(name, expected, got)
                score[name][0] += ok
                score[name][1] += 1
                if not ok:
                    print(f"    {name:<13} expected {short(expected):<42} got {short(got)}")
        if starts[f.pdf] != f.starts:
            print(f"    SPLIT {f.pdf}: expected document starts {f.starts}, got {starts[f.pdf]}")
    return {name: (right, total) for name, (right, total) in score.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", help="the shared folder (default: env MINHCHUNG_SHARED or <repo>/../shared)")
    ap.add_argument("--keep", type=Path, help="keep the inbox and the data home in this folder")
    ap.add_argument("--dpi", type=int, default=300, help="render resolution (default 300)")
    ap.add_argument("--jobs", type=int, help="ingest worker processes (default: the CLI's, all cores)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--ocr-lang", help="the tesseract model (ingest --lang; default: the CLI's)")
    args = ap.parse_args()

    shared = shared_dir(args.shared)
    if not (shared / "domain" / "corpus").is_dir():
        print(f"skipped: no corpus at {shared / 'domain' / 'corpus'} (give --shared DIR or set MINHCHUNG_SHARED)")
        return 0
    truth = yaml.safe_load(TRUTH.read_text(encoding="utf-8"))
    sources = [p for p in texts(shared) if p.exists()]

    with work_dir(args.keep, args.keep is not None, "classify-bench-") as work:
        inbox, home = work / "inbox", work / "home"
        unit_dir = inbox / UNIT
        unit_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = render(sources, truth, unit_dir, args.dpi)
        t_render = time.perf_counter() - t0
        total_pages = sum(f.pages for f in files)
        print(f"rendered {len(files)} PDFs, {total_pages} pages ({sum(len(f.docs) for f in files)} expected "
              f"documents) in {t_render:.1f} s; ingesting (cold OCR takes minutes)…", flush=True)

        t0 = time.perf_counter()
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        jobs += ["--lang", args.ocr_lang] if args.ocr_lang else []
        proc = cli(home, "ingest", str(inbox), "--unit-from-folder", "--json", *jobs)
        t_ingest = time.perf_counter() - t0
        if proc.returncode not in (0, 3):
            raise failed(proc, "ingest")
        summary = json.loads(proc.stdout)
        t0 = time.perf_counter()
        proc = cli(home, "export")
        t_export = time.perf_counter() - t0
        if proc.returncode != 0:
            raise failed(proc, "export")
        records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]

    starts = match(files, records)
    exported = {name for name in FIELDS if any(EXPORT_KEY.get(name, name) in r for r in records)}
    score = report(files, starts, exported)

    rows = []
    failures = 0
    for name in FIELDS:
        if name not in score:
            rows.append((name, "-", "-", "-", "", "not exported"))
            continue
        right, total = score[name]
        rate = right / total if total else 0.0
        target = TARGETS.get(name)
        verdict = "" if target is None else ("PASS" if rate >= target else "FAIL")
        failures += verdict == "FAIL"
        rows.append((name, str(right), str(total), pct(rate, 1), f"≥ {target * 100:.0f} %" if target else "", verdict))
    split_ok = sum(starts[f.pdf] == f.starts for f in files)
    rows.append(("splitting (files)", str(split_ok), str(len(files)), pct(split_ok / len(files), 1), "", ""))
    for name in TARGETS:
        if name not in score:
            failures += 1
            rows.append((name, "-", "-", "-", f"≥ {TARGETS[name] * 100:.0f} %", "FAIL (not exported)"))
    print_table(("field", "right", "of", "rate", "target", "result"), rows, title="Summary", left=1)

    quarantined = [r for r in records if r.get("status") == "quarantined"]
    print(f"\nexported records: {len(records)} ({len(quarantined)} quarantined); "
          f"pages: {total_pages}, OCRed {summary.get('pages_ocr')}, from cache {summary.get('pages_cached')}, "
          f"failed {summary.get('pages_failed')}")
    print(f"seconds: render {t_render:.1f}, ingest {t_ingest:.1f} ({total_pages / t_ingest:.2f} pages/s), "
          f"export {t_export:.1f}")
    return 1 if args.strict and failures else 0


if __name__ == "__main__":
    sys.exit(main())
