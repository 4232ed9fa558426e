"""The plan file reader: YAML with line numbers (classify/yamlfile.py), validated against the plan's
index set, every problem collected as ``file:line: reason`` into one :class:`~pipelines.assessment.plan.PlanError`.

The schema (see ``pipelines/assessment/plans/daklak-2024.yaml`` for a full example)::

    id, name_vi, year, period: {from, to}, index_set (bundled id or path relative to the plan file)
    receiver: the unit that receives the evidence (nothing is required of it)
    deadlines: {UNIT_KIND: date}              every unit kind used needs one (except the receiver's)
    indicator_deadlines: [{indicator, unit_kinds, deadline, basis, reject_late}]
    exclude: [indicator id or prefix*]        never required
    units: [{name, kind, aliases: [...]}]
    duties: [{id, name_vi, unit | unit_kind, indicators, doc_types, window, deadline, basis, reject_late}]
    sources: [free text]

Dates are YYYY-MM-DD or DD/MM/YYYY; deadlines may not fall before the end of the period.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from classify import yamlfile as yf
from classify.indexset import DOC_TYPE_CODES, IndexSet, IndexSetError, load_index_set
from classify.yamlfile import Y, names_a_file
from ingest.text import nfc
from pipelines.assessment.plan import (
    REQUIREMENT_WINDOWS,
    UNIT_KINDS,
    Duty,
    IndicatorDeadline,
    Plan,
    PlanError,
    Unit,
    as_date,
    clean,
    excludes,
    unit_clashes,
    unit_key,
    unit_keys,
)

_BUNDLE = "pipelines.assessment.plans"


def read_plan(text: str, where: str, base: Path | None = None) -> Plan:
    ctx = _Ctx(where)
    plan = _plan(ctx, yf.compose(text, where, PlanError), base)
    if ctx.errors:  # in file order
        raise PlanError(sorted(ctx.errors, key=lambda e: int(e[len(where) + 1:].split(":", 1)[0])))
    return plan

@dataclass
class _Ctx:
    where: str
    errors: list[str] = field(default_factory=list)

    def err(self, line: int, reason: str) -> None:
        self.errors.append(f"{self.where}:{line}: {reason}")


_TOP_KEYS = {"id", "name_vi", "year", "period", "index_set", "receiver", "deadlines", "indicator_deadlines", "exclude",
             "units", "duties", "sources"}
_UNIT_KEYS = {"name", "kind", "aliases"}
_DEADLINE_KEYS = {"indicator", "unit_kinds", "deadline", "basis", "reject_late"}
_DUTY_KEYS = {"id", "name_vi", "unit", "unit_kind", "indicators", "doc_types", "window", "deadline", "basis",
              "reject_late"}


def _plan(ctx: _Ctx, root: Y, base: Path | None) -> Plan:
    what = "the plan"
    m = yf.mapping(ctx, root, _TOP_KEYS, ("id", "name_vi", "year", "period", "index_set", "deadlines", "units"),
                   what) or {}
    ident = nfc(yf.value(ctx, m, "id", what, lambda v: isinstance(v, str) and re.fullmatch(r"\S+", v),
                         "a non-empty string without spaces", ""))
    year = yf.value(ctx, m, "year", what, lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer", 0)
    period_from = period_to = None
    if "period" in m:
        period = yf.mapping(ctx, m["period"], {"from", "to"}, ("from", "to"), "period") or {}
        period_from, period_to = _day(ctx, period.get("from"), "period from"), _day(ctx, period.get("to"), "period to")
        if period_from and period_to and period_from > period_to:
            ctx.err(m["period"].line, f"period from {period_from} is after to {period_to}")
        if period_to and year and period_to.year != year:
            ctx.err(m["period"].line, f"the period ends in {period_to.year}, not in the plan's year {year}")
    index_ref, index_set = _index_set(ctx, m, base, year)
    kinds = tuple(k.code for k in index_set.unit_kinds) if index_set else UNIT_KINDS
    ids = {ind.id: ind for ind in index_set.indicators()} if index_set else None
    deadline_items = yf.value(ctx, m, "deadlines", what, lambda v: isinstance(v, dict), "a mapping", {})
    deadlines = {}
    for kind, y in deadline_items.items():
        if kind not in kinds:
            ctx.err(m["deadlines"].key_lines[kind],
                    f"unknown unit kind {kind!r} in deadlines (known: {', '.join(kinds)})")
        day = _deadline(ctx, y, f"deadline of {kind}", period_to)
        if kind in kinds and day:
            deadlines[kind] = day
    units = _units(ctx, m, kinds)
    by_key = {key: unit for unit, _ in units for key in unit_keys(unit)}
    receiver = clean(yf.text(ctx, m, "receiver", what)) or None
    if receiver and unit_key(receiver) not in by_key:
        ctx.err(m["receiver"].line, f"the receiver {receiver!r} is not one of the plan's units")
    receiver = by_key[unit_key(receiver)].name if receiver and unit_key(receiver) in by_key else receiver
    for unit, line in units:
        if unit.kind not in deadline_items and unit.name != receiver:
            ctx.err(line, f"the plan sets no deadline for kind {unit.kind!r} of unit {unit.name!r} (add it under "
                          f"'deadlines', or make the unit the 'receiver')")
    excluded = yf.items(ctx, m, "exclude", what)
    for item in excluded:
        ref = nfc(item.value) if isinstance(item.value, str) else item.value
        if not isinstance(ref, str) or (ids is not None and not any(excludes(ref, i) for i in ids)):
            ctx.err(item.line, f"exclude {ref!r} matches no indicator of the index set")
    return Plan(
        id=ident, name=clean(yf.text(ctx, m, "name_vi", what)), year=year, index_set=index_ref,
        period_from=period_from or date.min, period_to=period_to or date.min, deadlines=deadlines,
        units=tuple(unit for unit, _ in units),
        duties=tuple(_duties(ctx, m, kinds, ids, by_key, period_to)),
        exclude=tuple(nfc(str(i.value)) for i in excluded), receiver=receiver,
        indicator_deadlines=tuple(_indicator_deadlines(ctx, m, kinds, ids, period_to)), source_file=ctx.where,
    )


def _day(ctx: _Ctx, y: Y | None, what: str) -> date | None:
    if y is None or y.value is None:
        return None
    day = as_date(y.value)
    if day is None:
        ctx.err(y.line, f"{what}: bad date {y.value!r} (expected YYYY-MM-DD or DD/MM/YYYY)")
    return day


def _deadline(ctx: _Ctx, y: Y | None, what: str, period_to: date | None) -> date | None:
    day = _day(ctx, y, what)
    if y is not None and day and period_to and day < period_to:
        ctx.err(y.line, f"{what} {day} is before the end of the assessment period {period_to}")
    return day


def _index_set(ctx: _Ctx, m: dict[str, Y], base: Path | None, year: int) -> tuple[str, IndexSet | None]:
    ref = yf.text(ctx, m, "index_set", "the plan")
    if not ref:
        return "", None
    if yf.names_a_file(ref) and base and not Path(ref).is_absolute():
        ref = str(base / ref)
    try:
        index_set = load_index_set(ref)
    except (IndexSetError, OSError) as exc:
        ctx.err(m["index_set"].line, f"index set {ref!r} cannot be used: {exc}")
        return ref, None
    if year and index_set.year != year:
        ctx.err(m["index_set"].line, f"index set {ref!r} is for {index_set.year}, the plan for {year}")
    return ref, index_set


def _units(ctx: _Ctx, m: dict[str, Y], kinds: tuple[str, ...]) -> list[tuple[Unit, int]]:
    units: list[tuple[Unit, int]] = []
    for y in yf.items(ctx, m, "units", "the plan"):
        what = f"unit at line {y.line}"
        u = yf.mapping(ctx, y, _UNIT_KEYS, ("name", "kind"), what)
        if u is None:
            continue
        name, kind = clean(yf.text(ctx, u, "name", what)), yf.value(ctx, u, "kind", what, lambda v: True, "", "")
        if "kind" in u and kind not in kinds:
            ctx.err(u["kind"].line, f"unknown unit kind {kind!r} of {what} (known: {', '.join(kinds)})")
        aliases = []
        for a in yf.items(ctx, u, "aliases", what):
            if isinstance(a.value, str) and a.value.strip():
                aliases.append(clean(a.value))
            else:
                ctx.err(a.line, f"alias {a.value!r} of {what} must be a non-empty string")
        if name and kind in kinds:
            units.append((Unit(name, kind, tuple(dict.fromkeys(aliases))), y.line))
    for i, reason in unit_clashes([unit for unit, _ in units]):
        ctx.err(units[i][1], reason)
    if "units" in m and not units and not ctx.errors:
        ctx.err(m["units"].line, "the plan has no units")
    return units


def _indicator_ids(ctx: _Ctx, items: list[Y], ids: dict | None, what: str) -> tuple[str, ...]:
    out = []
    for item in items:
        ref = nfc(item.value) if isinstance(item.value, str) else item.value
        if not isinstance(ref, str) or (ids is not None and ref not in ids):
            ctx.err(item.line, f"unknown indicator {ref!r} in {what}")
        else:
            out.append(ref)
    return tuple(out)


def _indicator_deadlines(ctx: _Ctx, m: dict[str, Y], kinds: tuple[str, ...], ids: dict | None,
                         period_to: date | None) -> list[IndicatorDeadline]:
    out = []
    for y in yf.items(ctx, m, "indicator_deadlines", "the plan"):
        what = f"indicator deadline at line {y.line}"
        d = yf.mapping(ctx, y, _DEADLINE_KEYS, ("indicator", "unit_kinds", "deadline", "basis"), what)
        if d is None:
            continue
        indicator = _indicator_ids(ctx, [d["indicator"]] if "indicator" in d else [], ids, what)
        unit_kinds = yf.codes(ctx, yf.items(ctx, d, "unit_kinds", what), frozenset(kinds), what, "unit kind")
        if indicator and ids is not None:
            for kind in set(unit_kinds) - set(ids[indicator[0]].unit_kinds):
                ctx.err(d["unit_kinds"].line, f"indicator {indicator[0]} does not apply to unit kind {kind!r}")
        day = _deadline(ctx, d.get("deadline"), f"deadline of {what}", period_to)
        basis = clean(yf.text(ctx, d, "basis", what))
        reject = yf.value(ctx, d, "reject_late", what, lambda v: isinstance(v, bool), "true or false", False)
        if indicator and unit_kinds and day and basis:
            out.append(IndicatorDeadline(indicator[0], unit_kinds, day, basis, reject))
    return out


def _duties(ctx: _Ctx, m: dict[str, Y], kinds: tuple[str, ...], ids: dict | None, by_key: dict[str, Unit],
            period_to: date | None) -> list[Duty]:
    duties: list[Duty] = []
    lines: dict[str, int] = {}
    for y in yf.items(ctx, m, "duties", "the plan"):
        d = yf.mapping(ctx, y, _DUTY_KEYS, ("id", "name_vi", "indicators", "window", "basis"), f"duty at line {y.line}")
        if d is None:
            continue
        ident = nfc(yf.value(ctx, d, "id", f"duty at line {y.line}", lambda v: isinstance(v, str)
                             and re.fullmatch(r"\S+", v), "a non-empty string without spaces", ""))
        what = f"duty {ident or '?'}"
        if ident in lines:
            ctx.err(d["id"].line, f"duplicate duty id {ident!r} (first at line {lines[ident]})")
        elif ident and ids is not None and ident in ids:
            ctx.err(d["id"].line, f"duty id {ident!r} is an indicator id; use 'indicator_deadlines' to change "
                                  "an indicator's deadline")
        lines.setdefault(ident, y.line)
        unit = clean(yf.text(ctx, d, "unit", what)) or None
        unit_kind = yf.value(ctx, d, "unit_kind", what, lambda v: v in kinds, f"a unit kind ({', '.join(kinds)})")
        if ("unit" in d) == ("unit_kind" in d):
            ctx.err(y.line, f"{what} needs exactly one of 'unit' and 'unit_kind'")
        if unit and unit_key(unit) not in by_key:
            ctx.err(d["unit"].line, f"{what} names unknown unit {unit!r}")
        indicator_items = yf.items(ctx, d, "indicators", what)
        indicators = _indicator_ids(ctx, indicator_items, ids, what)
        if "indicators" in d and not indicator_items:
            ctx.err(d["indicators"].line, f"{what} names no indicator")
        duties.append(Duty(
            id=ident, name=clean(yf.text(ctx, d, "name_vi", what)), indicators=indicators,
            doc_types=yf.codes(ctx, yf.items(ctx, d, "doc_types", what), DOC_TYPE_CODES, what, "doc type code"),
            window=yf.value(ctx, d, "window", what, lambda v: v in REQUIREMENT_WINDOWS,
                            f"one of {', '.join(REQUIREMENT_WINDOWS)}", ""),
            basis=clean(yf.text(ctx, d, "basis", what)),
            unit=by_key[unit_key(unit)].name if unit and unit_key(unit) in by_key else unit, unit_kind=unit_kind,
            deadline=_deadline(ctx, d.get("deadline"), f"deadline of {what}", period_to),
            reject_late=yf.value(ctx, d, "reject_late", what, lambda v: isinstance(v, bool), "true or false", False),
        ))
    return duties


def bundled_plans() -> list[str]:
    """Ids of the plans shipped in pipelines/assessment/plans/."""
    folder = resources.files(_BUNDLE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_plan(ref: str | Path) -> Plan:
    """Load a bundled plan by id ("daklak-2024") or any plan file by path, validated against its index set."""
    if names_a_file(ref):
        path = Path(ref)
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise PlanError([f"{path}: cannot read the plan: {exc.strerror or exc}"]) from exc
        except UnicodeDecodeError as exc:
            raise PlanError([f"{path}: not UTF-8 (byte {exc.start})"]) from exc
        return parse_plan(text, str(path), base=path.parent)
    return _bundled(ref)


@functools.cache
def _bundled(ref: str) -> Plan:
    """A bundled plan, parsed once per process (package data; about 140 ms a parse, asked for per web
    request). Plans are never changed in place (``with_units`` returns a copy), so callers can share it."""
    resource = resources.files(_BUNDLE).joinpath(f"{ref}.yaml")
    if not resource.is_file():
        raise PlanError([f"unknown plan {ref!r}; bundled: {', '.join(bundled_plans()) or 'none'}"])
    plan = parse_plan(resource.read_text(encoding="utf-8"), str(resource))
    if plan.id != ref:
        raise PlanError([f"{resource}:1: the file of bundled plan {ref!r} has id {plan.id!r}"])
    return plan


def parse_plan(text: str, where: str = "<string>", base: Path | None = None) -> Plan:
    """Validate YAML text and build the :class:`Plan`; ``where`` names the file in errors, ``base`` is the folder
    a relative ``index_set`` path is taken from."""
    return read_plan(text, where, base)
