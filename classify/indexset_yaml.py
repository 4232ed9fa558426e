"""The index-set file reader: YAML with line numbers (:mod:`classify.yamlfile`), validated, every problem collected
as ``file:line: reason`` into one :class:`~classify.indexset_model.IndexSetError` (the schema: the header of
``classify/indexsets/paca-2024.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

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
from classify.yamlfile import Y
from ingest.text import fold, nfc

_WORD = re.compile(r"\w+")


def read_index_set(text: str, where: str) -> IndexSet:
    """Validate YAML text and build the :class:`IndexSet`; ``where`` names the file in error messages."""
    ctx = _Ctx(where)
    index_set = _index_set(ctx, yf.compose(text, where, IndexSetError))
    if ctx.errors:
        raise IndexSetError(ctx.errors)
    return index_set


@dataclass
class _Ctx:
    where: str
    errors: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # every id seen -> its line
    unit_kinds: frozenset[str] = frozenset()
    issuer_kinds: frozenset[str] = frozenset()

    def err(self, line: int, reason: str) -> None:
        self.errors.append(f"{self.where}:{line}: {reason}")


_TOP_KEYS = {"id", "year", "name_vi", "name_en", "period", "total", "sources", "note", "unit_kinds", "issuer_kinds",
             "groups", "cross_cutting", "renamed"}  # below: keys of an indicator, a sub-item, a signature
_INDICATOR_KEYS = {"id", "name_vi", "name_en", "max_score", "status", "unit_kinds", "evidence", "items", "scoring",
                   "source"}
_ITEM_KEYS = {"id", "name_vi", "name_en", "max_score", "status", "unit_kinds", "evidence", "source"}
_EVIDENCE_KEYS = {"doc_types", "phrases", "issuer_kinds", "window", "status", "unless", "requires"}


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
    used = [_points(g.max_score, [_points(c.max_score, [i.max_score for i in c.indicators]) for c in g.criteria])
            for g in groups]
    if total is not None and "total" in m:
        _check_sum(ctx, m["total"].line, "the index set (its total)", total, used)
    return IndexSet(
        id=ident, year=year, name=yf.text(ctx, m, "name_vi", what),
        period_from=period_from or date.min, period_to=period_to or date.min, total=total or 0.0,
        unit_kinds=unit_kinds, issuer_kinds=unit_kinds + other_kinds, groups=groups,
        cross_cutting=tuple(_indicator(ctx, y, "X.") for y in yf.items(ctx, m, "cross_cutting", what)),
        sources=tuple(nfc(str(s.value)) for s in yf.items(ctx, m, "sources", what)),
        name_en=yf.text(ctx, m, "name_en", what) or None, note=" ".join(yf.text(ctx, m, "note", what).split()),
        source_file=ctx.where,
        renamed=_renamed(ctx, m, groups),
    )


def _renamed(ctx: _Ctx, m: dict[str, Y], groups: tuple[Group, ...]) -> tuple[tuple[str, str | None], ...]:
    """``renamed:`` old code → the code it is now (or null: gone). An old code may not be a code of the set
    (it would be ambiguous), and a new code must be one."""
    if "renamed" not in m:
        return ()
    node = m["renamed"]
    if not isinstance(node.value, dict):
        ctx.err(node.line, "renamed: must map old codes to new codes (or null)")
        return ()
    known = {c for g in groups for ind in g.indicators() for c in (ind.id, *(it.id for it in ind.items))}
    out = []
    for old, target in node.value.items():
        new = None if target.value is None else str(target.value)
        if old in known:
            ctx.err(target.line, f"renamed: {old} is a code of this set; an old code must be one it no longer has")
        elif new is not None and new not in known:
            ctx.err(target.line, f"renamed: {old} → {new}, but {new} is not a code of this set")
        else:
            out.append((str(old), new))
    return tuple(out)


def _points(own: float | None, children: list[float | None]) -> float | None:
    """Points a node stands for when its parent is checked: its own maximum, else its children's sum when all of
    them are known, else None."""
    return own if own is not None else (sum(children) if children and None not in children else None)  # type: ignore


def _group(ctx: _Ctx, y: Y) -> Group:
    ident, name, name_en, max_score, status, source, items, what = _branch(ctx, y, "group", "criteria", None)
    criteria = tuple(_criterion(ctx, c, ident or None) for c in items)
    _check_sum(ctx, y.line, what, max_score, [_points(c.max_score, [i.max_score for i in c.indicators])
                                              for c in criteria])
    return Group(ident, name, max_score, status, criteria, name_en, source)


def _criterion(ctx: _Ctx, y: Y, group_id: str | None) -> Criterion:
    ident, name, name_en, max_score, status, source, items, what = _branch(ctx, y, "criterion", "indicators",
                                                                           group_id)
    indicators = tuple(_indicator(ctx, i, f"{ident}." if ident else None) for i in items)
    _check_sum(ctx, y.line, what, max_score, [i.max_score for i in indicators])
    return Criterion(ident, name, max_score, status, indicators, name_en, source)


def _branch(ctx: _Ctx, y: Y, level: str, children: str,
            parent: str | None) -> tuple[str, str, str | None, float | None, str, str, list[Y], str]:
    """The fields a group and a criterion share, and the YAML items of their children."""
    keys = {"id", "name_vi", "name_en", "max_score", "status", "source", children}
    m = yf.mapping(ctx, y, keys, ("id", "name_vi", "status", children), f"{level} at line {y.line}") or {}
    ident = _id(ctx, m, parent, f"{level} at line {y.line}")
    what = f"{level} {ident or '?'}"
    return (ident, yf.text(ctx, m, "name_vi", what), yf.text(ctx, m, "name_en", what) or None,
            _score(ctx, m, "max_score", what), _status(ctx, m, what), _source(ctx, m, what),
            yf.items(ctx, m, children, what), what)


def _check_sum(ctx: _Ctx, line: int, what: str, max_score: float | None, parts: list[float | None]) -> None:
    """The parts may not add up to more than the whole; when every part's points are known they must add up to
    exactly the whole (a part left out or a point misread shows here)."""
    if max_score is None:
        return
    used = sum(p or 0.0 for p in parts)
    if used > max_score + 1e-9:
        ctx.err(line, f"the parts of {what} add up to {used:g} points, more than its max_score {max_score:g}")
    elif parts and all(p is not None for p in parts) and used < max_score - 1e-9:
        ctx.err(line, f"the parts of {what} add up to {used:g} points, not its max_score {max_score:g} "
                      "(all of them are known)")


def _source(ctx: _Ctx, m: dict[str, Y], what: str) -> str:
    return " ".join(yf.text(ctx, m, "source", what).split())


def _indicator(ctx: _Ctx, y: Y, prefix: str | None) -> Indicator:
    m = yf.mapping(ctx, y, _INDICATOR_KEYS, ("id", "name_vi", "status", "unit_kinds", "evidence"),
                   f"indicator at line {y.line}") or {}
    ident = _id(ctx, m, prefix, f"indicator at line {y.line}")
    what = f"indicator {ident or '?'}"
    max_score = _score(ctx, m, "max_score", what)
    scoring = yf.value(ctx, m, "scoring", what, lambda v: v in SCORING_RULES,
                       f"one of {', '.join(SCORING_RULES)}", "present")
    kind_items = yf.items(ctx, m, "unit_kinds", what)
    if "unit_kinds" in m and not kind_items and scoring != "not_from_units":
        ctx.err(m["unit_kinds"].line, f"{what} applies to no unit kind (only a 'not_from_units' indicator may)")
    if kind_items and scoring == "not_from_units":
        ctx.err(m["unit_kinds"].line, f"{what} is scored 'not_from_units': no unit kind supplies its evidence")
    unit_kinds = yf.codes(ctx, kind_items, ctx.unit_kinds, what, "unit kind")
    items = tuple(_item(ctx, i, f"{ident}." if ident else None, unit_kinds, what)
                  for i in yf.items(ctx, m, "items", what))
    if "items" in m and not items:
        ctx.err(m["items"].line, f"{what} has an empty 'items' list (leave the key out)")
    if scoring == "per_item" and not items:
        ctx.err(m["scoring"].line, f"{what} is scored 'per_item' but has no items")
    _check_sum(ctx, y.line, what, max_score, [i.max_score for i in items])
    return Indicator(ident, yf.text(ctx, m, "name_vi", what), max_score, _status(ctx, m, what), unit_kinds,
                     tuple(_evidence(ctx, e, what) for e in yf.items(ctx, m, "evidence", what)),
                     yf.text(ctx, m, "name_en", what) or None, items, scoring, _source(ctx, m, what))


def _item(ctx: _Ctx, y: Y, prefix: str | None, parent_kinds: tuple[str, ...], owner: str) -> SubItem:
    """A sub-item: its unit kinds are some of the indicator's, or none (the province's own evidence, which no unit
    is asked for); its evidence, when given, adds to the indicator's."""
    m = yf.mapping(ctx, y, _ITEM_KEYS, ("id", "name_vi", "status"), f"item at line {y.line} of {owner}") or {}
    ident = _id(ctx, m, prefix, f"item at line {y.line} of {owner}")
    what = f"item {ident or '?'}"
    kind_items = yf.items(ctx, m, "unit_kinds", what)
    unit_kinds = yf.codes(ctx, kind_items, ctx.unit_kinds, what, "unit kind")
    for entry in kind_items:
        if entry.value in ctx.unit_kinds and entry.value not in parent_kinds:
            ctx.err(entry.line, f"unit kind {entry.value!r} of {what} is not one of its indicator's")
    return SubItem(ident, yf.text(ctx, m, "name_vi", what), _score(ctx, m, "max_score", what), _status(ctx, m, what),
                   unit_kinds, tuple(_evidence(ctx, e, what) for e in yf.items(ctx, m, "evidence", what)),
                   yf.text(ctx, m, "name_en", what) or None, _source(ctx, m, what))


def _evidence(ctx: _Ctx, y: Y, owner: str) -> Evidence:
    what = f"evidence of {owner}"
    m = yf.mapping(ctx, y, _EVIDENCE_KEYS, ("doc_types", "phrases", "window", "status"), what) or {}
    type_items = yf.items(ctx, m, "doc_types", what)
    phrase_items, unless_items = yf.items(ctx, m, "phrases", what), yf.items(ctx, m, "unless", what)
    requires_items = yf.items(ctx, m, "requires", what)
    for key, items in (("doc_types", type_items), ("phrases", phrase_items), ("unless", unless_items),
                       ("requires", requires_items)):
        if key in m and not items:
            ctx.err(m[key].line, f"{what} has an empty {key!r}")
    window = yf.value(ctx, m, "window", what, lambda v: v in WINDOWS, f"a known window ({', '.join(WINDOWS)})", "")
    return Evidence(doc_types=yf.codes(ctx, type_items, DOC_TYPE_CODES, what, "doc type code"),
                    phrases=_phrases(ctx, phrase_items, what),
                    issuer_kinds=yf.codes(ctx, yf.items(ctx, m, "issuer_kinds", what), ctx.issuer_kinds, what,
                                          "issuer kind"),
                    window=window, status=_status(ctx, m, what), unless=_phrases(ctx, unless_items, what),
                    requires=_phrases(ctx, requires_items, what))


def _phrases(ctx: _Ctx, items: list[Y], what: str) -> tuple[str, ...]:
    phrases = []
    for item in items:
        if not isinstance(item.value, str) or not _WORD.search(fold(item.value)):
            ctx.err(item.line, f"phrase {item.value!r} in {what} has no words")
        else:
            phrases.append(nfc(" ".join(item.value.split())))
    return tuple(phrases)
