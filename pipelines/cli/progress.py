"""Progress for a batch: a rich bar on a terminal (pages done, pages/min, ETA), plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class BatchProgress:
    def __init__(self, stream: TextIO | None = None, interval: float = 10.0, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.quiet = quiet
        self.start = time.monotonic()
        self.last_line = 0.0
        self.bar: Progress | None = None
        self.task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if stage == "discover":
            if not self.tty and done % 500 == 0:
                print(f"discovered {done} files", file=self.stream, flush=True)
            return
        rate = done / max(time.monotonic() - self.start, 1e-6) * 60
        if self.tty:
            if self.bar is None:
                self.start = time.monotonic()
                self.bar = Progress(TextColumn("OCR"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("pages · {task.fields[rate]:.1f} pages/min · ETA"),
                                    TimeRemainingColumn(), console=Console(file=self.stream), transient=False)
                self.bar.start()
                self.task = self.bar.add_task("ocr", total=total, rate=0.0)
            self.bar.update(self.task, completed=done, rate=rate)
            if done >= total:
                self.bar.stop()
            return
        now = time.monotonic()
        if done >= total or now - self.last_line >= self.interval or done == 1:
            self.last_line = now
            left = (total - done) / rate * 60 if rate > 0 else 0
            print(f"pages {done}/{total} · {rate:.1f} pages/min · ETA {left:.0f} s", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
