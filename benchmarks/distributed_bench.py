"""Distributed OCR (issue 13): pages/min with the local pool vs remote workers over RabbitMQ, and the broker's
overhead per page.

Three set-ups with the same number of OCR processes (``--procs``, default 2 = this machine's cores):
``local``   ``minhchung ingest --jobs P`` (the local process pool);
``1 worker`` one ``minhchung worker --concurrency P`` and ``ingest --broker``;
``2 workers`` two ``minhchung worker --concurrency P/2`` and ``ingest --broker``.
The broker is a private RabbitMQ node (Debian's rabbitmq-server, tests/distributed_support.py) on this machine;
workers fetch originals from the coordinator's blob server over HTTP, as on another host.

Two workloads, each on a fresh data home and a cold OCR cache per run:
``fixed``  ``--pages`` one-page PNG files read by the ``slowbar`` test engine, which costs ``--seconds`` per page
           (a sleep): the difference between the set-ups is the distribution's own cost (task publish, HTTP
           fetch of the original, result message, its commit), not OCR.
           Figure: overhead per page = (T_remote − T_local) × P / pages, against the real OCR cost per page.
``real``   (``--real``) the sample inbox (``minhchung samples``) OCRed by tesseract (``--real-files N``: its first
           N files only, for a machine too loaded to OCR it all).
``redis``  (``--redis``) the fixed workload's remote set-ups over a private Redis server (Debian's redis-server,
           the ``redis`` client) instead of RabbitMQ. minhchung refuses a redis:// broker (no delivery count: see
           README); this script's processes lift that refusal through their sitecustomize, to measure it.
The time is the summary's ``seconds`` (inside ``ingest()``: discovery, OCR, classification); the workers are
started and ready before it. ``ingest CPU``: CPU seconds of the ingest command (with the local pool: its
workers too; with a broker: the coordinator alone, i.e. its cost per page when workers do the OCR).
Target: overhead ≤ 5 % of a real page's OCR time.

    nice -n 15 .venv/bin/python benchmarks/distributed_bench.py --real --json bench-distributed.json
    .venv/bin/python benchmarks/distributed_bench.py --no-fixed --real --real-files 6   # real tesseract only
    .venv/bin/python benchmarks/distributed_bench.py --redis --repeat 2                 # RabbitMQ vs Redis
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "unit"), str(ROOT)]

from distributed_support import CLI, TOKEN, RabbitNode, free_port, start_worker, wait_ready  # noqa: E402

SETUPS = ("local", "1 worker", "2 workers")
SITE = """import distributed_engine
import pipelines.executors.celery_app as celery_app
celery_app.BROKER_SCHEMES = (*celery_app.BROKER_SCHEMES, "redis")  # measured here only: minhchung refuses Redis
"""


class RedisNode:
    """A private redis-server on a free port, no persistence, for the ``redis`` workload."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(root)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        import redis

        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


def same_priority(pid: int) -> None:
    """Give a process started in a session of its own (the RabbitMQ or Redis node: its own autogroup at nice 0)
    this script's autogroup nice, so that a run under ``echo -20 > /proc/self/autogroup`` does not starve the
    broker. (The workers run in this script's session, i.e. autogroup, as the local pool does: each in its own
    autogroup, 1 worker ran 7× slower at nice 0, and 2 workers at -20 had twice the local pool's share.)"""
    try:
        nice = Path("/proc/self/autogroup").read_text().split("nice")[-1].strip()
        Path(f"/proc/{pid}/autogroup").write_text(nice)
    except (OSError, IndexError):
        pass


def bar_inbox(dest: Path, pages: int) -> Path:
    from ocr_test_engine import bar_page

    unit = dest / "Sở Nội vụ"
    unit.mkdir(parents=True)
    for i in range(pages):
        image, _ = bar_page([[2 + i % 7, 3 + (i // 7) % 5], [1 + i % 3, 2 + i % 11]])
        image.save(unit / f"trang {i + 1:03d}.png")
    return dest


def run_setup(setup: str, broker: str, inbox: Path, work: Path, procs: int, env: dict[str, str]) -> dict:
    home, cache = work / "home", work / "cache"
    env = {**os.environ, **env, "MINHCHUNG_OCR_CACHE": str(cache), "MINHCHUNG_WORKER_TOKEN": TOKEN}
    workers = []
    args = [*CLI, "--home", str(home), "ingest", str(inbox), "--unit-from-folder", "--json"]
    if setup == "local":
        args += ["--jobs", str(procs)]
    else:
        count = 1 if setup == "1 worker" else 2
        for i in range(count):
            workers.append(start_worker(broker, work / f"w{i}", f"bench{i}", concurrency=procs // count,
                                        env={k: v for k, v in env.items() if k != "MINHCHUNG_WORKER_TOKEN"},
                                        imports=("distributed_engine",) if "SLOWBAR_SECONDS" in env else (),
                                        own_session=False))  # this script's autogroup, as the local pool
        for w in workers:
            wait_ready(w)
        args += ["--broker", broker, "--blob-listen", f"127.0.0.1:{free_port()}"]
    try:
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
        wall = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        for w in workers:
            w.kill(signal.SIGTERM)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{setup}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout)
    pages = summary["pages_ocr"] + summary["pages_cached"] + summary["pages_failed"]
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)  # the ingest (and its local pool)
    return {"setup": setup, "pages": pages, "ocred": summary["pages_ocr"], "seconds": summary["seconds"],
            "wall": round(wall, 2), "pages_per_min": round(pages / summary["seconds"] * 60, 1),
            "ingest_cpu_s": round(cpu, 2)}


def workload(name: str, node: RabbitNode, inbox: Path, tmp: Path, procs: int, env: dict[str, str],
             repeat: int, setups: tuple[str, ...] = SETUPS, broker: str | None = None) -> list[dict]:
    """Each set-up ``repeat`` times (the fastest kept), over ``broker`` (default: the RabbitMQ node)."""
    rows = []
    for setup in setups:
        runs = []
        for r in range(repeat):
            if broker is None:
                node.purge()
            runs.append(run_setup(setup, broker or node.url, inbox, tmp / f"{name}-{setup.replace(' ', '')}-{r}",
                                  procs, env))
        best = min(runs, key=lambda row: row["seconds"])
        best["spread"] = [row["seconds"] for row in runs]
        best["workload"] = name
        rows.append(best)
        print(f"{name:6} {setup:10} {best['pages']:4} pages  {best['seconds']:7.2f} s  "
              f"{best['pages_per_min']:7.1f} pages/min  ingest CPU {best['ingest_cpu_s']:6.2f} s  "
              f"(runs: {', '.join(f'{s:.2f}' for s in best['spread'])})", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=1.0, help="fixed OCR cost per page of the slowbar engine")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="runs per set-up (the fastest is kept)")
    ap.add_argument("--no-fixed", action="store_true", help="skip the fixed-cost workload over RabbitMQ")
    ap.add_argument("--real", action="store_true", help="also the sample inbox with tesseract")
    ap.add_argument("--real-files", type=int, default=0, help="with --real: the sample inbox's first N files only")
    ap.add_argument("--redis", action="store_true", help="also the fixed workload's remote set-ups over Redis")
    ap.add_argument("--real-ocr-seconds", type=float, default=3.7,
                    help="a real page's OCR seconds per core, the reference for the overhead (BENCHMARKS.md, OCR)")
    ap.add_argument("--json", type=Path)
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # (timeout, kill): stop the RabbitMQ node on the way out
    with tempfile.TemporaryDirectory(prefix="mc-dist-bench-") as name:
        tmp = Path(name)
        site = tmp / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(SITE, encoding="utf-8")
        pythonpath = os.pathsep.join([str(site), str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "unit")])
        node = RabbitNode(tmp / "rabbit").start()
        if node.proc is not None:
            same_priority(node.proc.pid)
        try:
            fixed_env = {"PYTHONPATH": pythonpath, "MINHCHUNG_OCR_ENGINE": "slowbar",
                         "SLOWBAR_SECONDS": str(opts.seconds)}
            bars = bar_inbox(tmp / "bars", opts.pages)
            rows = [] if opts.no_fixed else workload("fixed", node, bars, tmp, opts.procs, fixed_env, opts.repeat)
            if opts.redis:
                redis_node = RedisNode(tmp / "redis")
                same_priority(redis_node.proc.pid)
                try:
                    rows += [{**row, "setup": f"redis {row['setup']}"} for row in workload(
                        "redis", node, bars, tmp, opts.procs, fixed_env, opts.repeat, SETUPS[1:], redis_node.url)]
                finally:
                    redis_node.stop()
            if opts.real:
                inbox = tmp / "samples"
                subprocess.run([*CLI, "samples", str(inbox)], check=True, capture_output=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
                if opts.real_files:
                    keep_first_files(inbox, opts.real_files)
                rows += workload("real", node, inbox, tmp, opts.procs, {"PYTHONPATH": str(ROOT)}, 1)
        finally:
            node.stop()
    report(rows, opts)


def keep_first_files(inbox: Path, count: int) -> None:
    """Remove all but the first ``count`` files (sorted by path) of ``inbox``."""
    files = sorted(p for p in inbox.rglob("*") if p.is_file())
    for path in files[count:]:
        path.unlink()
    for folder in sorted((p for p in inbox.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            shutil.rmtree(folder)


def report(rows: list[dict], opts: argparse.Namespace) -> None:
    print()
    for name in dict.fromkeys(r["workload"] for r in rows):
        by = {r["setup"]: r for r in rows if r["workload"] == name}
        if name == "redis":  # against the same set-ups over RabbitMQ
            rabbit = {r["setup"]: r for r in rows if r["workload"] == "fixed"}
            for setup in (s for s in SETUPS[1:] if s in rabbit):
                mine = by[f"redis {setup}"]
                diff = (mine["seconds"] - rabbit[setup]["seconds"]) * opts.procs / max(mine["pages"], 1)
                print(f"redis: {setup}: {mine['seconds']:.2f} s vs RabbitMQ {rabbit[setup]['seconds']:.2f} s "
                      f"({diff:+.3f} s per page per process)")
            continue
        if "local" not in by:
            continue
        local = by["local"]
        for setup in SETUPS[1:]:
            extra = (by[setup]["seconds"] - local["seconds"]) * opts.procs / max(local["pages"], 1)
            ref = opts.seconds if name == "fixed" else None
            line = (f"{name}: {setup} vs local: {by[setup]['pages_per_min'] / local['pages_per_min']:.3f}× the "
                    f"pages/min; overhead {extra:+.3f} s per page per process")
            if ref:
                line += f" = {extra / ref:+.1%} of the fixed {ref:.2f} s"
            line += f" = {extra / opts.real_ocr_seconds:+.1%} of a real page ({opts.real_ocr_seconds:.1f} s/core)"
            print(line)
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
