"""Progress for a batch: a rich bar on a terminal (pages done, pages/min, ETA), plain lines otherwise; the words
come from the message catalog through ``say`` (the command's language)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class BatchProgress:
    def __init__(self, stream: TextIO | None = None, interval: float = 10.0, quiet: bool = False,
                 say: Callable[..., str] | None = None) -> None:
        self.say = say or (lambda code, **params: code)
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
                print(self.say("cli.progress.discovered", count=done), file=self.stream, flush=True)
            return
        rate = done / max(time.monotonic() - self.start, 1e-6) * 60
        if self.tty:
            if self.bar is None:
                self.start = time.monotonic()
                self.bar = Progress(TextColumn("OCR"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn(self.say("cli.progress.bar", rate="{task.fields[rate]:.1f}")),
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
            print(self.say("cli.progress.pages", done=done, total=total, rate=f"{rate:.1f}", left=f"{left:.0f}"),
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
