"""Would exact top-k pruning by term-frequency tiers speed up BM25 ranking on FTS5? A measured answer.

    python benchmarks/search_bench.py --workdir /tmp/sb --no-tantivy     # builds /tmp/sb/search.sqlite3
    python benchmarks/search_tiers_probe.py /tmp/sb/search.sqlite3 [--work DIR]

Builds, from the benchmark's index, a side FTS5 table with the folded text plus three tier columns
(the tokens a page has at least 2, 4 and 8 times). For each AND-of-words query it times FTS5's BM25 top 20
over all matches, then the pruned way: the pages where every query token reaches tier H (8, then 4, then 2)
are ranked with the tier columns weighted 0, and their 20th score is compared with an upper bound for
every other page:

    sum(idf) * 2.2 - min(idf * (2.2 - g(H - 1))),   g(tf) = 2.2 * tf / (tf + 0.298)

``g`` is FTS5's BM25 term factor on this index (``columnsize=0``: no length normalisation; 0.298 was
fitted from the score of a tf-1 page). If the 20th score is above the bound, the pruned top 20 is exact
(the script checks that against the full ranking); else the next tier is tried, then the full ranking.
"""

from __future__ import annotations

import argparse
import collections
import math
import sqlite3
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.analysis import index_forms  # noqa: E402
from search.backends.sqlite import tune_connection  # noqa: E402

QUERIES = ("tham nhung", "ke khai", "ke khai tai san", "xu ly ky luat", "giai quyet khieu nai to cao",
           "tai dinh cu", "quy tac ung xu", "xung dot loi ich", "giai phong mat bang", "chanh thanh tra")
TIERS = (8, 4, 2)
K = 0.298
RANK = "SELECT rowid, bm25(f, 1.0, 0.0, 0.0, 0.0) s FROM f WHERE f MATCH ? ORDER BY s, rowid LIMIT 20"


def build(index: Path, out: Path) -> sqlite3.Connection:
    out.unlink(missing_ok=True)
    db = sqlite3.connect(out)
    db.execute("CREATE VIRTUAL TABLE f USING fts5(folded, t2, t4, t8, content='', columnsize=0, "
               "tokenize='unicode61 remove_diacritics 0')")
    src = sqlite3.connect(index)
    for rowid, blob in src.execute("SELECT id, text FROM search_docs"):
        _, folded = index_forms(zlib.decompress(blob).decode("utf-8"))
        counts = collections.Counter(folded.split())
        tiers = [" ".join(sorted(t for t, n in counts.items() if n >= h)) for h in (2, 4, 8)]
        db.execute("INSERT INTO f (rowid, folded, t2, t4, t8) VALUES (?, ?, ?, ?, ?)", (rowid, folded, *tiers))
    db.execute("INSERT INTO f (f) VALUES ('optimize')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, col)")
    db.commit()
    tune_connection(db)
    return db


def timed(db: sqlite3.Connection, expr: str) -> tuple[float, list]:
    db.execute(RANK, (expr,)).fetchall()
    best, rows = math.inf, []
    for _ in range(3):
        started = time.perf_counter()
        rows = db.execute(RANK, (expr,)).fetchall()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, rows


def probe(db: sqlite3.Connection, query: str, pages: int) -> str:
    tokens = sorted(set(query.split()))
    base = " AND ".join(f'folded : "{t}"' for t in tokens)
    full_ms, full = timed(db, base)
    matches = db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (base,)).fetchone()[0]
    idfs = []
    for token in tokens:
        row = db.execute("SELECT doc FROM v WHERE term = ? AND col = 'folded'", (token,)).fetchone()
        hits = row[0] if row else 0
        idfs.append(max(1e-6, math.log((pages - hits + 0.5) / (hits + 0.5))))
    spent, verdict = 0.0, "fallback to the full ranking"
    for h in TIERS:
        ms, top = timed(db, base + " AND " + " AND ".join(f't{h} : "{t}"' for t in tokens))
        spent += ms
        if len(top) < 20:
            continue
        bound = sum(i * 2.2 for i in idfs) - min(i * (2.2 - 2.2 * (h - 1) / (h - 1 + K)) for i in idfs)
        if -top[-1][1] > bound * (1 + 1e-9):
            verdict = f"tier {h}, same top 20 as the full ranking: {[r[0] for r in top] == [r[0] for r in full]}"
            break
    else:
        spent += full_ms
    return f"{query:30} {matches:>7} {full_ms:>9.1f} {spent:>10.1f}   {verdict}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path, help="search.sqlite3 left by search_bench.py --workdir")
    ap.add_argument("--work", type=Path, default=Path("/tmp"), help="where the side table is built")
    args = ap.parse_args()
    started = time.perf_counter()
    db = build(args.index, args.work / "search-tiers.sqlite3")
    pages = sqlite3.connect(args.index).execute("SELECT count(*) FROM search_docs").fetchone()[0]
    print(f"side table for {pages:,} pages built in {time.perf_counter() - started:.0f} s\n")
    print(f"{'query':30} {'matches':>7} {'full ms':>9} {'pruned ms':>10}   verdict")
    for query in QUERIES:
        print(probe(db, query, pages))


if __name__ == "__main__":
    main()
