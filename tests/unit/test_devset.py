"""The labelled development set of real PCTN evidence (benchmarks/devset/, issue 15): every label well-formed and
sourced, its codes known to the shipped index set, and the benchmark's scoring.

``test_label_codes_exist_in_shipped_index_set`` is the check the integrator tightens: while the shipped
paca-2024.yaml still has the 2022 codes (A.1.0 …) the published codes the labels use are reported as an
expected failure; once the set follows the published tree (or with REQUIRE_PUBLISHED_CODES = True) every code
must exist.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from classify.indexset import load_index_set

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

from devset_labels import DevDoc, indicator_level, load_devset, problems  # noqa: E402
from indicator_bench import Result, score  # noqa: E402

REQUIRE_PUBLISHED_CODES = False  # the integrator sets True when the index-set work has landed
MIN_DOCUMENTS = 25


@pytest.fixture(scope="module")
def devset() -> list[DevDoc]:
    return load_devset()


def test_devset_has_documents_and_negatives(devset: list[DevDoc]) -> None:
    assert len(devset) >= MIN_DOCUMENTS
    assert sum(d.negative for d in devset) >= 5
    assert len({d.id for d in devset}) == len(devset)


def test_every_label_is_well_formed_and_sourced(devset: list[DevDoc]) -> None:
    found = [p for doc in devset for p in problems(doc)]
    assert found == []


def test_problems_are_found() -> None:
    label = {"id": "x-2", "source": {}, "unit_kind": "SỞ", "negative": True,
             "indicators": [{"code": "A.1.0.9.9"}], "date": "14/01/2026"}
    doc = DevDoc("x-1", unicodedata.normalize("NFD", "Cộng hoà"), label, frozenset({"A.1.0"}))
    found = "\n".join(problems(doc))
    for expected in ("missing field 'title'", "differs from the file name", "source needs", "not NFC",
                     "not YYYY-MM-DD", "unit_kind", "negative is True", "needs a code and a why"):
        assert expected in found


def test_label_codes_exist_in_shipped_index_set(devset: list[DevDoc]) -> None:
    index_set = load_index_set("paca-2024")
    known = {ind.id for ind in index_set.indicators()}
    known |= {item.id for ind in index_set.indicators() for item in ind.items}
    used = {indicator_level(e["code"]) for d in devset for part in ("indicators", "acceptable", "not")
            for e in d.label[part]} | {c for d in devset for c in d.label["cross_cutting"]}
    unknown = sorted(used - known)
    legacy = index_set.get("A.1.0") is not None
    if unknown and legacy and not REQUIRE_PUBLISHED_CODES:
        pytest.xfail(f"paca-2024.yaml still has the 2022 codes; codes the labels use that it lacks: {unknown}")
    assert unknown == []


def test_scoring_counts_right_wrong_missed_and_ignores_acceptable() -> None:
    doc = DevDoc("d", "", {}, frozenset({"A.1.2", "A.1.3"}), frozenset({"B.1.1"}), {"X.3": "not the plan"})
    res = Result(doc, {}, {"A.1.2": 0.9, "A.1.3": 0.6, "B.1.1": 0.8, "X.3": 0.8, "C.2.1": 0.3})
    counts, lines = score([res], 0.75)
    assert counts["A"] == [1, 0, 1]
    assert counts["X"] == [0, 1, 0]
    assert "B" not in counts and "C" not in counts
    assert any("WRONG  d: X.3 (0.80) — refused: not the plan" in line for line in lines)
    assert any("MISSED d: A.1.3 (scored 0.60)" in line for line in lines)
    counts, _ = score([res], 0.5)
    assert counts["A"] == [2, 0, 0]


def test_text_mode_runs_on_the_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run([sys.executable, str(BENCH / "indicator_bench.py"), "--text", "--quiet", "--json", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] >= MIN_DOCUMENTS
    overall = figures["at_0.75"]["A–D"]
    assert overall["tp"] + overall["fn"] > 0
