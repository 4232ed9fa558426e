"""What each cleaning step is worth, and which model to read with.

    python benchmarks/preprocess_ablation.py [--lang vie] [--engine tesseract] [--pages-per-profile 1] [--jobs 2]
    python benchmarks/preprocess_ablation.py --models vie,Vietnamese [--pages-per-profile 9]

Ablation (default): CER of the OCR engine on sample scans with all cleaning steps, and with each step left out
in turn (ingest/preprocess.py keeps only steps whose removal raises CER), plus the other Vietnamese model
with all steps on. Pages: the first ``--pages-per-profile`` pages and the last page (signature + red seal)
of one document per degradation profile.

``--models``: every model named, all steps on, per degradation profile: CER any-order and strict (weighted by
page length) and OCR seconds per page (recognition only, cleaning not counted), to choose the default model.

Each worker process keeps one engine per (engine, model): with tesserocr the model is loaded once.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ingest.engines import OcrEngine, create
from ingest.ocr import OcrSettings
from ingest.preprocess import STEPS, clean
from ingest.resolution import recognise
from ingest.text import cer, cer_any_order, squash
from pipelines.samples.inbox import PROFILES, scan_pages
from pipelines.samples.spec import load_specs

Job = tuple[str, np.ndarray, list[str], frozenset[str], str, str, int]  # profile, page, truth, skip, lang, engine, px


def _pages(per_profile: int) -> list[tuple[str, np.ndarray, list[str]]]:
    specs = load_specs()
    out = []
    for k, profile in enumerate(sorted(PROFILES)):
        spec = specs[k % len(specs)]
        rendered = scan_pages(spec, profile, np.random.default_rng(k))
        # first pages (header) and the last page (signature, red seal) of each document
        chosen = rendered[:per_profile] + ([rendered[-1]] if per_profile < len(rendered) else [])
        for img, page in chosen:
            out.append((profile, np.asarray(img), page.lines))
    return out


@functools.cache
def _engine(lang: str, engine: str) -> OcrEngine:
    return create(OcrSettings(lang=lang, engine=engine))


def _run(job: Job) -> tuple[str, float, float, int, float]:
    """(profile, any-order errors, strict errors, characters, OCR seconds) of one page."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    profile, image, lines, skip, lang, engine, text_px = job
    grey = clean(image, skip=skip).image
    start = time.perf_counter()
    page = recognise(_engine(lang, engine), grey, text_px)  # at the size the pipeline reads (ingest.resolution)
    seconds = time.perf_counter() - start
    size = len(squash(" ".join(lines)))
    return profile, cer_any_order(lines, page.text) * size, cer("\n".join(lines), page.text) * size, size, seconds


def _warm(lang_engine: tuple[str, str]) -> None:
    _engine(*lang_engine).recognise(np.full((64, 64), 255, np.uint8))  # the model loaded before timing


def _measure(jobs: list[Job], workers: int) -> list[tuple[str, float, float, int, float]]:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_warm, sorted({(j[4], j[5]) for j in jobs}) * workers))
        return list(pool.map(_run, jobs))


def ablation(a: argparse.Namespace, pages: list) -> dict:
    other = "Vietnamese" if a.lang == "vie" else "vie"
    variants: list[tuple[frozenset[str], str]] = [(frozenset(), a.lang)]
    variants += [(frozenset({s}), a.lang) for s in STEPS]
    variants += [(frozenset(STEPS), a.lang), (frozenset(), other)]
    jobs = [(p, img, lines, skip, lang, a.engine, a.text_px) for skip, lang in variants for p, img, lines in pages]
    table: dict[str, list[float]] = {}
    for job, (_, err, strict, size, secs) in zip(jobs, _measure(jobs, a.jobs), strict=True):
        name = ",".join(sorted(job[3])) or "(all steps)"
        acc = table.setdefault(f"{name} [{job[4]}]", [0.0, 0.0, 0, 0.0])
        acc[0] += err
        acc[1] += strict
        acc[2] += size
        acc[3] += secs
    print(f"{len(pages)} pages ({', '.join(sorted(PROFILES))}), engine {_engine(a.lang, a.engine).id()}")
    print(f"{'variant':44} {'any-order %':>11} {'strict %':>9} {'OCR s/page':>10}")
    rows = {}
    for key, (err, strict, size, secs) in table.items():
        rows[key] = {"cer_any_order": err / size, "cer_strict": strict / size, "ocr_s_per_page": secs / len(pages)}
        label = key if key.startswith("(all") else "without " + key
        print(f"{label:44} {100 * err / size:11.3f} {100 * strict / size:9.3f} {secs / len(pages):10.2f}")
    return rows


def models(a: argparse.Namespace, pages: list) -> dict:
    langs = [m.strip() for m in a.models.split(",") if m.strip()]
    jobs = [(p, img, lines, frozenset(), lang, a.engine, a.text_px) for lang in langs for p, img, lines in pages]
    acc: dict[tuple[str, str], list[float]] = {}
    for job, (profile, err, strict, size, secs) in zip(jobs, _measure(jobs, a.jobs), strict=True):
        for key in ((job[4], profile), (job[4], "all")):
            row = acc.setdefault(key, [0.0, 0.0, 0, 0.0, 0])
            row[0] += err
            row[1] += strict
            row[2] += size
            row[3] += secs
            row[4] += 1
    print(f"{len(pages)} pages, all cleaning steps, engine {_engine(langs[0], a.engine).id().split('|')[0]}")
    heads = [f"{m + ' any %':>16} {'strict %':>9} {'s/page':>7}" for m in langs]
    print(f"{'profile':10} {'pages':>5} " + " ".join(heads))
    rows: dict[str, dict] = {}
    for profile in [*sorted(PROFILES), "all"]:
        cells = []
        for lang in langs:
            err, strict, size, secs, n = acc[(lang, profile)]
            rows.setdefault(profile, {})[lang] = {"pages": n, "cer_any_order": err / size, "cer_strict": strict / size,
                                                  "ocr_s_per_page": secs / n}
            cells.append(f"{100 * err / size:16.3f} {100 * strict / size:9.3f} {secs / n:7.2f}")
        print(f"{profile:10} {acc[(langs[0], profile)][4]:5d} " + " ".join(cells))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default=OcrSettings().lang)
    ap.add_argument("--engine", default="tesseract", help="engine name (tesseract, tesserocr, tesseract-cli)")
    ap.add_argument("--models", help="comma list of models: the per-profile model table instead of the ablation")
    ap.add_argument("--pages-per-profile", type=int, default=1, help="first pages; the last page is always added")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--text-px", type=int, default=OcrSettings().text_px,
                    help="glyph height OCR is given (ingest.resolution); 0: the cleaned page as it is")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    pages = _pages(a.pages_per_profile)
    rows = models(a, pages) if a.models else ablation(a, pages)
    if a.json_out:
        with open(a.json_out, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
