"""The data home: one assessment campaign's catalog, stored originals, OCR cache."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class Home:
    root: Path
    shared_cache: Path | None = None  # ``MINHCHUNG_OCR_CACHE`` (read by :mod:`pipelines.services.config`)

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite3"

    @property
    def blobs(self) -> Path:
        return self.root / "blobs" / "sha256"

    @property
    def ocr_cache(self) -> Path:
        """A shared cache may serve several homes (test runs, benchmarks); else the home's own."""
        return self.shared_cache or self.root / "cache" / "ocr"

    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256[2:]

    def create(self) -> None:
        for folder in (self.root, self.blobs, self.ocr_cache, self.root / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)

    def store(self, stream: BinaryIO) -> tuple[str, int]:
        """Copy a stream into the blob store; returns (sha256, size). Stored blobs are read-only."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", prefix="incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(1024 * 1024):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.blob_path(sha)
            if target.exists():
                os.unlink(tmp)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)
                os.replace(tmp, target)
            return sha, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
