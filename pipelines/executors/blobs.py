"""Where a worker finds a page's original by its content id (sha256)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class BlobSource(Protocol):
    def path(self, sha256: str) -> Path:
        """A local file holding the original with this sha256 (a remote source would download it first)."""
        ...


@dataclass(frozen=True)
class LocalBlobs:
    """The data home's blob store, ``<root>/ab/cdef…`` (root: :attr:`pipelines.catalog.home.Home.blobs`)."""

    root: Path

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]
