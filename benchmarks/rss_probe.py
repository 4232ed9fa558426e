"""Peak memory of a command and its process tree, for the intake benchmark's ``rss`` figures.

The CLI's own VmHWM and its workers' are sampled from /proc every 20 ms; the largest single process of the
tree comes from GNU ``/usr/bin/time -v`` when installed (else wait4's ru_maxrss, with its caveat below).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


def kb(line: str) -> int:
    return int(line.split()[1])


def read_hwm(pid: int) -> tuple[str, int] | None:
    """(command name, VmHWM in kB) of a live process."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return comm, kb(line)
    except (OSError, ValueError, IndexError):
        pass
    return None


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                kids = [int(k) for k in Path(f"/proc/{current}/task/{tid}/children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


TIME = "/usr/bin/time"  # GNU time: forks from a small process, so its maximum RSS is the CLI tree's own


@dataclass
class Peaks:
    main_kb: int = 0
    workers_kb: int = 0                                # forked from the CLI (same command name)
    tools_kb: dict[str, int] = field(default_factory=dict)  # other programs it ran (pdftoppm, pdftotext)
    tree_kb: int = 0                                   # max RSS of the largest single process of the tree
    tree_basis: str = ""
    processes: set[int] = field(default_factory=set)


def main_pid(root: int, wrapped: bool) -> int | None:
    if not wrapped:
        return root
    kids = descendants(root)
    return kids[0] if kids else None


def sample(root: int, wrapped: bool, peaks: Peaks, stop: threading.Event, interval: float = 0.02) -> None:
    """Keep the highest VmHWM of the CLI process and of each of its descendants until ``stop``."""
    while not stop.is_set():
        pid = main_pid(root, wrapped)
        main = read_hwm(pid) if pid else None
        if pid and main:
            peaks.main_kb = max(peaks.main_kb, main[1])
            for kid in descendants(pid):
                got = read_hwm(kid)
                if not got:
                    continue
                peaks.processes.add(kid)
                if got[0] == main[0]:
                    peaks.workers_kb = max(peaks.workers_kb, got[1])
                else:
                    peaks.tools_kb[got[0]] = max(peaks.tools_kb.get(got[0], 0), got[1])
        stop.wait(interval)


def time_max_rss(report: Path) -> int | None:
    for line in report.read_text(errors="replace").splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1])
    return None


def measured_ingest(argv: list[str], env: dict[str, str], out: Path) -> tuple[int, float, Peaks]:
    """Run ``argv`` with its stdout in ``out``; (exit code, wall seconds, peaks).

    The tree maximum comes from ``/usr/bin/time -v`` when there is one. Without it, wait4's ru_maxrss is
    used, which on Linux also counts this benchmark process's own size at the moment it forked the CLI
    (the high-water mark of the pre-exec copy is kept), so it can be far above the CLI's real peak.
    """
    wrapped = os.path.exists(TIME)
    report = out.with_suffix(".time.txt")
    if wrapped:
        argv = [TIME, "-v", "-o", str(report), *argv]
    peaks, stop = Peaks(), threading.Event()
    t0 = time.perf_counter()
    with open(out, "wb") as fh:
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.DEVNULL, env=env)
        sampler = threading.Thread(target=sample, args=(proc.pid, wrapped, peaks, stop), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    from_time = time_max_rss(report) if wrapped else None
    if from_time is not None:
        peaks.tree_kb, peaks.tree_basis = from_time, "/usr/bin/time -v"
    else:
        peaks.tree_kb, peaks.tree_basis = usage.ru_maxrss, "wait4 ru_maxrss (includes the benchmark's own size)"
    return proc.returncode, wall, peaks
