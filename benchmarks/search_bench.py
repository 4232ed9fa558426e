"""Search benchmark: 100,000 generated pages, the SQLite FTS5 backend against tantivy, one core, warm.

    python benchmarks/search_bench.py [--pages N | --quick] [--repeat 3] [--workdir DIR] [--json FILE]

Builds the SQLite index the way the app does (``SqliteBackend.rebuild`` on a WAL-mode file, one
commit; ``tune_connection`` — 64 MB page cache, mmap — unless ``--no-tune``), reports build seconds
and size on disk, then runs 50 fixed queries (single words, phrases, no-diacritic, prefix, OR,
exclusion, filtered, date-sorted), each once to warm up and ``--repeat`` times timed; a query's
latency is its median, and p50/p95/max are over the 50 queries. Every search computes the total,
all three facets and 20 highlighted snippets. Then the same for tantivy (same tokens, same query
semantics) and whether the two engines agree on totals and top-10 pages. ``--floor`` adds, per query,
what FTS5 alone costs to count the matches and rank the top 20 by BM25 (no facets, no snippets).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_corpus import generate_pages  # noqa: E402

from search.analysis import parse_query  # noqa: E402
from search.backends.fts5 import exact_expression, folded_expression  # noqa: E402
from search.backends.sqlite import SqliteBackend, tune_connection  # noqa: E402
from search.model import Filters, SearchRequest  # noqa: E402

R = SearchRequest
F = Filters
QUERIES: list[tuple[str, SearchRequest]] = [
    *[("word", R(q)) for q in ("tham nhũng", "kê khai", "xung đột lợi ích", "đấu thầu", "Krông", "giải phóng mặt bằng",
                               "tái định cư", "quà tặng", "Chánh Thanh tra", "Nguyễn Văn Hùng")],
    *[("phrase", R(q)) for q in ('"kê khai tài sản, thu nhập"', '"chuyển đổi vị trí công tác"',
                                 '"thanh toán không dùng tiền mặt"', '"không có vùng cấm"', '"10/CT-TTg"',
                                 "59/2019/NĐ-CP", '"người đứng đầu"', '"Đắk Lắk"', '"trạm y tế"',
                                 '"thu hồi tài sản tham nhũng"')],
    *[("folded", R(q)) for q in ("tham nhung", "dak lak", '"chuyen doi vi tri cong tac"', "ke khai tai san",
                                 "xu ly ky luat", "giai quyet khieu nai to cao", '"nguoi dung dau"',
                                 "quy tac ung xu")],
    *[("prefix", R(q)) for q in ("nhũ*", "tham nhũ*", "khiếu*", "Krô*", '"chuyển đổi vị trí công tác*"',
                                 "thanh tra*")],
    *[("or/not", R(q)) for q in ('"tặng quà" OR "quà tặng"', 'đấu thầu OR "chỉ định thầu"', "khiếu nại OR tố cáo",
                                 '"Luật Tố cáo" OR "Luật Khiếu nại"', 'đất đai -"giải phóng mặt bằng"',
                                 'tham nhũng -"khu vực ngoài nhà nước"')],
    ("filtered", R("tham nhũng", F(units="Sở Nội vụ"))),
    ("filtered", R("kê khai tài sản", F(doc_types="BC"))),
    ("filtered", R('"chuyển đổi vị trí công tác"', F(in_period=True))),
    ("filtered", R("đấu thầu", F(issued_from=date(2024, 1, 1), issued_to=date(2024, 6, 30)))),
    ("filtered", R("tham nhũng", F(indicators="B.1.1"))),
    ("filtered", R('"kê khai tài sản"', F(method="ocr", min_confidence=90))),
    ("filtered", R("cải cách hành chính", F(doc_types="KH", units="Thanh tra tỉnh"))),
    ("filtered", R("tiếp công dân", F(units="Sở Tư pháp", in_period=True))),
    ("date", R("tham nhũng", sort="date")),
    ("date", R('"xử lý kỷ luật"', F(doc_types="QĐ"), sort="date")),
]


def _timed(fn, repeat: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _summary(latencies: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(latencies), 1), "p95": round(_pct(latencies, 0.95), 1),
            "max": round(max(latencies), 1)}


def _run_queries(search, out: dict, repeat: int) -> None:
    """Time every query; ``search(req)`` returns (total, [(doc_id, page)] of the shown hits)."""
    for kind, req in QUERIES:
        ms, (total, keys) = _timed(lambda req=req: search(req), repeat)
        out["queries"].append({"kind": kind, "query": req.query, "ms": round(ms, 2), "total": total,
                               "top": keys[:10]})


def build_sqlite(pages, path: Path, tune: bool = True) -> tuple[SqliteBackend, dict]:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if tune:
        tune_connection(db)
    backend = SqliteBackend(db)
    started = time.perf_counter()
    backend.rebuild(pages)
    db.commit()
    build = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    parts = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    fts = sum(v for k, v in parts.items() if k.startswith("search_fts"))
    return backend, {"build_s": round(build, 1), "size_mb": round(path.stat().st_size / 1e6, 1),
                     "fts_mb": round(fts / 1e6, 1), "text_mb": round(parts.get("search_docs", 0) / 1e6, 1),
                     "queries": []}


def sqlite_search(backend: SqliteBackend):
    def search(req: SearchRequest) -> tuple[int, list[tuple[str, int]]]:
        result = backend.search(req)
        return result.total, [(h.doc_id, h.page) for h in result.hits]

    return search


def fts5_floor(db: sqlite3.Connection, repeat: int) -> list[dict]:
    """What FTS5 alone costs per query, before any facet, filter, snippet or Python work: listing the
    matches (``count(*)``) and the BM25 top 20 of the first ranking tier (``ORDER BY bm25 LIMIT 20``).
    Their sum is a floor for any exact-BM25 search on FTS5 (filters and date order are left out)."""
    out = []
    for kind, req in QUERIES:
        query = parse_query(req.query)
        folded = folded_expression(query)
        ranked = exact_expression(query) if query.accented else folded
        count_ms, (total,) = _timed(lambda e=folded: db.execute(
            "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (e,)).fetchone(), repeat)
        rank_ms, _ = _timed(lambda e=ranked: db.execute(
            "SELECT rowid, bm25(search_fts) AS s FROM search_fts WHERE search_fts MATCH ? ORDER BY s LIMIT 20",
            (e,)).fetchall(), repeat)
        out.append({"kind": kind, "query": req.query, "total": total, "count_ms": round(count_ms, 2),
                    "bm25_ms": round(rank_ms, 2), "floor_ms": round(count_ms + rank_ms, 2)})
    return out


def _floor_table(rows: list[dict]) -> str:
    rows = [r for r in rows if r["kind"] not in ("filtered", "date")]  # timed without their filter or order
    over = [r for r in rows if r["floor_ms"] > 50]
    lines = ["", "", "FTS5 floor (count + BM25 top 20, nothing else) of the unfiltered relevance queries:",
             f"{'query':42} {'total':>7} {'count ms':>9} {'bm25 ms':>8} {'floor ms':>9}"]
    lines += [f"{r['query'][:42]:42} {r['total']:>7} {r['count_ms']:>9.1f} {r['bm25_ms']:>8.1f} {r['floor_ms']:>9.1f}"
              for r in rows]
    floors = [r["floor_ms"] for r in rows]
    lines += ["", f"floor p50 {statistics.median(floors):.1f} ms, p95 {_pct(floors, 0.95):.1f} ms; "
                  f"{len(over)} of {len(rows)} queries have a floor above 50 ms"]
    return "\n".join(lines)


def build_tantivy(pages, path: Path):
    from search_tantivy import TantivyEngine

    engine = TantivyEngine(path)
    build = engine.build(pages)
    return engine, {"build_s": round(build, 1), "size_mb": round(engine.size_mb(), 1), "queries": []}


def tantivy_search(engine):
    def search(req: SearchRequest) -> tuple[int, list[tuple[str, int]]]:
        total, keys, _ = engine.search(req)
        return total, keys

    return search


def _table(n_pages: int, gen_s: float, results: dict[str, dict]) -> str:
    lines = [f"search benchmark: {n_pages:,} pages (generated in {gen_s:.0f} s), 1 core, {len(QUERIES)} queries, "
             "each with total + 3 facets + 20 snippets", "",
             f"{'engine':10} {'build s':>8} {'size MB':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
    for name, r in results.items():
        s = _summary([q["ms"] for q in r["queries"]])
        extra = f"   (FTS index {r['fts_mb']} MB, compressed text {r['text_mb']} MB)" if "fts_mb" in r else ""
        lines.append(f"{name:10} {r['build_s']:>8} {r['size_mb']:>8} {s['p50']:>8} {s['p95']:>8} {s['max']:>8}{extra}")
    lines += ["", f"{'kind':10} " + " ".join(f"{name + ' p50/max':>22}" for name in results)]
    for kind in dict.fromkeys(k for k, _ in QUERIES):
        cells = []
        for r in results.values():
            ms = [q["ms"] for q in r["queries"] if q["kind"] == kind]
            cells.append(f"{statistics.median(ms):>10.1f} / {max(ms):>9.1f}")
        lines.append(f"{kind:10} " + " ".join(cells))
    if len(results) == 2:
        a, b = (r["queries"] for r in results.values())
        same_total = sum(x["total"] == y["total"] for x, y in zip(a, b, strict=True))
        overlap = [len(set(map(tuple, x["top"])) & set(map(tuple, y["top"]))) / max(1, min(10, len(x["top"])))
                   for x, y in zip(a, b, strict=True)]
        lines += ["", f"agreement: same total on {same_total}/{len(a)} queries; top-10 overlap mean "
                      f"{statistics.mean(overlap):.0%}, identical top-10 sets on {sum(o == 1 for o in overlap)}"]
    lines += ["", f"{'query':42} {'total':>7} " + " ".join(f"{name + ' ms':>12}" for name in results)]
    for i, (_, req) in enumerate(QUERIES):
        row = [r["queries"][i] for r in results.values()]
        lines.append(f"{req.query[:42]:42} {row[0]['total']:>7} " + " ".join(f"{q['ms']:>12.1f}" for q in row))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="10,000 pages")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-tantivy", action="store_true")
    ap.add_argument("--no-tune", action="store_true", help="SQLite's default page cache, no mmap")
    ap.add_argument("--floor", action="store_true", help="also time FTS5's bare count and BM25 per query")
    ap.add_argument("--workdir", type=Path, help="keep the indexes here (default: a temporary directory)")
    ap.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = ap.parse_args()
    n_pages = 10_000 if args.quick else args.pages
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    started = time.perf_counter()
    pages = list(generate_pages(n_pages))
    gen_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for stale in (work / "search.sqlite3", work / "search.sqlite3-wal", work / "search.sqlite3-shm"):
            stale.unlink(missing_ok=True)
        backend, results = build_sqlite(pages, work / "search.sqlite3", not args.no_tune)
        engines = {"sqlite": (sqlite_search(backend), results)}
        if not args.no_tantivy:
            engine, numbers = build_tantivy(pages, work / f"tantivy-{time.time_ns()}")
            engines["tantivy"] = (tantivy_search(engine), numbers)
        del pages  # the generated corpus is not part of a search process: keep the GC from walking it
        gc.collect()
        gc.freeze()
        for search, numbers in engines.values():
            _run_queries(search, numbers, args.repeat)
        floor = fts5_floor(backend.db, args.repeat) if args.floor else []
        results = {name: numbers for name, (_, numbers) in engines.items()}
    print(_table(n_pages, gen_s, results) + (_floor_table(floor) if floor else ""))
    if args.json:
        args.json.write_text(json.dumps({"pages": n_pages, "results": results, "fts5_floor": floor},
                                        ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
