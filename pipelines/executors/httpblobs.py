"""A worker's :class:`~pipelines.executors.blobs.BlobSource` on another machine: originals fetched from the
coordinator over HTTP with the worker token, checked against their sha256, kept in a bounded local folder.

The coordinator serves ``GET {url}/internal/blobs/{sha256}`` (:mod:`pipelines.web.blobs`: the blob server
``ingest --broker`` starts, or the same route of ``minhchung serve``). A copy whose digest differs is never
kept. The folder is shared by the worker's processes: a copy appears by an atomic rename, and the least
recently used copies are removed past ``max_bytes`` (never one used in the last :data:`KEEP_RECENT` seconds,
which a sibling process may be reading).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipelines.i18n.errors import CodedError

KEEP_RECENT = 300.0
CHUNK = 1024 * 1024


class BlobFetchError(CodedError):
    """A blob could not be had: ``remote.blob_unreachable``, ``remote.token_refused`` or ``remote.blob_digest``."""


@dataclass
class HttpBlobs:
    url: str  # the coordinator's blob server, e.g. http://10.0.0.5:8765
    token: str
    folder: Path
    max_bytes: int = 2 * 1024**3
    patience: float = 300.0  # seconds of retries while the coordinator cannot be reached
    timeout: float = 60.0

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BlobFetchError("remote.blob_digest", sha256=sha256[:80], got="-")
        target = self.folder / sha256[:2] / sha256[2:]
        if target.exists():
            os.utime(target)  # most recently used
            return target
        deadline = time.monotonic() + self.patience
        delay = 1.0
        while True:
            try:
                self._download(sha256, target)
                break
            except BlobFetchError as exc:
                if exc.code != "remote.blob_unreachable" or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 15.0)
        self._evict(keep=target)
        return target

    def _download(self, sha256: str, target: Path) -> None:
        request = urllib.request.Request(f"{self.url.rstrip('/')}/internal/blobs/{sha256}",
                                         headers={"Authorization": f"Bearer {self.token}"})
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response, open(tmp, "wb") as out:
                while chunk := response.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                if response.length:  # what the length promised and never came: read(n) ends quietly on a cut
                    raise http.client.IncompleteRead(b"", response.length)
        except urllib.error.HTTPError as exc:
            tmp.unlink(missing_ok=True)
            if exc.code in (401, 403):
                raise BlobFetchError("remote.token_refused", url=self.url) from None
            raise BlobFetchError("remote.blob_unreachable", url=self.url, reason=f"HTTP {exc.code}") from None
        except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
            # a body cut off when the coordinator dies mid-answer (urllib's read(n) then just ends early, its
            # length left unread): the rerun serves the same blob again, like a refused connection
            tmp.unlink(missing_ok=True)
            reason = getattr(exc, "reason", None) or exc
            raise BlobFetchError("remote.blob_unreachable", url=self.url,
                                 reason=str(reason) or type(exc).__name__) from None
        if digest.hexdigest() != sha256:
            tmp.unlink(missing_ok=True)
            raise BlobFetchError("remote.blob_digest", sha256=sha256, got=digest.hexdigest())
        os.replace(tmp, target)

    def _evict(self, keep: Path) -> None:
        copies = []
        for path in self.folder.glob("??/*"):
            if path.name.startswith("."):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            copies.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in copies)
        recent = time.time() - KEEP_RECENT
        for mtime, size, path in sorted(copies):
            if total <= self.max_bytes:
                break
            if path == keep or mtime > recent:
                continue
            path.unlink(missing_ok=True)
            total -= size
