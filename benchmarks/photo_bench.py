"""Phone photos: CER with and without the perspective correction (ingest/perspective.py).

The photos are the sample inbox's (``pipelines.samples.inbox.phone_photos``: every page of a rendered
report warped in perspective onto a dark wooden desk, lit unevenly, blurred, JPEG; byte for byte the files
``minhchung samples`` writes under "Sở Tư pháp/anh chup BC quy III/"), plus, with ``--more N``, the same
report photographed N more times with other seeds. Each page is read twice by the pipeline's own steps,
with the configured OCR engine (tesseract ``Vietnamese`` by default), no OCR cache:

  without   raster → clean (ingest/preprocess.py) → OCR                 (what the pipeline did before)
  native    raster → rectify, the page kept at the photo's resolution → clean → OCR
  with      raster → rectify (ingest/perspective.py: enlarged to A4 at 300 dpi) → clean → OCR
                                                                        (what the page job does now)

and compared with the rendered page's lines: strict CER (:func:`ingest.text.cer`, reading order counts)
and any-order CER (:func:`ingest.text.cer_any_order`), weighted by page length; the worst page; mean word
confidence; the time the corner search and warp take per page.

    python benchmarks/photo_bench.py [--more 2] [--json bench-photo.json]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
from _common import pct, print_table, write_json
from PIL import Image

from ingest import engines
from ingest.ocr import OcrSettings
from ingest.perspective import rectify
from ingest.preprocess import clean
from ingest.resolution import recognise
from ingest.text import cer, cer_any_order, squash
from pipelines.samples.inbox import phone_photos
from pipelines.samples.spec import load_specs

VARIANTS = ("without", "native", "with")


def read(engine: engines.OcrEngine, image: np.ndarray) -> tuple[str, float | None]:
    page = recognise(engine, clean(image).image, OcrSettings().text_px)  # as the pipeline reads
    return page.text, page.confidence


def measure(seeds: list[int]) -> list[dict]:
    spec = next(s for s in load_specs() if s.name.startswith("21_"))
    engine = engines.create(OcrSettings())
    rows = []
    for seed in seeds:
        for n, (data, page) in enumerate(phone_photos(spec, seed), 1):
            raw = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
            start = time.perf_counter()
            fixed = rectify(raw)
            seconds = time.perf_counter() - start
            row = {"seed": seed, "page": n, "chars": len(squash(" ".join(page.lines))), "steps": fixed.steps,
                   "rectify_s": round(seconds, 3), "size": fixed.image.shape[:2]}
            for name, image in (("without", raw), ("native", rectify(raw, 0).image), ("with", fixed.image)):
                text, conf = read(engine, image)
                row[name] = {"cer": cer("\n".join(page.lines), text), "cer_any_order": cer_any_order(page.lines, text),
                             "confidence": conf}
            rows.append(row)
            print(f"seed {seed} page {n}: strict {pct(row['without']['cer'])} → {pct(row['with']['cer'])}",
                  file=sys.stderr)
    return rows


def summary(rows: list[dict]) -> dict:
    chars = sum(r["chars"] for r in rows) or 1
    out = {}
    for name in VARIANTS:
        out[name] = {
            "cer": sum(r[name]["cer"] * r["chars"] for r in rows) / chars,
            "cer_any_order": sum(r[name]["cer_any_order"] * r["chars"] for r in rows) / chars,
            "worst_page_cer": max(r[name]["cer"] for r in rows),
            "confidence": sum(r[name]["confidence"] or 0 for r in rows) / len(rows),
        }
    out["pages"], out["chars"] = len(rows), chars
    out["corrected_pages"] = sum(r["steps"] == ["perspective"] for r in rows)
    out["rectify_s_mean"] = sum(r["rectify_s"] for r in rows) / len(rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--more", type=int, default=0, help="photograph the report N more times (other seeds)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    rows = measure([2024, *range(3000, 3000 + args.more)])
    figs = summary(rows)
    print_table(["", "strict CER", "any-order CER", "worst page (strict)", "mean confidence"],
                [[name, pct(figs[name]["cer"]), pct(figs[name]["cer_any_order"]), pct(figs[name]["worst_page_cer"]),
                  f"{figs[name]['confidence']:.1f}"] for name in VARIANTS],
                title=f"{figs['pages']} photographed pages, {figs['chars']} characters; perspective corrected on "
                      f"{figs['corrected_pages']}; corner search + warp {figs['rectify_s_mean']:.2f} s/page")
    per_page = [[r["seed"], r["page"], *(pct(r[v]["cer"]) for v in VARIANTS),
                 *(pct(r[v]["cer_any_order"]) for v in VARIANTS)] for r in rows]
    print_table(["seed", "page", *(f"strict {v}" for v in VARIANTS), *(f"any-order {v}" for v in VARIANTS)],
                per_page, title="per page")
    write_json(args.json, {"summary": figs, "pages": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
