"""The login rate limit: failed logins counted per user name and, separately, per client address.

- ``per_name`` failures for one user name within ``window`` seconds block logins *to that name* (from any
  address) until the oldest of them ages out: guessing one user's password is slow.
- ``per_address`` failures from one address (much higher: an office behind one NAT or reverse proxy shares
  it) block that address for every name: one machine cannot guess across many names quickly.
- A successful login resets its name's count and takes that name's failures off the address's count, so
  colleagues' typos do not add up to a lock-out of the whole office.

The address is the one the ASGI server reports (``request.client``); behind a reverse proxy, start the
server with ``minhchung serve --forwarded-allow-ips PROXY`` so it is the client's, not the proxy's.
The failures are kept in a small SQLite file of the data home (``tmp/login-failures.sqlite3``), not in the
catalog: every process of ``minhchung serve --workers N`` counts against the same limits (kept in memory,
N processes would allow N times the attempts). The file holds only the window's failures (older rows are
deleted as new ones come) and can be removed while the server is stopped; without a path (tests, a
library use) the counts live in memory in one process.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_PER_NAME = 5
DEFAULT_PER_ADDRESS = 50
DEFAULT_WINDOW = 300.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS failures (
    at REAL NOT NULL,           -- when (clock seconds; the wall clock, shared by the processes)
    name TEXT NOT NULL,         -- the user name tried, case-folded
    address TEXT NOT NULL,      -- the client address
    for_name INTEGER NOT NULL DEFAULT 1  -- 0 once that name logged in: still counts for the address
);
CREATE INDEX IF NOT EXISTS failures_name ON failures (name, at);
CREATE INDEX IF NOT EXISTS failures_address ON failures (address, at);
"""


class LoginLimiter:
    """Failed logins per user name and per address in a sliding window, shared through ``path``."""

    def __init__(self, per_name: int = DEFAULT_PER_NAME, per_address: int = DEFAULT_PER_ADDRESS,
                 window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.time,
                 path: Path | None = None) -> None:
        if per_name < 1 or per_address < 1 or window <= 0:
            raise ValueError("login limits must be positive")
        self.per_name = per_name
        self.per_address = per_address
        self.window = window
        self.clock = clock
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=10, isolation_level=None,
                                   check_same_thread=False)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()  # one connection, shared by this process's threads

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().casefold()

    def _wait(self, column: str, value: str, limit: int, at: float) -> float | None:
        """Seconds until fewer than ``limit`` failures of ``column = value`` are inside the window, or None."""
        extra = " AND for_name = 1" if column == "name" else ""
        row = self._db.execute(f"SELECT at FROM failures WHERE {column} = ? AND at > ?{extra} "
                               "ORDER BY at DESC LIMIT 1 OFFSET ?", (value, at - self.window, limit - 1)).fetchone()
        return None if row is None else row[0] + self.window - at

    def retry_after(self, address: str, name: str) -> int | None:
        """Seconds until another attempt for ``name`` from ``address`` is allowed, or None when allowed now."""
        at = self.clock()
        with self._lock:
            waits = [w for w in (self._wait("name", self._key(name), self.per_name, at),
                                 self._wait("address", address, self.per_address, at)) if w is not None]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, address: str, name: str) -> None:
        at = self.clock()
        with self._lock:
            self._db.execute("DELETE FROM failures WHERE at <= ?", (at - self.window,))  # (bounds the file)
            self._db.execute("INSERT INTO failures (at, name, address) VALUES (?, ?, ?)",
                             (at, self._key(name), address))

    def succeeded(self, address: str, name: str) -> None:
        """``name`` logged in from ``address``: forget the name's failures (from every address), and take the
        failures for that name from this address off the address's count (other addresses keep theirs)."""
        key = self._key(name)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM failures WHERE name = ? AND address = ?", (key, address))
                self._db.execute("UPDATE failures SET for_name = 0 WHERE name = ?", (key,))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def held(self) -> int:
        """How many failures are kept (expired ones go as new ones come)."""
        with self._lock:
            return self._db.execute("SELECT count(*) FROM failures").fetchone()[0]
