"""The provisional score ("điểm tạm tính") of every unit and of the province, from the gap report.

Per unit and indicator of the index set that applies to the unit's kind (and that the plan does not exclude), by
the indicator's ``scoring`` rule (:data:`classify.indexset.SCORING_RULES`):

- ``present``: the indicator's points when the gap engine finds its evidence **present**; 0 when it is missing,
  late or out of period. **Weak** evidence (unknown date, unsure type, only mentioned, poor scan) scores 0 too,
  but never silently: the score is flagged ``needs_review`` with the gap engine's reason, and ``pending`` holds
  the points a reviewer's confirmation (a correction or an override) would add.
- ``per_item``: each sub-item that applies to the unit's kind is judged on its own (a document tagged with the
  sub-item, or tagged with the indicator and fitting the sub-item's evidence signature: type and a phrase of its
  subject; a sub-item without a signature takes the indicator's evidence) and scores its own points, or an equal
  share of what the indicator's points leave when its points are unknown. The same statuses as above per item.
- ``unit_share``: the unit scores like ``present`` (its own contribution); the province scores the indicator's
  points × the share of expected units (the plan's units of the indicator's kinds) with valid evidence, shown
  with the counts (31/38), as TTCP scored publicity in 2023.
- ``not_from_units``: a national ranking or a provincial result (PAR INDEX, DTI): shown, never scored here.

An indicator whose points are unknown (``max_score`` null and no sub-item points to add up) is shown with its
evidence status and the reason, and left out of every total. So is an indicator the index set describes no
evidence for (the gap engine checks nothing for it). Totals per criterion, group and unit add up the scored
indicators only: their maximum is what those indicators could give this unit, not the published maximum.

The province: per indicator (per sub-item for ``per_item``), the mean of the scores of the units that must supply
it, which is points × valid/expected without overrides; totals per criterion and group and for the province. A
report of one unit (``GapReport.population`` holding them all) still scores the province over every unit.

A reviewer's override (:mod:`pipelines.catalog.scores`) replaces the unit's score of an indicator; the engine's
own score stays beside it (``computed``). Every score carries its reason as a message of the i18n catalog
(codes ``score.*``), shown in Vietnamese by default.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from classify.indexset import IndexSet, Indicator, SubItem
from ingest.text import fold
from pipelines.assessment import gaps
from pipelines.catalog.scores import Override
from pipelines.i18n import DEFAULT_LANG, Msg

# Score statuses beyond the gap engine's five (present, weak, out_of_period, late, missing).
NOT_SCORED = ("not_from_units", "unknown_points", "not_assessed")
SCORE_STATUS_VI = {**gaps.STATUS_VI, "not_from_units": "Không chấm từ đơn vị", "unknown_points": "Chưa rõ điểm",
                   "not_assessed": "Chưa mô tả minh chứng"}
_ZERO = {"missing": "score.missing", "late": "score.late", "out_of_period": "score.out_of_period"}


@dataclass(frozen=True)
class ItemScore:
    """One sub-item of a ``per_item`` indicator for one unit."""

    id: str
    name: str
    status: str  # a gap status
    points: float
    max: float
    equal_share: bool  # the points are an equal share (the sub-item's own are unknown)
    reason: Msg


@dataclass(frozen=True)
class IndicatorScore:
    id: str
    name: str
    group: str
    criterion: str
    rule: str  # a key of SCORING_RULES
    status: str  # a gap status or one of NOT_SCORED
    points: float | None  # the score shown: the override when there is one; None: not scored
    computed: float | None  # the engine's score
    max: float | None  # what the indicator can give this unit; None: unknown
    reason: Msg
    items: tuple[ItemScore, ...] = ()
    needs_review: bool = False  # weak evidence scored 0 until a reviewer confirms it
    pending: float = 0.0  # points the weak evidence would add once confirmed
    override: Override | None = None
    share: tuple[int, int] | None = None  # unit_share: (units with valid evidence, expected units) of the province
    engine_reason: Msg | None = None  # with an override: the engine's own reason (``reason`` then names both)

    @property
    def scored(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class Total:
    """Points and maximum of the scored indicators under one criterion, group, unit or the province."""

    id: str
    name: str
    points: float
    max: float
    unscored: int  # indicators shown but left out (unknown points, not from units, no evidence described)
    needs_review: int
    pending: float


@dataclass(frozen=True)
class UnitScores:
    unit: gaps.Unit
    indicators: tuple[IndicatorScore, ...]
    criteria: tuple[Total, ...]
    groups: tuple[Total, ...]
    total: Total

    def get(self, indicator_id: str) -> IndicatorScore | None:
        return next((s for s in self.indicators if s.id == indicator_id), None)


@dataclass(frozen=True)
class ProvinceScore:
    """One indicator for the province: the mean of its units' scores (per sub-item for ``per_item``)."""

    id: str
    name: str
    group: str
    criterion: str
    rule: str
    points: float | None
    max: float | None
    valid: int  # units with valid (present) evidence; for per_item: unit × sub-item pairs
    expected: int  # units that must supply it
    reason: Msg


@dataclass(frozen=True)
class ScoreReport:
    index_set: str
    note: str  # the index set's confirmed / derived note (empty when it has none)
    units: tuple[UnitScores, ...]
    province: tuple[ProvinceScore, ...]
    province_criteria: tuple[Total, ...]
    province_groups: tuple[Total, ...]
    province_total: Total

    def unit(self, name: str) -> UnitScores | None:
        return next((u for u in self.units if u.unit.name == name), None)


def index_set_note(index_set: IndexSet) -> str:
    """The index set's top-level note on what is confirmed and what derived (read defensively: older sets lack it)."""
    note = getattr(index_set, "note", None) or getattr(index_set, "note_vi", None) or ""
    return " ".join(str(note).split())


def num(value: float | None) -> str:
    """A score as people write it in Vietnamese: at most two decimals, comma as the decimal sign ("4,89")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def places(index_set: IndexSet) -> dict[str, tuple[str, str]]:
    """Indicator id → (group id, criterion id); cross-cutting indicators sit in group and criterion "X"."""
    out = {ind.id: (g.id, c.id) for g in index_set.groups for c in g.criteria for ind in c.indicators}
    out.update({ind.id: ("X", "X") for ind in index_set.cross_cutting})
    return out


def applies(ind: Indicator, kind: str) -> bool:
    return kind in ind.unit_kinds or any(kind in s.unit_kinds for s in ind.items)


def item_points(ind: Indicator) -> tuple[dict[str, float], set[str]] | None:
    """Points of each sub-item (own, or an equal share of what the indicator's points leave) and the ids that got
    a share; None when they cannot be known."""
    known = {s.id: s.max_score for s in ind.items if s.max_score is not None}
    unknown = [s.id for s in ind.items if s.max_score is None]
    if not unknown:
        return known, set()  # type: ignore[return-value]
    if ind.max_score is None:
        return None
    left = max(ind.max_score - sum(known.values()), 0.0)  # type: ignore[arg-type]
    return {**known, **{i: left / len(unknown) for i in unknown}}, set(unknown)  # type: ignore[dict-item]


def max_for(ind: Indicator, kind: str) -> float | None:
    """What the indicator can give a unit of ``kind``: its points, or its applicable sub-items' for per_item."""
    if ind.scoring != "per_item" or not ind.items:
        return ind.max_score
    shares = item_points(ind)
    if shares is None:
        return None
    return sum(p for i, p in shares[0].items() if kind in _item_kinds(ind, _item(ind, i)))


def _item(ind: Indicator, item_id: str) -> SubItem:
    return next(s for s in ind.items if s.id == item_id)


def _item_kinds(ind: Indicator, item: SubItem) -> tuple[str, ...]:
    return item.unit_kinds or ind.unit_kinds


def _fits(doc: gaps.DocInfo, item: SubItem) -> bool:
    """Whether a document tagged with the indicator fits the sub-item's evidence signature (type, a phrase in its
    subject); a sub-item without a signature takes every document of its indicator."""
    if not item.evidence:
        return True
    subject = fold(doc.subject or "")
    return any((not ev.doc_types or doc.doc_type is None or doc.doc_type in ev.doc_types)
               and (not ev.phrases or any(fold(p) in subject for p in ev.phrases)) for ev in item.evidence)


def item_cell(report: gaps.GapReport, u: gaps.UnitGaps, cell: gaps.Cell, ind: Indicator,
              item: SubItem) -> gaps.Cell:
    """The gap engine's verdict on one sub-item for one unit."""
    types = tuple(dict.fromkeys(t for ev in item.evidence for t in ev.doc_types))
    req = replace(cell.requirement, id=item.id, name=item.name, indicators=(item.id, ind.id),
                  doc_types=types or cell.requirement.doc_types)
    docs = []
    for d in u.docs:
        if item.id in d.indicators or item.id in d.attached:
            docs.append(d)
        elif (ind.id in d.indicators or ind.id in d.attached) and _fits(d, item):
            docs.append(replace(d, attached=d.attached | {item.id}) if ind.id in d.attached else d)
    return gaps.cell(req, docs, report.plan)


def _verdict(status: str, points: float, detail: str) -> tuple[float, Msg]:
    if status == "present":
        return points, Msg("score.present", {"points": num(points)})
    if status == "weak":
        return 0.0, Msg("score.weak", {"points": num(points), "detail": detail})
    return 0.0, Msg(_ZERO[status], {"detail": detail})


def _unit_indicator(report: gaps.GapReport, u: gaps.UnitGaps, ind: Indicator, where: tuple[str, str],
                    cells: dict[str, gaps.Cell]) -> IndicatorScore:
    """A unit's score of one indicator before the province's counts and the reviewer's override."""
    base = {"id": ind.id, "name": ind.name, "group": where[0], "criterion": where[1], "rule": ind.scoring}
    cell = cells.get(ind.id)
    if ind.scoring == "not_from_units":
        return IndicatorScore(**base, status="not_from_units", points=None, computed=None, max=ind.max_score,
                              reason=Msg("score.not_from_units"))
    top = max_for(ind, u.unit.kind)
    if top is None:
        evidence = gaps.STATUS_VI[cell.status] if cell else SCORE_STATUS_VI["not_assessed"]
        return IndicatorScore(**base, status="unknown_points", points=None, computed=None, max=None,
                              reason=Msg("score.unknown_points", {"index_set": report.index_set.id,
                                                                  "evidence": evidence}))
    if cell is None:
        return IndicatorScore(**base, status="not_assessed", points=None, computed=None, max=top,
                              reason=Msg("score.not_assessed"))
    if ind.scoring != "per_item" or not ind.items:
        points, reason = _verdict(cell.status, top, cell.reason)
        return IndicatorScore(**base, status=cell.status, points=points, computed=points, max=top, reason=reason,
                              needs_review=cell.status == "weak", pending=top if cell.status == "weak" else 0.0)
    shares, equal = item_points(ind) or ({}, set())
    items = []
    for item in ind.items:
        if u.unit.kind not in _item_kinds(ind, item):
            continue
        c = item_cell(report, u, cell, ind, item)
        points, reason = _verdict(c.status, shares[item.id], c.reason)
        items.append(ItemScore(item.id, item.name, c.status, points, shares[item.id], item.id in equal, reason))
    points = sum(i.points for i in items)
    pending = sum(i.max for i in items if i.status == "weak")
    parts = [Msg("score.item", {"id": i.id, "name": i.name, "points": num(i.points), "max": num(i.max),
                                "reason": i.reason}) for i in items]
    reason = Msg("score.items_equal" if equal else "score.items", {"parts": parts})
    return IndicatorScore(**base, status=cell.status, points=points, computed=points, max=top, reason=reason,
                          items=tuple(items), needs_review=pending > 0, pending=pending)


def _with_override(s: IndicatorScore, o: Override | None) -> IndicatorScore:
    if o is None:
        return s
    if s.computed is None:  # the indicator is no longer scored: the override is shown, not counted
        return replace(s, override=o)
    reason = Msg("score.override", {"who": o.who, "at": o.at[:16].replace("T", " "), "points": num(o.points),
                                    "computed": num(s.computed), "note": o.note, "reason": s.reason})
    return replace(s, points=o.points, override=o, reason=reason, engine_reason=s.reason, needs_review=False,
                   pending=0.0)


def _total(ident: str, name: str, scores: list[IndicatorScore]) -> Total:
    done = [s for s in scores if s.scored]
    return Total(ident, name, sum(s.points or 0.0 for s in done), sum(s.max or 0.0 for s in done),
                 len(scores) - len(done), sum(s.needs_review for s in scores), sum(s.pending for s in scores))


def _totals(index_set: IndexSet, scores: list) -> tuple[tuple[Total, ...], tuple[Total, ...], Total]:
    """Criterion and group totals in index-set order (those with something to show), and the grand total."""
    criteria, groups_ = [], []
    names = [(g.id, g.name, [(c.id, c.name) for c in g.criteria]) for g in index_set.groups]
    if index_set.cross_cutting:
        names.append(("X", "Chỉ số chung", [("X", "Chỉ số chung")]))
    for gid, gname, crits in names:
        in_group = [s for s in scores if s.group == gid]
        if not in_group:
            continue
        groups_.append(_total(gid, gname, in_group))
        criteria += [_total(cid, cname, [s for s in in_group if s.criterion == cid]) for cid, cname in crits
                     if any(s.criterion == cid for s in in_group)]
    return tuple(criteria), tuple(groups_), _total("", "", scores)


def score(report: gaps.GapReport) -> ScoreReport:
    """The provisional scores of every unit of the report (with the reviewers' overrides) and of the province."""
    index_set, where = report.index_set, places(report.index_set)
    raw: list[tuple[gaps.UnitGaps, list[IndicatorScore]]] = []
    for u in report.population or report.units:
        if not u.cells:
            continue  # nothing is required of it (the receiving unit)
        cells = {c.requirement.id: c for c in u.cells if c.requirement.source == "index-set"}
        inds = [ind for ind in index_set.indicators()
                if applies(ind, u.unit.kind) and not report.plan.excluded(ind.id)]
        raw.append((u, [_with_override(_unit_indicator(report, u, ind, where[ind.id], cells),
                                       report.overrides.get((u.unit.name, ind.id))) for ind in inds]))
    by_id: dict[str, list[IndicatorScore]] = defaultdict(list)
    for _, unit_scores in raw:
        for s in unit_scores:
            by_id[s.id].append(s)
    province = [_province(ind, where[ind.id], by_id[ind.id])
                for ind in index_set.indicators() if not report.plan.excluded(ind.id)]
    share = {p.id: (p.valid, p.expected) for p in province if p.rule == "unit_share"}
    by_province = {p.id: p for p in province}
    units, shown = [], {u.unit.name for u in report.units}
    for u, scores in raw:
        if u.unit.name not in shown:
            continue
        scores = [_shared(s, share[s.id], by_province[s.id]) if s.id in share and s.scored else s for s in scores]
        units.append(UnitScores(u.unit, tuple(scores), *_totals(index_set, scores)))
    scored = [p for p in province if p.points is not None]
    as_scores = [IndicatorScore(p.id, p.name, p.group, p.criterion, p.rule, "present", p.points, p.points, p.max,
                                p.reason) for p in scored]
    as_scores += [IndicatorScore(p.id, p.name, p.group, p.criterion, p.rule, "not_assessed", None, None, p.max,
                                 p.reason) for p in province if p.points is None]
    pc, pg, pt = _totals(index_set, as_scores)
    return ScoreReport(index_set.id, index_set_note(index_set), tuple(units), tuple(province), pc, pg, pt)


def _shared(s: IndicatorScore, counts: tuple[int, int], p: ProvinceScore) -> IndicatorScore:
    params = {"valid": counts[0], "expected": counts[1], "province": num(p.points), "max": num(p.max)}
    engine = Msg("score.unit_share", {"reason": s.engine_reason, **params}) if s.engine_reason else None
    return replace(s, share=counts, reason=Msg("score.unit_share", {"reason": s.reason, **params}),
                   engine_reason=engine)


def _province(ind: Indicator, where: tuple[str, str], scores: list[IndicatorScore]) -> ProvinceScore:
    base = {"id": ind.id, "name": ind.name, "group": where[0], "criterion": where[1], "rule": ind.scoring}
    if ind.scoring == "not_from_units":
        return ProvinceScore(**base, points=None, max=ind.max_score, valid=0, expected=0,
                             reason=Msg("score.not_from_units"))
    shares = item_points(ind) if ind.scoring == "per_item" and ind.items else None
    top = sum(shares[0].values()) if shares else ind.max_score
    if top is None:
        return ProvinceScore(**base, points=None, max=None, valid=0, expected=len(scores),
                             reason=Msg("score.unknown_points_province"))
    scored = [s for s in scores if s.computed is not None]
    if not scored:
        return ProvinceScore(**base, points=None, max=top, valid=0, expected=len(scores),
                             reason=Msg("score.province_none"))
    if not shares:
        valid = sum(s.status == "present" for s in scored)
        points = sum(s.points or 0.0 for s in scored) / len(scored)
        code = "score.province_share" if ind.scoring == "unit_share" else "score.province_mean"
        overridden = any(s.override for s in scored)
        return ProvinceScore(**base, points=points, max=top, valid=valid, expected=len(scored),
                             reason=Msg(code + ("_override" if overridden else ""),
                                        {"max": num(top), "valid": valid, "expected": len(scored)}))
    return _province_items(base, shares[0], scored)


def _province_items(base: dict, shares: dict[str, float], scored: list[IndicatorScore]) -> ProvinceScore:
    """per_item: each sub-item scores the mean over the units it applies to; an override of a unit's indicator is
    spread over its sub-items in proportion to their points."""
    got: dict[str, list[float]] = defaultdict(list)
    valid = 0
    for s in scored:
        top = sum(i.max for i in s.items) or 1.0
        for i in s.items:
            got[i.id].append(s.points * i.max / top if s.override and s.points is not None else i.points)
            valid += i.status == "present"
    parts = [Msg("score.province_item", {"id": i, "points": num(sum(v) / len(v)), "max": num(shares[i]),
                                         "expected": len(v)}) for i, v in got.items()]
    points = sum(sum(v) / len(v) for v in got.values())
    top = sum(shares[i] for i in got)
    return ProvinceScore(**base, points=points, max=top, valid=valid, expected=sum(len(v) for v in got.values()),
                         reason=Msg("score.province_items", {"parts": parts}))


def reason_text(s: IndicatorScore | ProvinceScore, lang: str = DEFAULT_LANG) -> str:
    return s.reason.text(lang)
