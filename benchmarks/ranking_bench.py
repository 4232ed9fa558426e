"""Ranking benchmark: does the document an inspector is looking for come first?

    python benchmarks/ranking_bench.py [--home DIR] [--pages 10000] [--queries FILE] [--json FILE]

The documents are the sample inbox's (``minhchung samples`` ingested with ``--unit-from-folder``: real
OCR, real classification; ``--home`` reuses a data home that holds exactly that). Each query of
``benchmarks/ranking_queries.yaml`` names the sample document that must come first; a hit counts for the
sample text it was cut from (a document sent as several files counts for the same text whichever file
is hit). Reported: top-1 (the first document of the results is the expected one) and top-3 (it is among
the first three distinct documents), per query kind and overall,

* on the sample documents alone, and on them plus ``--pages`` generated pages of other units'
  documents (``benchmarks/search_corpus.py``: the same PCTN vocabulary, so their bodies repeat the
  queries' words);
* with the ranking as built (symbol and heading tiers, ``search/ranking.py``) and as a baseline with the
  pages' headings emptied (no symbol, type name, trích yếu or signer: the body ranking alone, which is
  what the search did before).

With the generated pages a query can name a subject that other units' documents carry in their own
trích yếu too (the generator's topics are the samples' topics: "thanh toán không dùng tiền mặt" is the
title of hundreds of plans in a province). Such a query has no one right first document: it is counted
apart as *shared* (its words match the heading of a generated document), and for it the table reports
whether the first result's heading matches the query (a document about that subject came first).

Targets (issue 14): top-1 ≥ 90 %, top-3 = 100 %.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import check_ingest, run_ingest  # noqa: E402
from search_corpus import generate_pages  # noqa: E402

from pipelines.catalog.db import connect  # noqa: E402
from pipelines.samples.inbox import Manifest, generate_inbox  # noqa: E402
from pipelines.services.search import page_records  # noqa: E402
from search.analysis import parse_query  # noqa: E402
from search.backends.fts5 import exact_expression, folded_expression  # noqa: E402
from search.backends.sqlite import SqliteBackend  # noqa: E402
from search.model import PageRecord, SearchRequest  # noqa: E402

TOP = 3


def sample_pages(home: Path, manifest: Manifest) -> tuple[list[PageRecord], dict[str, str]]:
    """The sample catalog's pages and, per document id, the sample text (``01``…) it comes from."""
    by_path = {f.path: f for f in manifest.good}
    db = connect(home / "catalog.sqlite3")
    pages = list(page_records(db))
    spec: dict[str, str] = {}
    for page in pages:
        if page.doc_id in spec or not page.source:
            continue
        file = by_path.get(page.source.split("/", 1)[1])  # "inbox/<unit>/<file>" → "<unit>/<file>"
        first = int(page.doc_id.rsplit("-", 1)[1])
        if file is not None and first <= len(file.pages):
            spec[page.doc_id] = file.pages[first - 1].doc[:2]
    db.close()
    return pages, spec


def bare(page: PageRecord) -> PageRecord:
    """The page without the facts the ranking tiers read (the baseline)."""
    return replace(page, symbol=None, subject=None, **{k: None for k in ("doc_type_name", "signer")
                                                        if hasattr(page, k)})


def titled(db: sqlite3.Connection, query: str) -> set[str]:
    """The documents whose heading matches the whole query (as the heading tier reads it)."""
    parsed = parse_query(query)
    expr = exact_expression(parsed) if parsed.accented else folded_expression(parsed)
    return {r[0] for r in db.execute("SELECT h.doc_id FROM search_head_fts f JOIN search_heads h ON h.id = f.rowid "
                                     "WHERE search_head_fts MATCH ?", (expr,))}


def evaluate(pages: list[PageRecord], spec: dict[str, str], queries: list[dict], path: Path) -> list[dict]:
    path.unlink(missing_ok=True)
    backend = SqliteBackend(sqlite3.connect(path))
    backend.rebuild(pages)
    backend.db.commit()
    out = []
    for item in queries:
        result = backend.search(SearchRequest(item["q"], limit=100, facets=False))
        seen: list[str] = []
        for hit in result.hits:
            name = spec.get(hit.doc_id, "other")
            if name not in seen:
                seen.append(name)
        rank = seen.index(item["expect"]) + 1 if item["expect"] in seen else None
        heads = titled(backend.db, item["q"])
        out.append({**item, "rank": rank, "first": seen[:TOP], "total": result.total,
                    "shared": any(doc not in spec for doc in heads),
                    "first_titled": bool(result.hits) and result.hits[0].doc_id in heads})
    backend.db.close()
    return out


def summary(rows: list[dict], shared: set[str]) -> dict[str, dict[str, float]]:
    """Top-1 and top-3 per kind over the queries with one right answer; the ``shared`` queries (by text)
    apart, with how often the first document's heading matched them."""
    kinds: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["q"] in shared:
            kinds["shared"].append(row)
            continue
        kinds[row["kind"]].append(row)
        kinds["all"].append(row)
    out = {kind: {"n": len(rs), "top1": sum(r["rank"] == 1 for r in rs) / len(rs),
                  "top3": sum(r["rank"] is not None and r["rank"] <= TOP for r in rs) / len(rs)}
           for kind, rs in kinds.items() if kind != "shared"}
    if kinds["shared"]:
        rs = kinds["shared"]
        out["shared"] = {"n": len(rs), "top1": sum(r["rank"] == 1 for r in rs) / len(rs),
                         "top3": sum(r["rank"] is not None and r["rank"] <= TOP for r in rs) / len(rs),
                         "first_titled": sum(r["first_titled"] for r in rs) / len(rs)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, help="a data home holding the ingested sample inbox (else made here)")
    ap.add_argument("--pages", type=int, default=10_000, help="generated pages added as other documents")
    ap.add_argument("--queries", type=Path, default=ROOT / "benchmarks" / "ranking_queries.yaml")
    ap.add_argument("--ocr-cache", type=Path, default=ROOT / ".cache" / "ocr")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    queries = yaml.safe_load(args.queries.read_text(encoding="utf-8"))["queries"]
    with tempfile.TemporaryDirectory(prefix="ranking-bench-") as tmp:
        work = Path(tmp)
        manifest = generate_inbox(work / "inbox")
        home = args.home or work / "home"
        if not (home / "catalog.sqlite3").exists():
            check_ingest(run_ingest(home, [work / "inbox"], args.ocr_cache, ["--unit-from-folder"]), "samples")
        samples, spec = sample_pages(home, manifest)
        other = list(generate_pages(args.pages)) if args.pages else []
        runs = {}
        for corpus, pages in (("samples", samples), (f"samples + {args.pages:,} pages", samples + other)):
            for mode, shown in (("tiers", pages), ("baseline", [bare(p) for p in pages])):
                runs[(corpus, mode)] = evaluate(shown, spec, queries, work / "index.sqlite3")
    print(f"ranking benchmark: {len(queries)} queries, {len(set(spec.values()))} sample documents "
          f"({len(samples)} pages)\n")
    shared = {corpus: {r["q"] for r in rows if r["shared"]} for (corpus, mode), rows in runs.items() if mode == "tiers"}
    summaries = {key: summary(rows, shared[key[0]]) for key, rows in runs.items()}
    print(f"{'corpus':26} {'ranking':9} {'kind':13} {'n':>3} {'top-1':>7} {'top-3':>7} {'first titled':>12}")
    for (corpus, mode), table in summaries.items():
        for kind, s in table.items():
            extra = f"{s['first_titled']:>12.1%}" if "first_titled" in s else ""
            print(f"{corpus:26} {mode:9} {kind:13} {s['n']:>3} {s['top1']:>7.1%} {s['top3']:>7.1%} {extra}")
    print("\nqueries not first (rank among distinct documents; first three shown):")
    for (corpus, mode), rows in runs.items():
        for row in rows:
            if row["rank"] != 1:
                tag = " (shared)" if row["q"] in shared[corpus] else ""
                print(f"  {corpus:26} {mode:9} {row['q'][:48]:48} expect {row['expect']} rank {row['rank']} "
                      f"first {row['first']}{tag}")
    if args.json:
        args.json.write_text(json.dumps({f"{c} | {m}": {"summary": summaries[(c, m)], "queries": r}
                                         for (c, m), r in runs.items()}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
