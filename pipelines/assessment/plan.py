"""Assessment plans as data: which unit must send which evidence, by when.

A plan (``pipelines/assessment/plans/<id>.yaml``, or any file of the same schema) encodes one provincial assessment
plan, such as UBND tỉnh Đắk Lắk's plan for 2024: the assessment period, the index set it scores with, the units with
their
kinds and the name variants seen on folders and document headers, the deadline of each unit kind, and the duties
the plan gives named units. :func:`requirements_for` turns plan × index set × unit into the list the gap report
checks. Every validation problem is reported as ``file:line: reason``, all at once, in one :class:`PlanError`
(the reader and the schema are in :mod:`pipelines.assessment.plan_yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from classify.indexset import IndexSet
from classify.yamlfile import DataFileError
from ingest.text import fold, nfc

# Kinds of unit of the bundled index sets (the loaded index set is the authority when a plan is validated; this is
# the default for a unit list read without one, e.g. the clerk's CSV).
UNIT_KINDS: tuple[str, ...] = ("SO", "HUYEN", "XA", "CA", "VKS", "TA", "THADS", "MTTQ", "TTT")

# When a requirement's document must be dated (the gap report interprets these):
REQUIREMENT_WINDOWS: dict[str, str] = {
    "in_period": "issued inside the assessment period",
    "period_report": "a report about the period: issued from the period start up to the unit's deadline",
}
# The index set's evidence windows, seen from the gap report: an end-of-year or periodic document about the year
# may be issued after the period ends and still count, up to the deadline.
_FROM_INDEX_WINDOW = {"in_period": "in_period", "early_year": "in_period", "year_end": "period_report",
                      "periodic": "period_report"}

_APOSTROPHES = re.compile(r"['’‘`ʼ]")
_NOT_WORD = re.compile(r"[\W_]+")
_COUNCIL_PREFIXES = ("ubnd ", "uy ban nhan dan ")


class PlanError(DataFileError):
    """A plan or unit list that cannot be used; ``errors`` holds one ``file:line: reason`` per problem."""


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duty:
    """A document the plan itself asks of one named unit (``unit``) or of every unit of a kind (``unit_kind``)."""

    id: str
    name: str
    indicators: tuple[str, ...]  # any of them satisfies the duty
    doc_types: tuple[str, ...]  # empty: any type
    window: str  # a key of REQUIREMENT_WINDOWS
    basis: str  # the plan's section and wording
    unit: str | None = None
    unit_kind: str | None = None
    deadline: date | None = None  # None: the unit kind's deadline
    reject_late: bool = False  # the plan says later submissions are not considered


@dataclass(frozen=True)
class IndicatorDeadline:
    """A deadline the plan sets for one index-set indicator and some unit kinds (the district self-assessment)."""

    indicator: str
    unit_kinds: tuple[str, ...]
    deadline: date
    basis: str
    reject_late: bool = False


@dataclass(frozen=True)
class Requirement:
    id: str  # the indicator id, or the duty id
    name: str
    indicators: tuple[str, ...]  # any of them satisfies the requirement
    doc_types: tuple[str, ...]  # allowed type codes; empty: any
    window: str  # a key of REQUIREMENT_WINDOWS
    deadline: date | None  # None: the plan sets no deadline for the unit's kind
    basis: str
    source: str  # "index-set" | "plan"
    reject_late: bool = False


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    year: int
    index_set: str  # a bundled index-set id, or the path of its file
    period_from: date
    period_to: date
    deadlines: dict[str, date]  # unit kind -> deadline
    units: tuple[Unit, ...]
    duties: tuple[Duty, ...] = ()
    exclude: tuple[str, ...] = ()  # indicator ids, or prefixes ending in "*", never required
    receiver: str | None = None  # the unit that receives the evidence (Thanh tra tỉnh); nothing is required of it
    indicator_deadlines: tuple[IndicatorDeadline, ...] = ()
    source_file: str = field(default="", compare=False)
    _by_key: dict[str, Unit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Unit] = {}
        for unit in self.units:
            for key in unit_keys(unit):
                by_key.setdefault(key, unit)
        object.__setattr__(self, "_by_key", by_key)

    def unit_for(self, name: str | None) -> Unit | None:
        """The unit a folder name or header names: its name or an alias, compared by :func:`unit_key`."""
        return self._by_key.get(unit_key(name)) if name else None

    def with_units(self, units: Iterable[Unit]) -> Plan:
        """A copy with another unit list (the clerk's CSV); names and aliases must not clash between units."""
        units = tuple(units)
        problems = [f"<units>: {reason}" for _, reason in unit_clashes(units)]
        if problems:
            raise PlanError(problems)
        return replace(self, units=units)

    def excluded(self, indicator_id: str) -> bool:
        return any(excludes(x, indicator_id) for x in self.exclude)


def excludes(pattern: str, indicator_id: str) -> bool:
    """An ``exclude`` entry: an indicator id, or a prefix ending in ``*`` ("ĐT.*")."""
    return indicator_id == pattern or (pattern.endswith("*") and indicator_id.startswith(pattern[:-1]))


def unit_key(text: str) -> str:
    """Matching form of a unit name: folded (no marks, đ→d, lower case), apostrophes dropped ("M'Đrắk" = "MĐrắk"),
    other punctuation as spaces ("So-Noi-vu", "Sở GD&ĐT"), no leading "UBND"/"Ủy ban nhân dân"."""
    key = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", fold(text))).strip()
    for prefix in _COUNCIL_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def unit_keys(unit: Unit) -> frozenset[str]:
    return frozenset(unit_key(text) for text in (unit.name, *unit.aliases))


def unit_clashes(units: Sequence[Unit]) -> list[tuple[int, str]]:
    """(index of the unit, reason) for every name or alias without letters or already used by an earlier unit."""
    owners: dict[str, int] = {}
    problems = []
    for i, unit in enumerate(units):
        for text in (unit.name, *unit.aliases):
            key = unit_key(text)
            owner = owners.setdefault(key, i)
            if not key:
                problems.append((i, f"unit name or alias {text!r} has no letters"))
            elif owner != i:
                problems.append((i, f"{text!r} of unit {unit.name!r} is already a name or alias of unit "
                                    f"{units[owner].name!r}"))
    return problems


def requirements_for(plan: Plan, unit: Unit, index_set: IndexSet) -> list[Requirement]:
    """What the plan requires of ``unit``: every indicator of the index set that applies to the unit's kind and has
    evidence signatures (minus ``plan.exclude``), in index-set order, then the plan's duties for the unit or its
    kind, in plan order. Nothing is required of the receiving unit."""
    keys = unit_keys(unit)
    if plan.receiver and unit_key(plan.receiver) in keys:
        return []
    default = plan.deadlines.get(unit.kind)
    out: list[Requirement] = []
    for ind in index_set.indicators():
        evidence = [ev for ev, _ in ind.signatures()]
        if unit.kind not in ind.unit_kinds or not evidence or plan.excluded(ind.id):
            continue
        windows = {_FROM_INDEX_WINDOW.get(ev.window, "in_period") for ev in evidence}
        special = next((d for d in plan.indicator_deadlines
                        if d.indicator == ind.id and unit.kind in d.unit_kinds), None)
        basis = f"Bộ chỉ số {index_set.id}" + (f"; hạn nộp: {special.basis}" if special else "")
        out.append(Requirement(
            id=ind.id, name=ind.name, indicators=(ind.id,),
            doc_types=tuple(dict.fromkeys(t for ev in evidence for t in ev.doc_types)),
            window="period_report" if "period_report" in windows else "in_period",
            deadline=special.deadline if special else default, basis=basis, source="index-set",
            reject_late=special.reject_late if special else False,
        ))
    for duty in plan.duties:
        if duty.unit_kind == unit.kind or (duty.unit is not None and unit_key(duty.unit) in keys):
            out.append(Requirement(duty.id, duty.name, duty.indicators, duty.doc_types, duty.window,
                                   duty.deadline or default, duty.basis, "plan", duty.reject_late))
    return out


def as_date(value: object) -> date | None:
    """A YAML/CSV date: a date (not a datetime), "YYYY-MM-DD" or "DD/MM/YYYY"; None when it is none of them."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            y, mo, d = (m[1], m[2], m[3]) if len(m[1]) == 4 else (m[3], m[2], m[1])
            try:
                return date(int(y), int(mo), int(d))
            except ValueError:
                return None
    return None


def clean(text: str) -> str:
    """NFC with runs of white space made one space."""
    return " ".join(nfc(text).split())


