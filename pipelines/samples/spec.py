"""Parse the sample document texts (``texts/*.txt``) into :class:`DocSpec`.

A text file is a list of ``key: value`` lines, a ``recipients:`` list of ``- `` lines and, last, a
``body:`` line after which everything is the body (paragraphs separated by blank lines).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

FIELDS = ("unit", "kind", "parent", "issuer", "number", "place_date", "type", "subject", "kinhgui",
          "authority", "title", "signer", "party")


@dataclass(frozen=True)
class DocSpec:
    """One administrative document: what the renderer prints and what the classifier must find."""

    name: str
    unit: str
    kind: str
    parent: str
    issuer: str
    number: str
    place_date: str
    type: str
    subject: str
    kinhgui: str
    authority: str
    title: str
    signer: str
    party: bool
    recipients: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = field(default_factory=tuple)


def parse_spec(text: str, name: str) -> DocSpec:
    text = unicodedata.normalize("NFC", text)
    head, sep, body = text.partition("\nbody:")
    if not sep:
        raise ValueError(f"{name}: no 'body:' line")
    values: dict[str, str] = {}
    recipients: list[str] = []
    in_recipients = False
    for lineno, raw in enumerate(head.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if in_recipients and line.startswith("- "):
            recipients.append(line)
            continue
        key, colon, value = line.partition(":")
        if not colon or key not in (*FIELDS, "recipients"):
            raise ValueError(f"{name}:{lineno}: expected 'key: value' with a known key, got {line!r}")
        in_recipients = key == "recipients"
        if not in_recipients:
            values[key] = value.strip()
    paragraphs = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
    return DocSpec(
        name=name,
        unit=values.get("unit", ""),
        kind=values.get("kind", ""),
        parent=values.get("parent", ""),
        issuer=values.get("issuer", ""),
        number=values.get("number", ""),
        place_date=values.get("place_date", ""),
        type=values.get("type", ""),
        subject=values.get("subject", ""),
        kinhgui=values.get("kinhgui", ""),
        authority=values.get("authority", ""),
        title=values.get("title", ""),
        signer=values.get("signer", ""),
        party=values.get("party", "").lower() in ("yes", "true", "1"),
        recipients=tuple(recipients),
        paragraphs=paragraphs,
    )


def load_specs(folder: Path | None = None) -> list[DocSpec]:
    """All bundled sample documents, sorted by file name."""
    if folder is not None:
        files = sorted(folder.glob("*.txt"))
        return [parse_spec(f.read_text(encoding="utf-8"), f.stem) for f in files]
    root = resources.files("pipelines.samples") / "texts"
    entries = sorted((e for e in root.iterdir() if e.name.endswith(".txt")), key=lambda e: e.name)
    return [parse_spec(e.read_text(encoding="utf-8"), e.name.removesuffix(".txt")) for e in entries]
