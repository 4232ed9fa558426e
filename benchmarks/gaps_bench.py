"""How fast is the gap report at province scale? 300 units × 60 requirements × 20,000 documents.

    .venv/bin/python benchmarks/gaps_bench.py [--units 300] [--docs 20000] [--seed 7]

The plan is the bundled Đắk Lắk plan with its unit list replaced by ``--units`` synthetic units (departments,
districts and the vertical agencies in the same mix) and, per unit kind, extra duties so that every unit has
about 60 requirements. Documents are export-like records spread over the units, with indicators, dates,
received dates and confidences drawn at random. Prints the seconds to build the report and to render it in
each format. Target: the report builds in under 5 s.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from datetime import date, timedelta

from classify.indexset import load_index_set
from pipelines.assessment import formats as gap_reports
from pipelines.assessment import gaps
from pipelines.assessment.plan import Duty, Unit, requirements_for
from pipelines.assessment.plan_yaml import load_plan
from pipelines.catalog.records import DocumentRecord

KINDS = ("SO",) * 5 + ("HUYEN",) * 4 + ("CA", "VKS", "TA", "THADS", "MTTQ")
TYPES = ("KH", "BC", "QĐ", "CV", "CT", "TB", "HD")


def synthetic(units: int, docs: int, seed: int) -> tuple:
    rnd = random.Random(seed)
    plan = load_plan("daklak-2024")
    index_set = load_index_set(plan.index_set)
    unit_list = tuple(Unit(f"Đơn vị thử {i:03d}", KINDS[i % len(KINDS)], (f"DV{i:03d}",)) for i in range(units))
    ids = [i.id for i in index_set.indicators() if i.evidence]
    extra = []
    for kind in sorted(set(KINDS)):
        probe = replace(plan, units=(Unit("probe", kind),), duties=())
        have = len(requirements_for(probe, probe.units[0], index_set))
        extra += [Duty(f"{kind}.T{k:02d}", f"Nhiệm vụ thử {k}", (rnd.choice(ids),), (rnd.choice(TYPES),),
                       rnd.choice(("in_period", "period_report")), "thử", unit_kind=kind)
                  for k in range(max(0, 60 - have))]
    plan = replace(plan, units=unit_list, duties=tuple(extra))
    records = []
    for n in range(docs):
        unit = unit_list[rnd.randrange(units)]
        issued = date(2023, 11, 1) + timedelta(days=rnd.randrange(560))
        records.append({
            "id": f"{n:016x}-1", "status": "done", "unit": unit.name, "received":
                (date(2025, 2, 20) + timedelta(days=rnd.randrange(40))).isoformat(),
            "doc_type": rnd.choice(TYPES), "doc_type_confidence": rnd.choice((0.99, 0.9, 0.75)),
            "issued": issued.isoformat() if rnd.random() > 0.03 else None,
            "indicators": [{"id": i, "score": rnd.choice((0.55, 0.8, 1.0))}
                           for i in rnd.sample(ids, rnd.randint(1, 4))],
            "pages": [{"n": p, "method": "ocr", "confidence": rnd.uniform(55, 96)} for p in range(1, 4)],
            "source_pages": [1, 3], "source": f"inbox/{unit.name}/{n}.pdf", "symbol": f"{n}/KH-X", "subject": "thử",
            "corrected": [],
        })
    return plan, index_set, [DocumentRecord.from_export(r) for r in records]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    plan, index_set, records = synthetic(args.units, args.docs, args.seed)
    cells = sum(len(requirements_for(plan, u, index_set)) for u in plan.units)
    print(f"{len(plan.units)} units, {cells} unit × requirement cells "
          f"({cells / len(plan.units):.1f} per unit), {len(records)} documents")
    t = time.perf_counter()
    report = gaps.build(plan, index_set, records)
    built = time.perf_counter() - t
    print(f"{'build':<8} {built:7.2f} s   target < 5 s: {'PASS' if built < 5 else 'FAIL'}")
    counts = {s: sum(u.count(s) for u in report.units) for s in gaps.STATUSES}
    print("         " + ", ".join(f"{gaps.STATUS_VI[s]} {n}" for s, n in counts.items()))
    for name, render in (("json", gap_reports.to_json), ("csv", gap_reports.to_csv), ("html", gap_reports.to_html),
                         ("xlsx", gap_reports.to_xlsx)):
        t = time.perf_counter()
        out = render(report)
        print(f"{name:<8} {time.perf_counter() - t:7.2f} s   {len(out) / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
