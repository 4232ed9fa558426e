"""What each cleaning step is worth: CER of tesseract on sample scans with all steps, and with each step
left out in turn (ingest/preprocess.py keeps only steps whose removal raises CER).

    python benchmarks/preprocess_ablation.py [--lang Vietnamese] [--pages-per-profile 1] [--jobs 2]

Also compares the two Vietnamese models (`Vietnamese` script model vs `vie`) with all steps on.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ingest.engines import create
from ingest.ocr import OcrSettings
from ingest.preprocess import STEPS, clean
from ingest.text import cer_any_order, squash
from pipelines.samples.inbox import PROFILES, scan_pages
from pipelines.samples.spec import load_specs


def _pages(per_profile: int) -> list[tuple[str, np.ndarray, list[str]]]:
    specs = load_specs()
    out = []
    for k, profile in enumerate(sorted(PROFILES)):
        spec = specs[k % len(specs)]
        rendered = scan_pages(spec, profile, np.random.default_rng(k))
        # first pages (header) and the last page (signature, red seal) of each document
        for img, page in rendered[:per_profile] + rendered[-1:]:
            out.append((profile, np.asarray(img), page.lines))
    return out


def _run(args: tuple[str, np.ndarray, list[str], frozenset[str], str]) -> tuple[str, str, float, int, float]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    profile, image, lines, skip, lang = args
    start = time.perf_counter()
    page = create(OcrSettings(lang=lang)).recognise(clean(image, skip=skip).image)
    size = len(squash(" ".join(lines)))
    return profile, ",".join(sorted(skip)) or "(all steps)", cer_any_order(lines, page.text) * size, size, \
        time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default="Vietnamese")
    ap.add_argument("--pages-per-profile", type=int, default=1, help="first pages; the last page is always added")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    pages = _pages(a.pages_per_profile)
    variants: list[tuple[frozenset[str], str]] = [(frozenset(), a.lang)]
    variants += [(frozenset({s}), a.lang) for s in STEPS]
    variants += [(frozenset(STEPS), a.lang), (frozenset(), "vie")]
    jobs = [(p, img, lines, skip, lang) for skip, lang in variants for p, img, lines in pages]
    with ProcessPoolExecutor(a.jobs) as pool:
        results = list(pool.map(_run, jobs))
    table: dict[str, list[float]] = {}
    for (_, _, _, _, lang), (_, name, err, size, secs) in zip(jobs, results, strict=True):
        key = f"{name} [{lang}]"
        acc = table.setdefault(key, [0.0, 0, 0.0])
        acc[0] += err
        acc[1] += size
        acc[2] += secs
    print(f"{len(pages)} pages ({', '.join(sorted(PROFILES))}), CER independent of line order")
    print(f"{'variant':40} {'CER %':>8} {'s/page':>8}")
    rows = {}
    for key, (err, size, secs) in table.items():
        rows[key] = {"cer": err / size, "seconds_per_page": secs / len(pages)}
        label = key if key.startswith("(all") or "vie]" in key else "without " + key
        print(f"{label:40} {100 * err / size:8.3f} {secs / len(pages):8.2f}")
    if a.json_out:
        with open(a.json_out, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
