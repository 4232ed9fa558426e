"""What the symbol and heading tiers cost per search, measured in one process on one index.

    python benchmarks/ranking_cost.py [--pages 20000] [--repeat 5]

Builds the SQLite index of ``--pages`` generated pages (``search_corpus.py``, headings included) and runs
``search_bench.py``'s 50 queries alternately with the tiers (``heads.lifted`` as built) and without them
(``heads.lifted`` replaced by one that lifts nothing: the body ranking alone, what the search did before),
``--repeat`` times each. CPU time of the process (``time.process_time``), so that other work on a shared
machine slows both sides alike instead of whichever ran at the wrong moment; median per query, then
p50/p95 over the queries, and the queries whose first page of hits the tiers changed.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_bench import QUERIES, _pct  # noqa: E402
from search_corpus import generate_pages  # noqa: E402

from search.backends import heads  # noqa: E402
from search.backends.sqlite import SqliteBackend, tune_connection  # noqa: E402


def _nothing(db, query, ids, pages):  # noqa: ANN001, ANN202 - the signature of heads.lifted
    return np.zeros(0, dtype=np.int64), np.zeros(0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    built = heads.lifted
    with tempfile.TemporaryDirectory(prefix="ranking-cost-") as tmp:
        db = sqlite3.connect(Path(tmp) / "index.sqlite3")
        db.execute("PRAGMA journal_mode=WAL")
        tune_connection(db)
        backend = SqliteBackend(db)
        backend.rebuild(generate_pages(args.pages))
        db.commit()
        times: dict[str, list[float]] = {"tiers": [], "body only": []}
        changed = 0
        for _, req in QUERIES:
            runs: dict[str, list[float]] = {"tiers": [], "body only": []}
            tops = {}
            for _ in range(args.repeat + 1):  # the first round warms up
                for name, fn in (("tiers", built), ("body only", _nothing)):
                    heads.lifted = fn
                    started = time.process_time()
                    result = backend.search(req)
                    runs[name].append((time.process_time() - started) * 1000)
                    tops[name] = [(h.doc_id, h.page) for h in result.hits]
            heads.lifted = built
            changed += tops["tiers"] != tops["body only"]
            for name, values in runs.items():
                times[name].append(statistics.median(values[1:]))
        db.close()
    print(f"ranking cost: {args.pages:,} generated pages, {len(QUERIES)} queries of search_bench.py, "
          f"median of {args.repeat} per query, process CPU ms (total + 3 facets + 20 snippets each)\n")
    print(f"{'ranking':10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'mean ms':>8}")
    for name, values in times.items():
        print(f"{name:10} {statistics.median(values):>8.1f} {_pct(values, 0.95):>8.1f} {max(values):>8.1f} "
              f"{statistics.mean(values):>8.1f}")
    deltas = [a - b for a, b in zip(times["tiers"], times["body only"], strict=True)]
    print(f"\nper query, tiers minus body only: median {statistics.median(deltas):+.1f} ms, "
          f"max {max(deltas):+.1f} ms, min {min(deltas):+.1f} ms; first 20 hits changed on {changed} of "
          f"{len(QUERIES)} queries")
    worst = sorted(zip(deltas, (r.query for _, r in QUERIES), strict=True), reverse=True)[:5]
    for delta, query in worst:
        print(f"  {query[:50]:50} {delta:+.1f} ms")


if __name__ == "__main__":
    main()
