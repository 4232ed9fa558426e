"""The gap engine: for every unit × requirement of the plan, is the evidence present, weak, out of
period, late or missing — with the reason in Vietnamese and the documents.

Per document and requirement (first rule that applies):
1. **late** — received after the requirement's deadline (the plan: not considered);
2. **out of period** — issue date outside the requirement's window (``in_period``: the assessment period;
   ``period_report``: from the period's start to the deadline, for reports about the period; a report (BC)
   always gets the longer window, since a report on the period is written after it ends);
3. **weak** — unknown issue date, unsure type (confidence < 0.8 or none), the indicator only mentioned
   (tag score < 0.75) or poor OCR (mean confidence < 70);
4. **present**.
A cell takes its best document (present > weak > out of period > late); with none it is **missing**.
Reviewers' corrections are already applied to the records (type, date, indicators, unit); a reviewer can
also attach a document to a requirement by hand (correction ``requirement:<id>``), which makes it present.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from classify.indexset import IndexSet
from pipelines.assessment.plan import Plan, Requirement, Unit, requirements_for
from pipelines.catalog.records import DocumentRecord
from pipelines.catalog.scores import Override

STATUSES = ("present", "weak", "out_of_period", "late", "missing")
STATUS_VI = {"present": "Đủ", "weak": "Cần xem lại", "out_of_period": "Ngoài thời kỳ", "late": "Nộp muộn",
             "missing": "Thiếu"}
STRONG_TAG = 0.75
SURE_TYPE = 0.8
GOOD_OCR = 70.0


@dataclass(frozen=True)
class DocInfo:
    """What the engine needs of a document (derived from its DocumentRecord, corrections applied)."""

    id: str
    unit: str | None
    received: date | None
    doc_type: str | None
    type_confidence: float
    issued: date | None
    indicators: dict[str, float]
    ocr_confidence: float | None
    pages: int
    source: str | None
    symbol: str | None
    subject: str | None
    attached: frozenset[str] = frozenset()  # requirement ids a reviewer attached it to
    code_notes: tuple[str, ...] = ()  # stored indicator codes the index set renamed or no longer has (shown)

    @classmethod
    def from_record(cls, r: DocumentRecord) -> DocInfo:
        conf = [p.confidence for p in r.pages if p.method == "ocr" and p.confidence]
        return cls(
            id=r.id, unit=r.unit, received=_date(r.received), doc_type=r.doc_type,
            type_confidence=r.doc_type_confidence or 0.0, issued=_date(r.issued),
            indicators={t["id"]: t["score"] for t in r.indicators or ()},
            ocr_confidence=round(sum(conf) / len(conf), 1) if conf else None,
            pages=len(r.pages) or sum(p.count for p in r.source_pages),
            source=r.source, symbol=r.symbol, subject=r.subject, attached=r.attached)


@dataclass(frozen=True)
class Evidence:
    doc: DocInfo
    status: str
    reason: str


@dataclass(frozen=True)
class Cell:
    requirement: Requirement
    status: str
    reason: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class UnitGaps:
    unit: Unit
    cells: tuple[Cell, ...]
    documents: int
    docs: tuple[DocInfo, ...] = ()  # the unit's documents (the provisional score judges sub-items on them)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.cells)

    @property
    def complete(self) -> float:
        return round(100.0 * self.count("present") / len(self.cells), 1) if self.cells else 100.0


@dataclass(frozen=True)
class GapReport:
    plan: Plan
    index_set: IndexSet
    units: tuple[UnitGaps, ...]
    unmatched: tuple[DocInfo, ...]  # documents that satisfy no requirement of their unit
    unknown_units: dict[str, int] = field(default_factory=dict)  # unit names not in the plan → documents
    overrides: Mapping[tuple[str, str], Override] = field(default_factory=dict)  # (unit, indicator) → reviewer's
    population: tuple[UnitGaps, ...] = ()  # every unit when ``units`` is part of them (the province's scores)
    override_notes: tuple[str, ...] = ()  # score overrides stored under codes the index set renamed or dropped

    @property
    def no_submission(self) -> list[str]:
        return [u.unit.name for u in self.units if u.documents == 0 and u.cells]

    @property
    def code_notes(self) -> list[tuple[DocInfo, str]]:
        """Stored indicator codes (reviewers' corrections) the index set renamed or no longer has, per document."""
        docs = {d.id: d for u in self.units for d in u.docs} | {d.id: d for d in self.unmatched}
        return [(d, note) for d in docs.values() for note in d.code_notes]

    def unit_gaps(self, name: str) -> UnitGaps | None:
        """The row of the plan's unit called ``name`` (or one of its aliases); None if there is none."""
        wanted = self.plan.unit_for(name)
        return next((u for u in self.units if wanted and u.unit.name == wanted.name), None)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "?"


def judge(doc: DocInfo, req: Requirement, plan: Plan) -> Evidence:
    """The status of one document for one requirement, with the reason."""
    label = f"{doc.doc_type or '?'} {doc.symbol or doc.id}"
    if req.id in doc.attached:
        return Evidence(doc, "present", f"{label}: người rà soát gắn vào yêu cầu này")
    if doc.received and req.deadline and doc.received > req.deadline:
        tail = ": không được xem xét" if req.reject_late else ""
        return Evidence(doc, "late", f"{label} nhận ngày {_dmy(doc.received)}, sau hạn {_dmy(req.deadline)}{tail}")
    if doc.issued is not None:
        start, end = plan.period_from, plan.period_to
        if (req.window == "period_report" or doc.doc_type == "BC") and req.deadline:
            end = req.deadline  # a report on the period is written after it ends
        if not start <= doc.issued <= end:
            return Evidence(doc, "out_of_period", f"{label} ngày {_dmy(doc.issued)} ngoài khoảng "
                                                  f"{_dmy(start)}–{_dmy(end)}")
    doubts = []
    if doc.issued is None:
        doubts.append("không đọc được ngày ban hành")
    if doc.doc_type is None or doc.type_confidence < SURE_TYPE:
        doubts.append("chưa chắc loại văn bản")
    score = max((doc.indicators.get(i, 0.0) for i in req.indicators), default=0.0)
    if score < STRONG_TAG:
        doubts.append(f"chỉ nhắc đến nội dung này (điểm {score:.2f})")
    if doc.ocr_confidence is not None and doc.ocr_confidence < GOOD_OCR:
        doubts.append(f"bản quét khó đọc (độ tin cậy OCR {doc.ocr_confidence:.0f})")
    if doubts:
        return Evidence(doc, "weak", f"{label}: " + "; ".join(doubts))
    return Evidence(doc, "present", f"{label} ngày {_dmy(doc.issued)}")


def _matches(doc: DocInfo, req: Requirement) -> bool:
    if req.id in doc.attached:
        return True
    if not any(i in doc.indicators for i in req.indicators):
        return False
    return not req.doc_types or doc.doc_type is None or doc.doc_type in req.doc_types


def cell(req: Requirement, docs: list[DocInfo], plan: Plan) -> Cell:
    evidence = sorted((judge(d, req, plan) for d in docs if _matches(d, req)),
                      key=lambda e: (STATUSES.index(e.status), e.doc.issued or date.max, e.doc.id))
    if not evidence:
        return Cell(req, "missing", "Không có văn bản minh chứng", ())
    best = evidence[0].status
    same = [e for e in evidence if e.status == best]
    head = {"present": f"Có {len(same)} văn bản", "weak": "Chỉ có văn bản cần xem lại",
            "out_of_period": "Chỉ có văn bản ngoài thời kỳ đánh giá",
            "late": "Chỉ có văn bản nộp sau hạn"}[best]
    return Cell(req, best, f"{head}: " + "; ".join(e.reason for e in same), tuple(evidence))


def with_items(req: Requirement, index_set: IndexSet) -> Requirement:
    """An index-set requirement that a document tagged with one of the indicator's sub-items satisfies too."""
    ind = index_set.get(req.id) if req.source == "index-set" else None
    items = tuple(s.id for s in ind.items) if ind else ()
    return replace(req, indicators=tuple(dict.fromkeys((*req.indicators, *items)))) if items else req


def current_codes(doc: DocInfo, index_set: IndexSet) -> DocInfo:
    """The document's indicator codes as the index set has them now: an old code the set maps (``renamed:`` in
    its YAML, e.g. a reviewer's correction saved before the set was corrected) counts under its new code, with a
    note; a code the set does not know is kept out of the matching but noted, never dropped silently."""
    indicators: dict[str, float] = {}
    notes = list(doc.code_notes)
    for code, score in doc.indicators.items():
        new, status = index_set.current_code(code)
        if new is None:
            notes.append(f"{code}: mã cũ không còn trong bộ chỉ số {index_set.id}")
            continue
        if status == "renamed":
            notes.append(f"{code}: mã cũ, nay là {new} trong bộ chỉ số {index_set.id}")
        indicators[new] = max(score, indicators.get(new, 0.0))
    if indicators == doc.indicators and not notes:
        return doc
    return replace(doc, indicators=indicators, code_notes=tuple(notes))


def build(plan: Plan, index_set: IndexSet, records: Iterable[DocumentRecord],
          overrides: Mapping[tuple[str, str], Override] | None = None) -> GapReport:
    """The whole report from the catalog's document records (corrections applied), for the plan's units (a
    clerk's imported list arrives as ``plan.with_units``), with the reviewers' score overrides."""
    by_unit: dict[str, list[DocInfo]] = defaultdict(list)
    unknown: dict[str, int] = defaultdict(int)
    for r in records:
        if r.status != "done" or r.duplicate_of:  # a likely copy of a document of its unit counts once
            continue
        doc = current_codes(DocInfo.from_record(r), index_set)
        unit = plan.unit_for(doc.unit)
        if unit is None:
            unknown[doc.unit or "(không rõ đơn vị)"] += 1
        else:
            by_unit[unit.name].append(doc)
    out, unmatched = [], []
    for unit in plan.units:
        docs = by_unit.get(unit.name, [])
        reqs = [with_items(r, index_set) for r in requirements_for(plan, unit, index_set)]
        index: dict[str, list[DocInfo]] = defaultdict(list)
        for d in docs:
            for key in {*d.indicators, *d.attached}:
                index[key].append(d)
        cells = []
        used: set[str] = set()
        for req in reqs:
            candidates = {d.id: d for key in (*req.indicators, req.id) for d in index.get(key, [])}
            c = cell(req, list(candidates.values()), plan)
            used |= {e.doc.id for e in c.evidence}
            cells.append(c)
        unmatched += [d for d in docs if d.id not in used]
        out.append(UnitGaps(unit, tuple(cells), len(docs), tuple(docs)))
    current, notes = current_overrides(overrides or {}, index_set)
    return GapReport(plan, index_set, tuple(out), tuple(unmatched), dict(unknown), current, override_notes=notes)


def current_overrides(overrides: Mapping[tuple[str, str], Override],
                      index_set: IndexSet) -> tuple[dict[tuple[str, str], Override], tuple[str, ...]]:
    """Reviewers' score overrides keyed by the index set's codes now: one saved under an old code the set maps
    moves to the new code (unless the new code has its own override), one under a code it does not know stays
    out of the scores; both are noted."""
    out = {key: ov for key, ov in overrides.items() if index_set.current_code(key[1])[1] == "current"}
    notes = []
    for (unit, code), ov in overrides.items():
        new, status = index_set.current_code(code)
        if status == "current":
            continue
        if new is None:
            notes.append(f"{unit}, {code}: điểm do người rà soát sửa theo mã cũ không còn trong bộ chỉ số "
                         f"{index_set.id}, không tính")
        else:
            notes.append(f"{unit}, {code}: điểm do người rà soát sửa theo mã cũ, nay là {new}")
            out.setdefault((unit, new), ov)
    return out, tuple(notes)


def group_of(req: Requirement) -> str:
    """The report column group: the index-set group ("A", "B", …), or "KH" for the plan's own duties."""
    return req.id.split(".")[0] if req.source == "index-set" else "KH"


def rows(report: GapReport) -> list[dict]:
    """One flat row per unit × requirement (CSV and JSON; column names documented in the README)."""
    out = []
    for u in report.units:
        for c in u.cells:
            req = c.requirement
            out.append({
                "plan": report.plan.id, "unit": u.unit.name, "unit_kind": u.unit.kind, "requirement": req.id,
                "requirement_name": req.name, "group": group_of(req),
                "source": req.source, "deadline": req.deadline.isoformat() if req.deadline else None,
                "window": req.window, "status": c.status, "status_vi": STATUS_VI[c.status], "reason": c.reason,
                "documents": [e.doc.id for e in c.evidence],
                "symbols": [e.doc.symbol for e in c.evidence if e.doc.symbol],
            })
    return out
