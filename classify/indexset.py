"""Index sets (PACA) as versioned data: load a YAML file, validate it, look indicators up.

An index set is the tree group → criterion → indicator of one assessment year. Each indicator says which kinds of
unit it applies to and which documents prove it (evidence signatures: document type codes, phrases, issuer kinds,
date window). Bundled sets live in ``classify/indexsets/<id>.yaml``; any file with the same schema can be loaded by
path. Every validation problem is reported as ``file:line: reason`` (lines from the YAML node marks), all of them
at once, in one :class:`IndexSetError`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from classify import yamlfile as yf
from classify.doctype import TYPES
from classify.yamlfile import DataFileError, Y
from ingest.text import fold, nfc

# The type codes a document can have (classify.doctype.TYPES: Nghị định 30/2020/NĐ-CP Appendix III plus CV, KL, NĐ,
# TT, L). Fixed by law, not by assessment year, so they are not data of the index set.
DOC_TYPE_CODES: frozenset[str] = frozenset(TYPES)

# When the evidence is expected to be dated (the gap report interprets these):
WINDOWS: dict[str, str] = {
    "in_period": "issued within the assessment period",
    "early_year": "issued at the start of the assessed year (usually its first quarter)",
    "year_end": "end-of-year document: issued late in the year or after the period, for the assessed year",
    "periodic": "one per reporting period (quarter, 6 months, 9 months, year)",
}

# How sure we are of an entry (see the header of classify/indexsets/paca-2024.yaml).
STATUSES: tuple[str, ...] = ("confirmed", "confirmed-name", "confirmed-2022", "confirmed-2025-only", "reconstructed")

_BUNDLE_DIR = "indexsets"
_WORD = re.compile(r"\w+")


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
    the district chairmen, the heads of departments); scored separately under the ``per_item`` rule."""

    id: str
    name: str
    max_score: float | None
    status: str
    unit_kinds: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    name_en: str | None = None


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


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    max_score: float | None
    status: str
    indicators: tuple[Indicator, ...]
    name_en: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    max_score: float | None
    status: str
    criteria: tuple[Criterion, ...]
    name_en: str | None = None

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
    source_file: str = field(default="", compare=False)

    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, groups first in file order, then the cross-cutting ones."""
        return tuple(ind for group in self.groups for ind in group.indicators()) + self.cross_cutting

    def get(self, indicator_id: str) -> Indicator | None:
        return next((ind for ind in self.indicators() if ind.id == indicator_id), None)


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
    ctx = _Ctx(where)
    index_set = _index_set(ctx, yf.compose(text, where, IndexSetError))
    if ctx.errors:
        raise IndexSetError(ctx.errors)
    return index_set


# --- validation and construction ---------------------------------------------------------------------------------

@dataclass
class _Ctx:
    where: str
    errors: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # every id seen -> its line
    unit_kinds: frozenset[str] = frozenset()
    issuer_kinds: frozenset[str] = frozenset()

    def err(self, line: int, reason: str) -> None:
        self.errors.append(f"{self.where}:{line}: {reason}")


_TOP_KEYS = {"id", "year", "name_vi", "name_en", "period", "total", "sources", "unit_kinds", "issuer_kinds",
             "groups", "cross_cutting"}
_INDICATOR_KEYS = {"id", "name_vi", "name_en", "max_score", "status", "unit_kinds", "evidence"}
_EVIDENCE_KEYS = {"doc_types", "phrases", "issuer_kinds", "window", "status"}


def _score(ctx: _Ctx, m: dict[str, Y], key: str, what: str) -> float | None:
    score = yf.value(ctx, m, key, what, lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
                     "a number >= 0 or null")
    return None if score is None else float(score)


def _status(ctx: _Ctx, m: dict[str, Y], what: str) -> str:
    return yf.value(ctx, m, "status", what, lambda v: v in STATUSES, f"one of {', '.join(STATUSES)}", "")


def _id(ctx: _Ctx, m: dict[str, Y], parent: str | None, what: str) -> str:
    ident = nfc(yf.value(ctx, m, "id", what, lambda v: isinstance(v, str) and re.fullmatch(r"\S+", v),
                         "a non-empty string without spaces", ""))
    if ident:
        line = m["id"].line
        if ident in ctx.ids:
            ctx.err(line, f"duplicate id {ident!r} (first at line {ctx.ids[ident]})")
        ctx.ids.setdefault(ident, line)
        if parent and not ident.startswith(parent):
            ctx.err(line, f"id {ident!r} does not start with the id of its parent {parent!r}")
    return ident


def _kinds(ctx: _Ctx, m: dict[str, Y], key: str) -> tuple[Kind, ...]:
    kinds: dict[str, Y] = yf.value(ctx, m, key, "the index set", lambda v: isinstance(v, dict), "a mapping", {})
    for code, value in kinds.items():
        if not re.fullmatch(r"[A-Z][A-Z_]*", code):
            ctx.err(m[key].key_lines[code], f"bad {key} code {code!r}: upper-case letters and _ only")
        if not isinstance(value.value, str) or not value.value.strip():
            ctx.err(value.line, f"{key} {code!r} needs a name")
    return tuple(Kind(code, nfc(str(value.value or "")).strip()) for code, value in kinds.items())


def _date(ctx: _Ctx, m: dict[str, Y], key: str, what: str) -> date | None:
    return yf.value(ctx, m, key, what, lambda v: isinstance(v, date), "a date YYYY-MM-DD")


def _index_set(ctx: _Ctx, root: Y) -> IndexSet:
    what = "the index set"
    m = yf.mapping(ctx, root, _TOP_KEYS, ("id", "year", "name_vi", "period", "total", "unit_kinds", "groups"),
                   what) or {}
    ident = _id(ctx, m, None, what)
    year = yf.value(ctx, m, "year", what, lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer", 0)
    period_from = period_to = None
    if "period" in m:
        period = yf.mapping(ctx, m["period"], {"from", "to"}, ("from", "to"), "period") or {}
        period_from, period_to = _date(ctx, period, "from", "period"), _date(ctx, period, "to", "period")
        if period_from and period_to and period_from > period_to:
            ctx.err(m["period"].line, f"period from {period_from} is after to {period_to}")
    total = _score(ctx, m, "total", what)
    unit_kinds, other_kinds = _kinds(ctx, m, "unit_kinds"), _kinds(ctx, m, "issuer_kinds")
    ctx.unit_kinds = frozenset(k.code for k in unit_kinds)
    ctx.issuer_kinds = ctx.unit_kinds | {k.code for k in other_kinds}
    groups = tuple(_group(ctx, g) for g in yf.items(ctx, m, "groups", what))
    if "groups" in m and not groups:
        ctx.err(m["groups"].line, "the index set has no groups")
    used = sum(_points(g.max_score, [_points(c.max_score, [i.max_score for i in c.indicators]) for c in g.criteria])
               for g in groups)
    if total is not None and used > total + 1e-9:
        ctx.err(m["total"].line, f"group maxima add up to {used:g}, more than the total {total:g}")
    return IndexSet(
        id=ident, year=year, name=yf.text(ctx, m, "name_vi", what),
        period_from=period_from or date.min, period_to=period_to or date.min, total=total or 0.0,
        unit_kinds=unit_kinds, issuer_kinds=unit_kinds + other_kinds, groups=groups,
        cross_cutting=tuple(_indicator(ctx, y, "X.") for y in yf.items(ctx, m, "cross_cutting", what)),
        sources=tuple(nfc(str(s.value)) for s in yf.items(ctx, m, "sources", what)),
        name_en=yf.text(ctx, m, "name_en", what) or None, source_file=ctx.where,
    )


def _points(own: float | None, children: list[float | None]) -> float:
    """Points a node stands for when its parent is checked: its own maximum, or else what its children add up to."""
    return own if own is not None else sum(c or 0.0 for c in children)


def _group(ctx: _Ctx, y: Y) -> Group:
    ident, name, name_en, max_score, status, items, what = _branch(ctx, y, "group", "criteria", None)
    criteria = tuple(_criterion(ctx, c, ident or None) for c in items)
    _check_sum(ctx, y.line, what, max_score, [_points(c.max_score, [i.max_score for i in c.indicators])
                                              for c in criteria])
    return Group(ident, name, max_score, status, criteria, name_en)


def _criterion(ctx: _Ctx, y: Y, group_id: str | None) -> Criterion:
    ident, name, name_en, max_score, status, items, what = _branch(ctx, y, "criterion", "indicators", group_id)
    indicators = tuple(_indicator(ctx, i, f"{ident}." if ident else None) for i in items)
    _check_sum(ctx, y.line, what, max_score, [i.max_score for i in indicators])
    return Criterion(ident, name, max_score, status, indicators, name_en)


def _branch(ctx: _Ctx, y: Y, level: str, children: str,
            parent: str | None) -> tuple[str, str, str | None, float | None, str, list[Y], str]:
    """The fields a group and a criterion share, and the YAML items of their children."""
    keys = {"id", "name_vi", "name_en", "max_score", "status", children}
    m = yf.mapping(ctx, y, keys, ("id", "name_vi", "status", children), f"{level} at line {y.line}") or {}
    ident = _id(ctx, m, parent, f"{level} at line {y.line}")
    what = f"{level} {ident or '?'}"
    return (ident, yf.text(ctx, m, "name_vi", what), yf.text(ctx, m, "name_en", what) or None,
            _score(ctx, m, "max_score", what), _status(ctx, m, what), yf.items(ctx, m, children, what), what)


def _check_sum(ctx: _Ctx, line: int, what: str, max_score: float | None, parts: list[float | None]) -> None:
    used = sum(p or 0.0 for p in parts)
    if max_score is not None and used > max_score + 1e-9:
        ctx.err(line, f"the parts of {what} add up to {used:g} points, more than its max_score {max_score:g}")


def _indicator(ctx: _Ctx, y: Y, prefix: str | None) -> Indicator:
    m = yf.mapping(ctx, y, _INDICATOR_KEYS, ("id", "name_vi", "status", "unit_kinds", "evidence"),
                   f"indicator at line {y.line}") or {}
    ident = _id(ctx, m, prefix, f"indicator at line {y.line}")
    what = f"indicator {ident or '?'}"
    kind_items = yf.items(ctx, m, "unit_kinds", what)
    if "unit_kinds" in m and not kind_items:
        ctx.err(m["unit_kinds"].line, f"{what} applies to no unit kind")
    return Indicator(ident, yf.text(ctx, m, "name_vi", what), _score(ctx, m, "max_score", what),
                     _status(ctx, m, what), yf.codes(ctx, kind_items, ctx.unit_kinds, what, "unit kind"),
                     tuple(_evidence(ctx, e, what) for e in yf.items(ctx, m, "evidence", what)),
                     yf.text(ctx, m, "name_en", what) or None)


def _evidence(ctx: _Ctx, y: Y, owner: str) -> Evidence:
    what = f"evidence of {owner}"
    m = yf.mapping(ctx, y, _EVIDENCE_KEYS, ("doc_types", "phrases", "window", "status"), what) or {}
    type_items, phrase_items = yf.items(ctx, m, "doc_types", what), yf.items(ctx, m, "phrases", what)
    for key, items in (("doc_types", type_items), ("phrases", phrase_items)):
        if key in m and not items:
            ctx.err(m[key].line, f"{what} has an empty {key!r}")
    phrases = []
    for item in phrase_items:
        if not isinstance(item.value, str) or not _WORD.search(fold(item.value)):
            ctx.err(item.line, f"phrase {item.value!r} in {what} has no words")
        else:
            phrases.append(nfc(" ".join(item.value.split())))
    window = yf.value(ctx, m, "window", what, lambda v: v in WINDOWS, f"a known window ({', '.join(WINDOWS)})", "")
    return Evidence(doc_types=yf.codes(ctx, type_items, DOC_TYPE_CODES, what, "doc type code"), phrases=tuple(phrases),
                    issuer_kinds=yf.codes(ctx, yf.items(ctx, m, "issuer_kinds", what), ctx.issuer_kinds, what,
                                          "issuer kind"),
                    window=window, status=_status(ctx, m, what))
