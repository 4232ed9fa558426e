"""The login rate limit: failed logins counted per user name and, separately, per client address.

- ``per_name`` failures for one user name within ``window`` seconds block logins *to that name* (from any
  address) until the oldest of them ages out: guessing one user's password is slow.
- ``per_address`` failures from one address (much higher: an office behind one NAT or reverse proxy shares
  it) block that address for every name: one machine cannot guess across many names quickly.
- A successful login resets its name's count and takes that name's failures off the address's count, so
  colleagues' typos do not add up to a lock-out of the whole office.

The address is the one the ASGI server reports (``request.client``); behind a reverse proxy, start the
server with ``minhchung serve --forwarded-allow-ips PROXY`` so it is the client's, not the proxy's.
Thread-safe, in memory (one process; the counts start empty when the server restarts).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

DEFAULT_PER_NAME = 5
DEFAULT_PER_ADDRESS = 50
DEFAULT_WINDOW = 300.0
SWEEP_AT = 4096  # keys held before expired ones are swept (bounds memory under a spray of random names)


class LoginLimiter:
    """Failed logins per user name and per address in a sliding window."""

    def __init__(self, per_name: int = DEFAULT_PER_NAME, per_address: int = DEFAULT_PER_ADDRESS,
                 window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        if per_name < 1 or per_address < 1 or window <= 0:
            raise ValueError("login limits must be positive")
        self.per_name = per_name
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._names: dict[str, deque[tuple[float, str]]] = {}  # (when, from which address) per name
        self._addresses: dict[str, deque[tuple[float, str]]] = {}  # (when, which name) per address
        self._sweep_at = SWEEP_AT
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().casefold()

    def _expire(self, times: deque[tuple[float, str]], at: float) -> deque[tuple[float, str]]:
        while times and times[0][0] <= at - self.window:
            times.popleft()
        return times

    def _wait(self, times: list[float], limit: int, at: float) -> float | None:
        """Seconds until fewer than ``limit`` of ``times`` (ascending) are inside the window, or None."""
        if len(times) < limit:
            return None
        return times[len(times) - limit] + self.window - at

    def retry_after(self, address: str, name: str) -> int | None:
        """Seconds until another attempt for ``name`` from ``address`` is allowed, or None when allowed now."""
        at = self.clock()
        with self._lock:
            by_name = [t for t, _ in self._expire(self._names.get(self._key(name), deque()), at)]
            by_address = [t for t, _ in self._expire(self._addresses.get(address, deque()), at)]
        waits = [w for w in (self._wait(by_name, self.per_name, at), self._wait(by_address, self.per_address, at))
                 if w is not None]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, address: str, name: str) -> None:
        at = self.clock()
        key = self._key(name)
        with self._lock:
            self._expire(self._names.setdefault(key, deque()), at).append((at, address))
            self._expire(self._addresses.setdefault(address, deque()), at).append((at, key))
            if len(self._names) + len(self._addresses) > self._sweep_at:
                self._sweep(at)

    def succeeded(self, address: str, name: str) -> None:
        """``name`` logged in from ``address``: forget the name's failures (from every address), and take the
        failures for that name from this address off the address's count (other addresses keep theirs)."""
        key = self._key(name)
        with self._lock:
            self._names.pop(key, None)
            times = self._addresses.get(address)
            if times is not None:
                kept = deque(entry for entry in times if entry[1] != key)
                if kept:
                    self._addresses[address] = kept
                else:
                    del self._addresses[address]

    def _sweep(self, at: float) -> None:
        for table in (self._names, self._addresses):
            for key in [k for k, times in table.items() if not self._expire(times, at)]:
                del table[key]
        self._sweep_at = max(SWEEP_AT, 2 * (len(self._names) + len(self._addresses)))
