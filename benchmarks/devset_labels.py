"""The labelled development set of real PCTN evidence texts (``benchmarks/devset/``): loading, checking, and the
indicator-code conventions the benchmark scores with. Conventions are written down in ``devset/README.md``.

Each document is a pair ``<id>.txt`` (the text as the source holds it, NFC) and ``<id>.yaml`` (its label).
Labels use the published code tree (2025 item list, "PACA Phụ lục 4", which keeps the 2023 set's structure):
``indicators`` are what an assessor would count the document for, ``cross_cutting`` the project's X.n kinds
(periodic report, self-assessment report, assessment plan), ``acceptable`` tags that are neither required nor
wrong, ``not`` tempting tags an assessor would refuse (each with a reason).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEVSET = Path(__file__).resolve().parent / "devset"
GROUPS = ("A", "B", "C", "D")
CROSS_CUTTING = ("X.1", "X.2", "X.3")
UNIT_KINDS = ("SO", "HUYEN", "XA", "CA", "VKS", "TA", "THADS", "MTTQ", "TTT",  # units that submit evidence
              "UBND_TINH", "PARTY", "TTCP", "CENTRAL", "HDND", "PRESS")  # other issuers
REQUIRED = ("id", "title", "source", "retrieved", "excerpt", "type", "type_name", "symbol", "date", "issuer",
            "unit_kind", "negative", "indicators", "cross_cutting", "acceptable", "not")
_CODE = re.compile(r"^(?:[A-D]\.\d+(?:\.\d+){0,3}|ĐT\.\d+|X\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The codes of the 2022 tree (QĐ 152/QĐ-TTCP) that classify/indexsets/paca-2024.yaml used before issue 15, mapped
# to the published tree the labels use. A tuple lists alternatives (the 2022 citizen-reception item covers both
# 2025 items). "A.2.1/2022" (building anti-corruption policy and law) has no successor: it is never right.
LEGACY_2022: dict[str, tuple[str, ...]] = {
    "A.1.0": ("A.1.1",), "A.1.1": ("A.1.2",), "A.1.2": ("A.1.3",),
    "A.2.1": ("A.2.1/2022",), "A.2.2": ("A.2.1",), "A.2.3": ("A.2.2",), "A.2.4": ("A.2.3",),
    "A.2.5": ("A.2.4", "A.2.5"), "A.2.6": ("A.2.6",),
}


@dataclass(frozen=True)
class DevDoc:
    id: str
    text: str
    label: dict
    gold: frozenset[str] = field(default_factory=frozenset)  # indicators + cross_cutting, indicator level
    acceptable: frozenset[str] = field(default_factory=frozenset)
    refused: dict[str, str] = field(default_factory=dict)  # tempting code -> why an assessor would not count it

    @property
    def negative(self) -> bool:
        return not self.gold


def indicator_level(code: str) -> str:
    """``A.1.3.2`` → ``A.1.3`` (sub-items count for their indicator); other codes unchanged."""
    parts = code.split(".")
    return ".".join(parts[:3]) if code[:1] in GROUPS and len(parts) > 3 else code


def group_of(code: str) -> str:
    if code.startswith("ĐT"):
        return "Đ"
    return code[:1]


def _codes(entries: list) -> list[str]:
    return [e["code"] if isinstance(e, dict) else str(e) for e in entries or []]


def load_devset(folder: Path = DEVSET) -> list[DevDoc]:
    docs = []
    for label_path in sorted(folder.glob("*.yaml")):
        label = yaml.safe_load(label_path.read_text(encoding="utf-8"))
        text = label_path.with_suffix(".txt").read_text(encoding="utf-8")
        gold = {indicator_level(c) for c in _codes(label.get("indicators"))} | set(_codes(label.get("cross_cutting")))
        refused = {indicator_level(e["code"]): e.get("why", "") for e in label.get("not") or []}
        docs.append(DevDoc(label_path.stem, text, label, frozenset(gold),
                           frozenset(indicator_level(c) for c in _codes(label.get("acceptable"))), refused))
    return docs


def problems(doc: DevDoc) -> list[str]:
    """What is wrong with one document's label (empty when it is well-formed)."""
    label, out = doc.label, []
    out += [f"{doc.id}: missing field {name!r}" for name in REQUIRED if name not in label]
    if label.get("id") != doc.id:
        out.append(f"{doc.id}: id {label.get('id')!r} differs from the file name")
    source = label.get("source") or {}
    if not (source.get("url") or (source.get("repo") and source.get("path")) or source.get("path")):
        out.append(f"{doc.id}: source needs a url, or a repo and path")
    if not doc.text.strip():
        out.append(f"{doc.id}: empty text")
    if doc.text != unicodedata.normalize("NFC", doc.text):
        out.append(f"{doc.id}: text is not NFC")
    for name in ("date", "retrieved"):
        value = label.get(name)
        if value is not None and not _DATE.match(str(value)):
            out.append(f"{doc.id}: {name} {value!r} is not YYYY-MM-DD")
    if label.get("unit_kind") not in UNIT_KINDS:
        out.append(f"{doc.id}: unit_kind {label.get('unit_kind')!r} not in {UNIT_KINDS}")
    if bool(label.get("negative")) != doc.negative:
        out.append(f"{doc.id}: negative is {label.get('negative')} but the label lists "
                   f"{len(doc.gold)} indicators")
    for part in ("indicators", "acceptable", "not"):
        for entry in label.get(part) or []:
            if not isinstance(entry, dict) or not entry.get("code") or not entry.get("why"):
                out.append(f"{doc.id}: every {part} entry needs a code and a why: {entry!r}")
            elif not _CODE.match(entry["code"]):
                out.append(f"{doc.id}: {part} code {entry['code']!r} is not of the published form")
    for code in _codes(label.get("cross_cutting")):
        if code not in CROSS_CUTTING:
            out.append(f"{doc.id}: cross_cutting {code!r} not in {CROSS_CUTTING}")
    overlap = (doc.gold & set(doc.refused)) | (doc.gold & doc.acceptable) | (doc.acceptable & set(doc.refused))
    if overlap:
        out.append(f"{doc.id}: a code is in two of indicators/acceptable/not: {sorted(overlap)}")
    return out
