"""Near-duplicate probe: how far apart are distinct documents, how close are copies, on a data home.

    python benchmarks/duplicates_probe.py HOME [HOME ...]

For every pair of documents of different files in each data home: whether they share the issue date,
the symbol and the issuer (compared as ``pipelines/catalog/duplicates.py`` compares them) and the Jaccard
similarity of their word 3-shingles; then the pairs the rule flags. Run it on the ingested sample inbox
(distinct documents only: any flag there is a false positive) and on a home with a known rescan.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.catalog import duplicates  # noqa: E402
from pipelines.catalog.db import connect  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("homes", nargs="+", type=Path)
    args = ap.parse_args()
    for home in args.homes:
        db = connect(home / "catalog.sqlite3")
        facts = [duplicates.Facts(*r) for r in db.execute(duplicates._EFFECTIVE)]
        texts = {f.id: duplicates.shingles(duplicates._text(db, f.id)) for f in facts}
        pairs = [(a, b) for a, b in itertools.combinations(facts, 2) if a.sha256 != b.sha256]
        rows = []
        for a, b in pairs:
            rows.append((duplicates.jaccard(texts[a.id], texts[b.id]), a.issued == b.issued and bool(a.issued),
                         bool(duplicates.key(a.symbol)) and duplicates.key(a.symbol) == duplicates.key(b.symbol),
                         bool(duplicates.key(a.issuer)) and duplicates.key(a.issuer) == duplicates.key(b.issuer),
                         duplicates.alike(db, a, b), a, b))
        rows.sort(key=lambda r: -r[0])
        print(f"\n{home}: {len(facts)} documents, {len(pairs)} pairs of different files; "
              f"{sum(r[1] for r in rows)} share an issue date")
        print(f"{'jaccard':>8} {'date':>5} {'symbol':>6} {'issuer':>6} {'flag':>5}  documents")
        for jac, day, sym, iss, flag, a, b in rows[:12]:
            print(f"{jac:>8.3f} {day!s:>5} {sym!s:>6} {iss!s:>6} {flag!s:>5}  {a.id} {a.symbol} / {b.id} {b.symbol}")
        same_day = [r for r in rows if r[1]]
        for jac, _, sym, iss, flag, a, b in same_day:
            print(f"  same date {a.issued}: {a.symbol} / {b.symbol}: symbol {sym}, issuer {iss}, "
                  f"jaccard {jac:.3f}, flagged {flag}")
        print(f"flagged: {sum(r[4] for r in rows)} pairs")
        db.close()


if __name__ == "__main__":
    main()
