"""What the black-seal step (:mod:`ingest.seal`) finds and costs on real page rasters, page by page.

Every image page of the demo inbox (PDF pages rendered at 300 dpi, TIFF, PNG, JPEG; a phone photo's page
straightened as the page job does), and optionally the PDFs of a folder (``--pdfs DIR``: the classification
corpus kept by ``classify_bench.py --keep``), is cleaned as the pipeline cleans it but without the seal step;
then :func:`ingest.seal.find_rings` (the search every page pays) and :func:`ingest.seal.remove_seals` (the
search plus the erasing, on a page with a seal) are timed, best of ``--repeat`` runs, in process CPU time.
Printed: per page the rings found and the milliseconds, and the median / worst search cost on pages without
a seal next to the cleaning's own cost.

    python benchmarks/seal_probe.py --inbox DIR [--pdfs DIR] [--repeat 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from _common import print_table, write_json

from ingest.pages import inspect, ocr_raster
from ingest.perspective import rectify
from ingest.preprocess import clean
from ingest.seal import find_rings, remove_seals
from ingest.sources import sniff

KINDS = {"pdf", "tiff", "png", "jpeg"}


def pages_of(inbox: Path | None, pdfs: Path | None) -> list[tuple[Path, str, int]]:
    out = []
    if inbox is not None:
        manifest = json.loads(inbox.with_name(inbox.name + ".order-manifest.json").read_text(encoding="utf-8"))
        for f in manifest["files"]:
            path = inbox / f["path"]
            kind = sniff(path.read_bytes()[:64]) if path.exists() else ""
            out += [(path, kind, n) for n, p in enumerate(f["pages"], 1) if not p["digital"] and kind in KINDS]
    if pdfs is not None:
        for path in sorted(pdfs.rglob("*.pdf")):
            out += [(path, "pdf", n) for n in range(1, inspect(path, "pdf", 300).page_count + 1)]
    return out


def best_cpu(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best * 1000, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inbox", type=Path, help="a demo inbox made by order_bench.py (its manifest beside it)")
    ap.add_argument("--pdfs", type=Path, help="a folder of image-only PDFs (e.g. classify_bench --keep DIR/inbox)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    rows = []
    for path, kind, n in pages_of(args.inbox, args.pdfs):
        image = rectify(ocr_raster(path, kind, n, 300)).image
        clean_ms, cleaned = best_cpu(lambda image=image: clean(image, skip=frozenset({"seal-ring"})), 1)
        grey = cleaned.image
        find_ms, rings = best_cpu(lambda grey=grey: find_rings(grey), args.repeat)
        remove_ms, _ = best_cpu(lambda grey=grey: remove_seals(grey), args.repeat) if rings else (0.0, None)
        rows.append({"file": str(path.relative_to(path.parents[1])), "page": n, "rings": len(rings),
                     "clean_ms": clean_ms, "find_ms": find_ms, "remove_ms": remove_ms})
        print(f"{rows[-1]['file']} p{n}: rings {len(rings)}, find {find_ms:.1f} ms, remove {remove_ms:.1f} ms",
              file=sys.stderr)
    without = [r for r in rows if not r["rings"]]
    print_table(["file", "page", "rings", "clean ms", "search ms", "search + erase ms"],
                [[r["file"][-50:], r["page"], r["rings"], f"{r['clean_ms']:.0f}", f"{r['find_ms']:.1f}",
                  f"{r['remove_ms']:.1f}" if r["rings"] else "-"] for r in rows], "Per page")
    if without:
        find = [r["find_ms"] for r in without]
        cleaning = [r["clean_ms"] for r in without]
        print_table(["pages without a seal ring", "n", "search median ms", "search worst ms",
                     "cleaning median ms", "search / cleaning"],
                    [["", len(without), f"{statistics.median(find):.1f}", f"{max(find):.1f}",
                      f"{statistics.median(cleaning):.0f}",
                      f"{statistics.median(find) / statistics.median(cleaning):.1%}"]], "Cost")
    write_json(args.json, {"benchmark": "seal", "pages": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
