"""The index-set model: the tree group → criterion → indicator (→ sub-item) of one assessment year, its evidence
signatures, and the vocabularies of its fields. Read from YAML by :mod:`classify.indexset_yaml`; loaded through
:mod:`classify.indexset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from classify.doctype import TYPES
from classify.yamlfile import DataFileError

# The type codes a document can have (classify.doctype.TYPES), fixed by law, not data of the index set.
DOC_TYPE_CODES: frozenset[str] = frozenset(TYPES)

# When the evidence is expected to be dated (the gap report interprets these):
WINDOWS: dict[str, str] = {
    "in_period": "issued within the assessment period",
    "early_year": "issued at the start of the assessed year (usually its first quarter)",
    "year_end": "end-of-year document: issued late in the year or after the period, for the assessed year",
    "periodic": "one per reporting period (quarter, 6 months, 9 months, year)",
}

# How sure we are of an entry (see the headers of classify/indexsets/paca-*.yaml):
#   confirmed       code, name and points (where given) read in a published source for this assessment year
#   derived         taken from the published set of another year (2024 from 2023 and 2025): ``source`` says which
#   reconstructed   our inference from the law and the provinces' plans, not read in any published set (the older,
#                   finer values after these three stay loadable)
STATUSES = ("confirmed", "derived", "reconstructed", "confirmed-name", "confirmed-2022", "confirmed-2025-only")



class IndexSetError(DataFileError):
    """An index set that cannot be loaded; ``errors`` holds one ``file:line: reason`` per problem."""


@dataclass(frozen=True)
class Kind:
    code: str
    name: str


@dataclass(frozen=True)
class Evidence:
    doc_types: tuple[str, ...]
    phrases: tuple[str, ...]
    issuer_kinds: tuple[str, ...]  # empty: any issuer
    window: str
    status: str
    unless: tuple[str, ...] = ()  # phrases that, in the subject or title area, mean the document is about another thing
    requires: tuple[str, ...] = ()  # one of these must be in the document's own text (e.g. a corruption crime named)


# How an indicator's provisional score is computed from the evidence found (pipelines.assessment scores it):
SCORING_RULES: dict[str, str] = {
    "present": "full points when valid evidence is present in the period, zero otherwise",
    "per_item": "each sub-item scores its own points (or an equal share) when its evidence is present",
    "unit_share": "points times the share of the expected units that gave valid evidence",
    "not_from_units": "a national ranking or a provincial result: no unit supplies evidence, not scored here",
}


@dataclass(frozen=True)
class SubItem:
    """A part of an indicator as the published tree has it (e.g. citizen reception by the provincial chairman,
    the district chairmen, the heads of departments); scored separately under the ``per_item`` rule.

    ``unit_kinds``: the kinds of unit whose evidence counts for the item, some of its indicator's; none means the
    province's own evidence, asked of no unit. ``evidence``: the item's own signatures (tagged with the indicator's
    id, the item named in the reasons)."""

    id: str
    name: str
    max_score: float | None
    status: str
    unit_kinds: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    name_en: str | None = None
    source: str = ""  # where it was read (or why it is derived / reconstructed)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    max_score: float | None
    status: str
    unit_kinds: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    name_en: str | None = None
    items: tuple[SubItem, ...] = ()
    scoring: str = "present"  # a key of SCORING_RULES
    source: str = ""  # where the code, name and points were read (or why they are derived / reconstructed)

    def signatures(self) -> tuple[tuple[Evidence, SubItem | None], ...]:
        """Every evidence signature of the indicator, its own first, then its items' (with the item)."""
        return tuple((ev, None) for ev in self.evidence) + tuple((ev, it) for it in self.items for ev in it.evidence)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    max_score: float | None
    status: str
    indicators: tuple[Indicator, ...]
    name_en: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    max_score: float | None
    status: str
    criteria: tuple[Criterion, ...]
    name_en: str | None = None
    source: str = ""

    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for crit in self.criteria for ind in crit.indicators)


@dataclass(frozen=True)
class IndexSet:
    id: str
    year: int
    name: str
    period_from: date
    period_to: date
    total: float
    unit_kinds: tuple[Kind, ...]  # kinds of unit that submit evidence
    issuer_kinds: tuple[Kind, ...]  # every kind an issuer can have: the unit kinds, then the others
    groups: tuple[Group, ...]
    cross_cutting: tuple[Indicator, ...] = ()
    sources: tuple[str, ...] = ()
    name_en: str | None = None
    note: str = ""  # what reports must say about the set as a whole (e.g. "derived: the decision was not found")
    source_file: str = field(default="", compare=False)
    # Codes an earlier version of this set used, each with the code it is now (None: gone, no successor). A
    # reviewer's correction saved under an old code is read under the new one (``current_code``).
    renamed: tuple[tuple[str, str | None], ...] = ()

    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, groups first in file order, then the cross-cutting ones."""
        return tuple(ind for group in self.groups for ind in group.indicators()) + self.cross_cutting

    def get(self, indicator_id: str) -> Indicator | None:
        return next((ind for ind in self.indicators() if ind.id == indicator_id), None)

    def codes(self) -> frozenset[str]:
        """Every indicator and sub-item code of the set."""
        return frozenset(c for ind in self.indicators() for c in (ind.id, *(it.id for it in ind.items)))

    def current_code(self, code: str) -> tuple[str | None, str]:
        """What a stored code means in this set: ``(code, "current")``, ``(new, "renamed")`` for an old code the
        set maps, ``(None, "gone")`` for one it does not know or maps to nothing (show it, never drop it)."""
        if code in self.codes():
            return code, "current"
        new = dict(self.renamed).get(code)
        return (new, "renamed") if new else (None, "gone")
