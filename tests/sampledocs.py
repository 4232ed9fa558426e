"""The logical documents of the generated sample inbox, from its manifest (the ground truth): within one
folder, files in natural name order, a document is a run of consecutive pages of the same spec, across files
when it was sent one file per page (issue 14)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from classify.assemble import natural_key
from pipelines.samples.inbox import Manifest, SampleFile


@dataclass(frozen=True)
class Expected:
    parts: tuple[tuple[str, int, int], ...]  # (path in the inbox, first page, last page), in reading order
    spec: str  # the spec's name

    @property
    def key(self) -> tuple[str, int]:
        """(path of the first part, its first page): how a record is found (its source, source_pages)."""
        return self.parts[0][0], self.parts[0][1]

    @property
    def pages(self) -> int:
        return sum(last - first + 1 for _, first, last in self.parts)


def _folders(manifest: Manifest) -> list[list[SampleFile]]:
    groups: dict[str, list[SampleFile]] = {}
    for f in manifest.good:
        groups.setdefault(posixpath.dirname(f.path), []).append(f)
    return [sorted(g, key=lambda f: natural_key(posixpath.basename(f.path))) for g in groups.values()]


def expected_documents(manifest: Manifest) -> list[Expected]:
    out: list[Expected] = []
    for folder in _folders(manifest):
        runs: list[tuple[str, list[tuple[str, int, int]]]] = []
        for f in folder:
            for n, page in enumerate(f.pages, 1):
                if runs and runs[-1][0] == page.doc and (n > 1 or not _has_header(manifest, f, page.doc)):
                    path, first, last = runs[-1][1][-1]
                    if path == f.path and last == n - 1:
                        runs[-1][1][-1] = (path, first, n)
                    else:
                        runs[-1][1].append((f.path, n, n))
                else:
                    runs.append((page.doc, [(f.path, n, n)]))
        out += [Expected(tuple(parts), spec) for spec, parts in runs]
    return out


def _has_header(manifest: Manifest, f: SampleFile, spec: str) -> bool:
    """The file's first page carries its document's header (its number): it starts a document."""
    page = f.pages[0]
    number = manifest.specs[spec].number
    return page.digital or any(number in line for line in page.lines)


def path_of(source: str) -> str:
    """A record's source as a manifest path ("inbox/<unit>/…" → "<unit>/…")."""
    return source.split("/", 1)[1]
