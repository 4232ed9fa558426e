"""The clerk's unit list: a CSV file to edit in a spreadsheet, and its copy in the catalog.

The CSV has the header ``name,kind,aliases`` (aliases separated by ";"; other columns are ignored), UTF-8 with or
without a byte-order mark; a file saved by a Vietnamese-locale spreadsheet with ";" between the columns is read too
(then quote the aliases cell). We write it with a byte-order mark so that Excel shows the diacritics. The kind may be
written as the code ("SO") or in words that fold to it ("Sở", "Huyện"). Problems are reported as ``file:line:
reason``, all at once, in one :class:`~pipelines.assessment.plan.PlanError`.

In the catalog the list lives in its own table, ``plan_units``, created here on first save so that the catalog
schema does not have to know about it; :func:`load_units` returns None when the clerk never saved a list for the
plan (use the plan's own units then).
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ingest.text import fold
from pipelines.assessment.plan import UNIT_KINDS, PlanError, Unit, clean, unit_clashes
from pipelines.catalog import units as stored_units

_COLUMNS = ("name", "kind", "aliases")
_ALIAS_SEPARATOR = ";"
def read_units_csv(path: str | Path, kinds: Iterable[str] = UNIT_KINDS) -> list[Unit]:
    """Read and validate the clerk's unit list (missing name, unknown kind, names or aliases used twice)."""
    path, known = Path(path), tuple(kinds)
    data = path.read_bytes()  # OSError names the file
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanError([f"{path}:{line}: not UTF-8; save the file as “CSV UTF-8”"]) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [fold(h).strip() for h in next(reader, [])]
    errors: list[str] = []
    missing = [c for c in _COLUMNS[:2] if c not in header]
    if missing:
        raise PlanError([f"{path}:1: the header needs the columns {', '.join(_COLUMNS)} "
                         f"(missing: {', '.join(missing)})"])
    col = {c: header.index(c) for c in _COLUMNS if c in header}
    units: list[Unit] = []
    lines: list[int] = []
    end = reader.line_num
    for row in reader:
        line, end = end + 1, reader.line_num  # a quoted cell may span lines: report the row's first line
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: clean(row[i]) if i < len(row) else "" for c, i in col.items()}
        name, kind = cells["name"], _kind(cells["kind"], known)
        if not name:
            errors.append(f"{path}:{line}: missing name")
        if kind is None:
            errors.append(f"{path}:{line}: unknown unit kind {cells['kind']!r} (known: {', '.join(known)})")
        aliases = tuple(dict.fromkeys(a for a in (clean(x) for x in cells.get("aliases", "").split(_ALIAS_SEPARATOR))
                                      if a))
        if name and kind:
            units.append(Unit(name, kind, aliases))
            lines.append(line)
    errors += [f"{path}:{lines[i]}: {reason}" for i, reason in unit_clashes(units)]
    if not units and not errors:
        errors.append(f"{path}:1: no units")
    if errors:
        raise PlanError(errors)
    return units


def _kind(text: str, known: tuple[str, ...]) -> str | None:
    code = fold(text).strip().upper().replace(" ", "")
    return code if code in known else None


def write_units_csv(units: Iterable[Unit], path: str | Path) -> None:
    """Write the list in the format :func:`read_units_csv` reads (UTF-8 with a byte-order mark, for Excel)."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(_COLUMNS)
        for unit in units:
            writer.writerow([unit.name, unit.kind, f"{_ALIAS_SEPARATOR} ".join(unit.aliases)])


def save_units(db: sqlite3.Connection, units: Iterable[Unit], plan_id: str) -> None:
    """Replace the plan's stored unit list (in one transaction). An empty list removes it: the plan's own applies."""
    units = list(units)
    problems = [reason for _, reason in unit_clashes(units)]
    if problems:
        raise PlanError([f"<units>: {reason}" for reason in problems])
    stored_units.replace_units(db, plan_id, [(u.name, u.kind, tuple(u.aliases)) for u in units])


def load_units(db: sqlite3.Connection, plan_id: str) -> list[Unit] | None:
    """The unit list saved for the plan, in the order saved; None if there is none."""
    return [Unit(name, kind, aliases) for name, kind, aliases in stored_units.units_of(db, plan_id)] or None
