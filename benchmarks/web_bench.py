"""Web throughput: searches per second through ``minhchung serve``, API and page, at 1, 8 and 32 clients.

    python benchmarks/web_bench.py [--home DIR] [--pages N] [--code DIR[=LABEL] ...] [--workers N]
                                   [--threads N ...] [--clients C ...]
                                   [--seconds 8] [--repeat 1] [--json FILE]

Starts ``minhchung serve`` on 127.0.0.1 (a free port; loopback only) as a subprocess over a data home: the
one given with ``--home`` (used as is), else the demo catalog made afresh in a temporary folder
(``minhchung samples`` + ``ingest``, OCR cache ``MINHCHUNG_OCR_CACHE``, default ``.cache/ocr`` of this
checkout, so a warm cache makes it quick). ``--pages N`` then replaces the home's search index by N
generated pages (``search_corpus.generate_pages``, as ``search_bench.py``; the documents stay those of the
demo). A user ``bench`` (inspector) is created; each client logs in once (``POST /api/login``) and keeps its
own keep-alive connection and session.

Each phase drives C concurrent clients (httpx, asyncio, one connection each) for ``--seconds`` (at most
``--max-requests`` requests) after a one-second warm-up, every client going through a fixed list of queries
(words, phrases, without diacritics): ``GET /api/search?q=…`` (API) or ``GET /search?q=…`` (the rendered
page). The app keeps the snippets of the last few thousand hits per index generation, so the repeated list
measures searches that were asked before (the usual case: paging back, the page and the API, a filter
over the same query); ``--unique`` adds ``OR zq<n>`` with a new n to every query — the same pages match
(no page holds the word), but nothing asked before can be reused: the cold figure.

It prints requests per second, p50/p95/p99 latency, errors (any status but 200, or a failed connection),
the server's CPU milliseconds per request (user + system of the server process and its children, from
/proc: steadier than wall time when other work shares the machine), the client's own (it runs on the same
cores) and, for the API, the median of the answers' ``took_ms`` (the search inside the request).

``--code DIR`` serves another source tree (``PYTHONPATH=DIR``, e.g. a ``git worktree`` of an older commit;
the venv's packages are shared): each one builds its own demo home (catalog versions differ between
releases) unless ``--home`` is given. Give ``--code`` several times to compare side by side; ``--repeat``
runs every phase again (the trees taking turns) and reports the median and the spread; ``--clients 8`` runs only
that phase.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from _common import print_table, work_dir, write_json

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only
USER, PASSWORD = "bench", "bench-mat-khau-1"
QUERIES = ("tham nhũng", "kê khai tài sản", "tham nhung", '"phòng, chống tham nhũng"', "kế hoạch", "báo cáo",
           "thanh tra", "ke khai", "công khai minh bạch", "Krông Pắc")
PATHS = {"api": "/api/search", "page": "/search"}
CLIENTS = (1, 8, 32)
FRESH = itertools.count(int(time.time()))  # --unique: a word no page holds, never the same twice


@dataclass
class Phase:
    code: str
    target: str
    clients: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50: float
    p95: float
    p99: float
    server_cpu_ms: float  # per request
    client_cpu_ms: float  # per request
    search_ms: float  # API only: the median of the answers' own took_ms (the search inside the request)


def run(code: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
    cmd = [sys.executable, "-m", "pipelines", *args]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=code, check=False)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return proc.stdout


def code_env(code: Path, ocr_cache: Path, extra: list[Path]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MINHCHUNG_HOME"}
    env["PYTHONPATH"] = os.pathsep.join(map(str, [code, *extra]))
    env["MINHCHUNG_OCR_CACHE"] = str(ocr_cache)
    return env


def demo_home(code: Path, work: Path, env: dict[str, str]) -> Path:
    """The demo catalog (13 documents) made with ``code``'s own CLI."""
    inbox, home = work / "inbox", work / "home"
    if not (home / "catalog.sqlite3").exists():
        print(f"making the demo catalog in {home} …", file=sys.stderr)
        run(code, "samples", str(inbox), env=env)
        run(code, "--home", str(home), "ingest", str(inbox), env=env)
    return home


def large_index(code: Path, home: Path, pages: int, env: dict[str, str]) -> None:
    """Replace the home's search tables by ``pages`` generated pages (the catalog's documents stay)."""
    script = ("import sqlite3, sys\n"
              "from search_corpus import generate_pages\n"
              "from search.backends.sqlite import SqliteBackend\n"
              "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "db.execute('PRAGMA journal_mode=WAL')\n"
              "db.execute('BEGIN IMMEDIATE')\n"
              "SqliteBackend(db).rebuild(generate_pages(int(sys.argv[2])))\n"
              "db.execute('COMMIT')\n")
    env = {**env, "PYTHONPATH": f"{code}{os.pathsep}{ROOT / 'benchmarks'}"}
    print(f"indexing {pages:,} generated pages …", file=sys.stderr)
    subprocess.run([sys.executable, "-c", script, str(home / "catalog.sqlite3"), str(pages)], env=env, check=True,
                   cwd=code)  # (python -c puts the working folder first on sys.path: it must be the code served)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its living descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    total, wanted = 0.0, {pid}
    changed = True
    while changed:
        changed = False
        for child, (parent, _) in stats.items():
            if parent in wanted and child not in wanted:
                wanted.add(child)
                changed = True
    for p in wanted:
        total += stats.get(p, (0, 0.0))[1]
    return total


class Server:
    def __init__(self, code: Path, home: Path, env: dict[str, str], workers: int | None,
                 threads: int | None = None) -> None:
        self.port = free_port()
        args = ["--home", str(home), "serve", "--host", HOST, "--port", str(self.port)]
        if workers:
            args += ["--workers", str(workers)]
        if threads:
            args += ["--threads", str(threads)]
        self.proc = subprocess.Popen([sys.executable, "-m", "pipelines", *args], env=env, cwd=code,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://{HOST}:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the server did not start")
            time.sleep(0.2)

    def cpu(self) -> float:
        return tree_cpu(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def login(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1))
    response = await client.post("/api/login", json={"username": USER, "password": PASSWORD})
    response.raise_for_status()
    return client


async def drive(clients: list[httpx.AsyncClient], path: str, seconds: float, max_requests: int, unique: bool = False
                ) -> tuple[list[float], int, float, list[float]]:
    """Every client requests ``path`` with the queries in turn until the time or the count is used up."""
    latencies: list[float] = []
    took: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + seconds

    async def one(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal errors, issued
        n = offset
        while time.perf_counter() < deadline and issued < max_requests:
            issued += 1
            q = QUERIES[n % len(QUERIES)] + (f" OR zq{next(FRESH)}" if unique else "")
            n += 1
            started = time.perf_counter()
            try:
                response = await client.get(path, params={"q": q})
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok
            if ok and path.startswith("/api/"):
                took.append(response.json()["took_ms"])

    started = time.perf_counter()
    await asyncio.gather(*(one(c, i) for i, c in enumerate(clients)))
    return latencies, errors, time.perf_counter() - started, took


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def phases(label: str, server: Server, args: argparse.Namespace) -> list[Phase]:
    sessions = [await login(server.base) for _ in range(max(args.clients))]
    out = []
    try:
        for target in args.targets:
            for count in args.clients:
                chosen = sessions[:count]
                await drive(chosen, PATHS[target], 1.0, 10**9, args.unique)  # warm-up
                cpu0, own0 = server.cpu(), time.process_time()
                latencies, errors, took, search = await drive(chosen, PATHS[target], args.seconds, args.max_requests,
                                                              args.unique)
                cpu, own = server.cpu() - cpu0, time.process_time() - own0
                n = len(latencies)
                out.append(Phase(label, target, count, n, errors, took, n / took, pct(latencies, .5),
                                 pct(latencies, .95), pct(latencies, .99), 1000 * cpu / n, 1000 * own / n,
                                 pct(search, .5)))
                print(f"  {label} {target} x{count}: {n / took:.1f} req/s, p95 {pct(latencies, .95):.0f} ms",
                      file=sys.stderr)
    finally:
        for client in sessions:
            await client.aclose()
    return out


def summarise(runs: list[Phase]) -> list[list[object]]:
    """One row per (code, target, clients): medians over the repeats, and the req/s spread."""
    rows = []
    keys = list(dict.fromkeys((p.code, p.target, p.clients) for p in runs))
    for key in keys:
        same = [p for p in runs if (p.code, p.target, p.clients) == key]
        med = {f: statistics.median(getattr(p, f) for p in same)
               for f in ("rps", "p50", "p95", "p99", "server_cpu_ms", "client_cpu_ms", "search_ms")}
        rps = [p.rps for p in same]
        spread = f"{min(rps):.0f}–{max(rps):.0f}" if len(same) > 1 else "-"
        rows.append([*key, sum(p.requests for p in same), sum(p.errors for p in same), f"{med['rps']:.1f}", spread,
                     f"{med['p50']:.1f}", f"{med['p95']:.1f}", f"{med['p99']:.1f}", f"{med['server_cpu_ms']:.2f}",
                     f"{med['client_cpu_ms']:.2f}", "-" if math.isnan(med["search_ms"]) else f"{med['search_ms']:.1f}"])
    return rows


def parse_code(value: str) -> tuple[Path, str]:
    path, _, label = value.partition("=")
    return Path(path).resolve(), label or Path(path).name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="an ingested data home to serve (default: the demo, made afresh)")
    parser.add_argument("--pages", type=int, default=0, help="replace the search index by N generated pages")
    parser.add_argument("--code", type=parse_code, action="append",
                        help="a source tree to serve, DIR or DIR=LABEL (repeatable; default: this checkout)")
    parser.add_argument("--workers", type=int, default=None, help="pass --workers N to serve")
    parser.add_argument("--threads", type=int, nargs="+", default=[None],
                        help="pass --threads N to serve; several values: each is a variant of every tree")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per phase")
    parser.add_argument("--max-requests", type=int, default=20_000, help="at most this many requests per phase")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--unique", action="store_true", help="every query new (nothing reusable): the cold figure")
    parser.add_argument("--targets", nargs="+", choices=tuple(PATHS), default=list(PATHS))
    parser.add_argument("--clients", nargs="+", type=int, default=list(CLIENTS), help="concurrent clients per phase")
    parser.add_argument("--ocr-cache", type=Path, default=Path(os.environ.get("MINHCHUNG_OCR_CACHE",
                                                                              ROOT / ".cache" / "ocr")))
    parser.add_argument("--extra-path", type=Path, action="append", default=[],
                        help="a folder added to the server's PYTHONPATH (e.g. pip install --target DIR httptools "
                             "uvloop: uvicorn then uses them)")
    parser.add_argument("--workdir", type=Path, help="keep the demo homes here (reused when present)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    codes = args.code or [(ROOT, "this")]
    results: list[Phase] = []
    with work_dir(args.workdir, False, "web-bench-") as work:
        served = []
        for code, label in codes:
            env = code_env(code, args.ocr_cache.resolve(), args.extra_path)
            home = args.home.resolve() if args.home else demo_home(code, work / label, env)
            if args.pages:
                large_index(code, home, args.pages, env)
            run(code, "--home", str(home), "users", "add", USER, "--role", "inspector", "--password-stdin",
                "--update", stdin=PASSWORD + "\n", env=env)
            served += [(code, f"{label} t{threads}" if threads else label, env, home, threads)
                       for threads in args.threads]
        for _ in range(args.repeat):  # the trees take turns, so a change in the machine's state hits each alike
            for code, label, env, home, threads in served:
                server = Server(code, home, env, args.workers, threads)
                try:
                    results += asyncio.run(phases(label, server, args))
                finally:
                    server.stop()
    headers = ["code", "target", "clients", "requests", "errors", "req/s", "spread", "p50 ms", "p95 ms", "p99 ms",
               "server CPU ms/req", "client CPU ms/req", "took_ms p50"]
    print_table(headers, summarise(results), title=f"web throughput ({args.seconds:g} s per phase, "
                f"{args.repeat} run(s), {args.workers or 'default'} worker(s), "
                f"{'unique' if args.unique else 'repeated'} queries, "
                f"{f'{args.pages:,} generated pages' if args.pages else 'demo catalog'})", left=2)
    write_json(args.json, {"args": {k: str(v) for k, v in vars(args).items()}, "phases": [asdict(p) for p in results]})


if __name__ == "__main__":
    main()
