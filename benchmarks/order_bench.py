"""Reading order and signature block on the sample inbox: strict and any-order CER per page, signer per document.

What it measures (issue 14):

(a) OCR pages of the demo inbox (every image page: PDF, TIFF, PNG, JPEG), ingested once through the CLI with
    the OCR cache given (``MINHCHUNG_OCR_CACHE``: warm, so only new pages are OCRed). Each page's text from
    the catalog (this release's reading order) is compared with the lines the renderer printed: strict CER
    (:func:`ingest.text.cer`, the order counts) and any-order CER (:func:`ingest.text.cer_any_order`). The
    reference is tesseract's own line order: the same stored words, one line per engine line, no columns.
(b) Born-digital pages of the inbox: the catalog text (``pdftotext -bbox-layout`` words through
    :mod:`ingest.reading_order`) against plain ``pdftotext`` (poppler's flow order, what the pipeline used
    before), both against the lines the PDF writer printed.
(c) Text-layer readers on every sample document written as a born-digital PDF: plain ``pdftotext``,
    ``pdftotext -bbox-layout`` + reading order, and pdfplumber's words + the same reading order when
    pdfplumber can be imported (``--pdfplumber DIR`` adds a folder to the import path): ms per page, CER.
(d) Signer, signer title and authority of every exported document that holds all of its pages (in one file
    or assembled from several), against the sample specs.

Targets (the met? column): strict CER ≤ 1.0 %, any-order ≤ 0.4 %, no OCR page above 5 % strict, born-digital
pages ≤ 0.5 % strict, signer and title right on every document.

    python benchmarks/order_bench.py [--inbox DIR] [--work DIR] [--json FILE] [--per-page]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from _common import absent, check_ingest, minhchung_cmd, pct, print_table, run_ingest, work_dir, write_json

from ingest.ocr import Word
from ingest.reading_order import lines_to_text
from ingest.text import cer, cer_any_order, fold, nfc, squash
from ingest.textlayer import layer_words

MAX_STRICT, MAX_ANY, MAX_PAGE_STRICT, MAX_DIGITAL_STRICT = 0.010, 0.004, 0.05, 0.005


def load_manifest(inbox: Path, seed: int) -> dict:
    """The demo inbox at ``inbox`` (generated unless its manifest of that seed is there) and its manifest."""
    cached = inbox.with_name(inbox.name + ".order-manifest.json")
    if cached.exists() and inbox.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
        if data.get("seed") == seed:
            return data
    from pipelines.samples.inbox import generate_inbox

    print(f"generating the demo inbox into {inbox} ...", file=sys.stderr)
    man = generate_inbox(inbox, seed)
    data = {"seed": seed, "files": [asdict(f) for f in man.good],
            "specs": {name: asdict(spec) for name, spec in man.specs.items()}}
    cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def engine_line_order(words: list[Word]) -> str:
    """The reference: one line per engine line, in the engine's order, no columns."""
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values())


def plain_pdftotext(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return [nfc(chunk) for chunk in out.stdout.decode("utf-8", "replace").split("\f")]


def page_rows(man: dict, inbox: Path, db: sqlite3.Connection) -> list[dict]:
    """One row per good page: its truth, the catalog text and the reference text."""
    rows = []
    for f in man["files"]:
        source = nfc(f"{inbox.name}/{f['path']}")
        found = db.execute("SELECT sha256 FROM sources WHERE source=?", (source,)).fetchone()
        if found is None:
            raise SystemExit(f"not in the catalog: {source}")
        plain = None
        for n, page in enumerate(f["pages"], 1):
            text, words, width = db.execute("SELECT text, words, width FROM pages WHERE sha256=? AND n=?",
                                            (found[0], n)).fetchone()
            if page["digital"]:
                if plain is None:
                    plain = plain_pdftotext(inbox / f["path"]) if ".zip/" not in f["path"] else []
                reference = plain[n - 1] if n <= len(plain) else ""
            else:
                reference = engine_line_order([Word(*w) for w in json.loads(words)]) if words else ""
            rows.append({"file": f["path"], "n": n, "doc": page["doc"], "digital": page["digital"],
                         "profile": page["profile"], "truth": page["lines"], "text": text or "",
                         "reference": reference})
    return rows


def cer_rows(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        truth = "\n".join(r["truth"])
        out.append({"file": r["file"], "n": r["n"], "digital": r["digital"], "profile": r["profile"],
                    "chars": len(squash(truth)), "strict": cer(truth, r["text"]),
                    "any": cer_any_order(r["truth"], r["text"]), "ref_strict": cer(truth, r["reference"]),
                    "ref_any": cer_any_order(r["truth"], r["reference"])})
    return out


def weighted(rows: list[dict], key: str) -> float:
    chars = sum(r["chars"] for r in rows) or 1
    return sum(r[key] * r["chars"] for r in rows) / chars


def signature_rows(home: Path, man: dict, inbox: Path) -> list[dict]:
    """Signer, title and authority of every exported document that holds all of its document's pages."""
    out = subprocess.run([*minhchung_cmd(), "--home", str(home), "export"], capture_output=True, text=True,
                         check=True, env=os.environ).stdout
    counts: dict[str, int] = {}
    for f in man["files"]:
        for p in f["pages"]:
            counts[p["doc"]] = counts.get(p["doc"], 0) + 1
    pages_of = {f["path"]: f["pages"] for f in man["files"]}
    rows = []
    for record in map(json.loads, out.splitlines()):
        if record["status"] != "done":
            continue
        parts = [(part["source"].removeprefix(f"{inbox.name}/"), part["pages"])
                 for part in record["source_pages"]]  # one part per file (a document may span files)
        docs = {p["doc"] for path, (first, last) in parts for p in pages_of[path][first - 1:last]}
        if len(docs) != 1:
            continue
        name = docs.pop()
        if sum(last - first + 1 for _, (first, last) in parts) != counts[name]:
            continue  # not the whole document
        path = " + ".join(path for path, _ in parts)
        spec = man["specs"][name]
        want = {"signer": spec["signer"].removeprefix("Đại tá "), "signer_title": spec["title"],
                "authority": spec["authority"]}
        row = {"doc": name, "file": path}
        for key, value in want.items():
            got = record.get(key) or ""
            row[key] = got
            row[f"{key}_ok"] = got == _display(key, value)
            row[f"{key}_folded_ok"] = fold(got) == fold(_display(key, value))
        rows.append(row)
    return sorted(rows, key=lambda r: r["doc"])


def _display(key: str, value: str) -> str:
    """A spec's signature line as the export writes it ("PHÓ GIÁM ĐỐC" → "Phó Giám đốc")."""
    from classify.agency import display_title
    from classify.metadata import _authority_display, spelled_title

    if not value:
        return ""
    if key == "signer_title":
        return spelled_title(display_title(value)) or ""
    if key == "authority":
        return _authority_display(value)
    return value


def text_layer_readers(pdfplumber_dir: Path | None) -> list[dict]:
    """(c): every sample spec as a born-digital PDF read three ways."""
    from pipelines.samples.digital import digital_pdf_pages
    from pipelines.samples.spec import load_specs

    if pdfplumber_dir:
        sys.path.append(str(pdfplumber_dir))
    try:
        import pdfplumber
    except ImportError:
        pdfplumber = None
    docs = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in load_specs():
            data, truth = digital_pdf_pages(spec)
            path = Path(tmp) / f"{spec.name}.pdf"
            path.write_bytes(data)
            docs.append((path, truth))
        readers = {"pdftotext (plain, before)": lambda p: plain_pdftotext(p),
                   "pdftotext -bbox-layout + reading order": lambda p: [
                       lines_to_text(words, width) for width, words in layer_words(p) or []]}
        if pdfplumber is not None:
            readers["pdfplumber words + reading order"] = lambda p: _pdfplumber_texts(pdfplumber, p)
        results = []
        for name, read in readers.items():
            t0 = time.perf_counter()
            texts = [read(path) for path, _ in docs]
            seconds = time.perf_counter() - t0
            rows = []
            for (_, truth), pages in zip(docs, texts, strict=True):
                for n, lines in enumerate(truth):
                    text = pages[n] if n < len(pages) else ""
                    rows.append({"chars": len(squash(" ".join(lines))), "strict": cer("\n".join(lines), text),
                                 "any": cer_any_order(lines, text)})
            results.append({"reader": name, "pages": len(rows), "ms_per_page": seconds / len(rows) * 1000,
                            "strict": weighted(rows, "strict"), "any": weighted(rows, "any"),
                            "worst_strict": max(r["strict"] for r in rows)})
        if pdfplumber is None:
            results.append({"reader": "pdfplumber (not importable: --pdfplumber DIR)", "pages": 0})
    return results


def _pdfplumber_texts(pdfplumber, path: Path) -> list[str]:  # noqa: ANN001 - an optional module
    texts = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = []
            for w in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                line = round(w["top"] * 2)  # pdfplumber has no line ids: the same top is one line
                words.append(Word(nfc(w["text"]), 100.0, w["x0"], w["top"], w["x1"] - w["x0"],
                                  w["bottom"] - w["top"], line))
            texts.append(lines_to_text(words, float(page.width)))
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inbox", type=Path, help="where the demo inbox is (re)generated (default: in the work folder)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--work", type=Path, help="work folder (kept; default a temporary one)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--ocr-cache", type=Path, default=Path(os.environ.get("MINHCHUNG_OCR_CACHE", ".cache/ocr")))
    ap.add_argument("--pdfplumber", type=Path, help="a folder holding pdfplumber (pip install --target DIR)")
    ap.add_argument("--per-page", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    with work_dir(args.work, args.keep, "minhchung-order-bench-") as work:
        inbox = (args.inbox or work / "inbox").resolve()
        man = load_manifest(inbox, args.seed)
        home = absent(work / "home")
        run = run_ingest(home, [inbox], args.ocr_cache.resolve(), ["--unit-from-folder"])
        check_ingest(run, "order bench")
        db = sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True)
        try:
            pages = cer_rows(page_rows(man, inbox, db))
        finally:
            db.close()
        signatures = signature_rows(home, man, inbox)
    readers = text_layer_readers(args.pdfplumber)
    figs = report(pages, signatures, readers, args.per_page)
    write_json(args.json, {"benchmark": "order", "seed": args.seed, "pages_ocr": run.summary.get("pages_ocr"),
                           **figs, "per_page": pages, "signatures": signatures, "text_layer_readers": readers})
    return 0


def report(pages: list[dict], signatures: list[dict], readers: list[dict], per_page: bool) -> dict:
    ocr = [p for p in pages if not p["digital"]]
    digital = [p for p in pages if p["digital"]]
    table = []
    for label, group in (("OCR pages", ocr), ("born-digital pages", digital)):
        table.append([label, len(group), sum(p["chars"] for p in group), pct(weighted(group, "ref_strict")),
                      pct(weighted(group, "strict")), pct(weighted(group, "ref_any")), pct(weighted(group, "any")),
                      pct(max(p["ref_strict"] for p in group)), pct(max(p["strict"] for p in group))])
    print_table(["pages", "n", "chars", "strict before", "strict now", "any-order before", "any-order now",
                 "worst strict before", "worst strict now"], table,
                "CER: before = tesseract's own line order (OCR) / plain pdftotext (born-digital); now = catalog")
    sig_ok = {k: sum(r[f"{k}_ok"] for r in signatures) for k in ("signer", "signer_title", "authority")}
    figs = {"ocr_strict": weighted(ocr, "strict"), "ocr_any": weighted(ocr, "any"),
            "ocr_worst_strict": max(p["strict"] for p in ocr), "digital_strict": weighted(digital, "strict"),
            "signatures_checked": len(signatures), "signatures_right": sig_ok}
    goals = [("OCR strict CER", pct(figs["ocr_strict"]), f"≤ {MAX_STRICT:.1%}", figs["ocr_strict"] <= MAX_STRICT),
             ("OCR any-order CER", pct(figs["ocr_any"]), f"≤ {MAX_ANY:.1%}", figs["ocr_any"] <= MAX_ANY),
             ("worst OCR page, strict", pct(figs["ocr_worst_strict"]), f"≤ {MAX_PAGE_STRICT:.0%}",
              figs["ocr_worst_strict"] <= MAX_PAGE_STRICT),
             ("born-digital strict CER", pct(figs["digital_strict"]), f"≤ {MAX_DIGITAL_STRICT:.1%}",
              figs["digital_strict"] <= MAX_DIGITAL_STRICT)]
    for key, right in sig_ok.items():
        goals.append((f"{key} right", f"{right}/{len(signatures)}", "all", right == len(signatures)))
    print_table(["target", "figure", "goal", "met?"], [list(g) for g in goals], "Targets")
    misses = [r for r in signatures if not (r["signer_ok"] and r["signer_title_ok"] and r["authority_ok"])]
    for r in misses:
        print(f"  {r['doc']} ({r['file']}): signer {r['signer']!r}, title {r['signer_title']!r}, "
              f"authority {r['authority']!r}")
    rows = [[r["reader"], r["pages"], f"{r.get('ms_per_page', 0):.1f}", pct(r.get("strict")), pct(r.get("any")),
             pct(r.get("worst_strict"))] for r in readers]
    print_table(["text-layer reader", "pages", "ms/page", "strict", "any-order", "worst strict"], rows,
                "Born-digital text layers: every sample document written by the PDF writer")
    if per_page:
        rows = [[p["file"][-48:], p["n"], p["profile"] or ("digital" if p["digital"] else ""), pct(p["ref_strict"]),
                 pct(p["strict"]), pct(p["any"])] for p in pages]
        print_table(["file", "page", "profile", "strict before", "strict now", "any-order now"], rows, "Per page")
    return figs


if __name__ == "__main__":
    sys.exit(main())
