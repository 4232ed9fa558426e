"""Index sets (PACA) as versioned data: load a YAML file, validate it, look indicators up.

An index set is the tree group → criterion → indicator of one assessment year. Each indicator says which kinds of
unit it applies to and which documents prove it (evidence signatures: document type codes, phrases, issuer kinds,
date window). Bundled sets live in ``classify/indexsets/<id>.yaml``; any file with the same schema can be loaded by
path. Every validation problem is reported as ``file:line: reason`` (lines from the YAML node marks), all of them
at once, in one :class:`IndexSetError`.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from classify import yamlfile as yf
from classify.indexset_model import (
    DOC_TYPE_CODES,
    SCORING_RULES,
    STATUSES,
    WINDOWS,
    Criterion,
    Evidence,
    Group,
    IndexSet,
    IndexSetError,
    Indicator,
    Kind,
    SubItem,
)
from classify.indexset_yaml import read_index_set

__all__ = ["DOC_TYPE_CODES", "SCORING_RULES", "STATUSES", "WINDOWS", "Criterion", "Evidence", "Group", "IndexSet",
           "IndexSetError", "Indicator", "Kind", "SubItem", "bundled_index_sets", "load_index_set",
           "parse_index_set"]

_BUNDLE_DIR = "indexsets"


def bundled_index_sets() -> list[str]:
    """Ids of the index sets shipped in classify/indexsets/."""
    folder = resources.files("classify").joinpath(_BUNDLE_DIR)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_index_set(ref: str | Path) -> IndexSet:
    """Load a bundled index set by id ("paca-2024") or any YAML file by path, validated."""
    if yf.names_a_file(ref):
        return parse_index_set(Path(ref).read_text(encoding="utf-8"), str(ref))  # OSError names the file
    return _bundled(ref)


@functools.cache
def _bundled(ref: str) -> IndexSet:
    """A bundled index set, parsed once per process: package data does not change while it runs, and the
    catalog asks for the active set per file classified and per document shown (about 90 ms a parse).
    The result is immutable (frozen dataclasses and tuples), so every caller can share it."""
    resource = resources.files("classify").joinpath(_BUNDLE_DIR, f"{ref}.yaml")
    if not resource.is_file():
        raise IndexSetError([f"unknown index set {ref!r}; bundled: {', '.join(bundled_index_sets()) or 'none'}"])
    index_set = parse_index_set(resource.read_text(encoding="utf-8"), str(resource))
    if index_set.id != ref:
        raise IndexSetError([f"{resource}:1: the file of bundled index set {ref!r} has id {index_set.id!r}"])
    return index_set


def parse_index_set(text: str, where: str = "<string>") -> IndexSet:
    """Validate YAML text and build the :class:`IndexSet`; ``where`` names the file in error messages."""
    return read_index_set(text, where)
