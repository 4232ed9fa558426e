"""Commands about the assessment plan: ``gaps`` (the report), ``plan check``, ``units import/export``.

They are attached to the ``minhchung`` group in :mod:`pipelines.cli.main`.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from classify.indexset import IndexSetError, load_index_set
from classify.yamlfile import DataFileError
from pipelines.assessment import formats as gap_reports
from pipelines.assessment import gaps, scores
from pipelines.assessment.formats import FORMATS
from pipelines.assessment.plan import Plan, PlanError, requirements_for
from pipelines.assessment.plan_yaml import load_plan
from pipelines.assessment.units import read_units_csv, save_units, write_units_csv
from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.cli.common import cli_lang, open_catalog, pass_home, say
from pipelines.cli.helptext import CatalogCommand, CatalogGroup
from pipelines.services.active import active_plan
from pipelines.services.gaps import build_report, render

STYLE = {"present": "green", "weak": "yellow", "out_of_period": "magenta", "late": "dark_orange", "missing": "red"}


def cli_plan(db: sqlite3.Connection, ref: str | None) -> Plan:
    """:func:`pipelines.services.active.active_plan`, its loading errors as usage errors (exit 2)."""
    try:
        return active_plan(db, ref)
    except DataFileError as exc:
        raise click.UsageError(str(exc)) from exc


@click.command("gaps", cls=CatalogCommand)
@click.option("--plan", "plan_ref")
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default="table",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unit")
@pass_home
def gaps_cmd(home: Home, plan_ref: str | None, fmt: str, output: Path | None, unit: str | None) -> None:
    db = open_catalog(home)
    plan = cli_plan(db, plan_ref)
    result = build_report(db, plan)
    if fmt == "table":
        _print_table(result, unit)
        return
    if FORMATS[fmt].binary and output is None:
        raise click.UsageError(f"--format {fmt} needs -o FILE.{fmt}")
    body = render(result, fmt, cli_lang())  # CSV: Vietnamese header, --lang en: the column names
    if isinstance(body, bytes):
        assert output is not None
        output.write_bytes(body)
    elif output:
        output.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
    if output:
        click.echo(say("cli.gaps.written", format=fmt, count=len(result.units), path=output), err=True)


def _print_table(result: gaps.GapReport, unit_name: str | None) -> None:
    console = Console(width=max(120, Console().width))
    if unit_name:
        found = result.unit_gaps(unit_name)
        if found is None:
            raise click.UsageError(f"no unit {unit_name!r} in plan {result.plan.id}")
        unit_scores = scores.score(result).unit(found.unit.name)
        total = f", điểm tạm tính {scores.num(unit_scores.total.points)}/{scores.num(unit_scores.total.max)}" \
            if unit_scores else ""
        table = Table(title=f"{found.unit.name}: {found.complete}% đủ, {found.documents} văn bản{total}")
        for col in ("Yêu cầu", "Nội dung", "Tình trạng", "Lý do", "Điểm"):
            table.add_column(col, overflow="fold")
        for c in found.cells:
            sc = unit_scores.get(c.requirement.id) if unit_scores and c.requirement.source == "index-set" else None
            table.add_row(c.requirement.id, c.requirement.name,
                          f"[{STYLE[c.status]}]{gaps.STATUS_VI[c.status]}[/]", c.reason,
                          f"{scores.num(sc.points)}/{scores.num(sc.max)}" if sc else "")
        console.print(table)
        return
    table = Table(title=f"Thiếu minh chứng — {result.plan.name} (thời kỳ {result.plan.period_from:%d/%m/%Y}–"
                        f"{result.plan.period_to:%d/%m/%Y})")
    for col in ("Đơn vị", "Loại", "Văn bản", *[gaps.STATUS_VI[s] for s in gaps.STATUSES], "% đủ", "Điểm tạm tính"):
        table.add_column(col, justify="left" if col in ("Đơn vị", "Loại") else "right")
    for row in gap_reports.summary(result):
        if row["documents"] == 0:
            continue
        table.add_row(row["unit"], row["unit_kind"], str(row["documents"]),
                      *[f"[{STYLE[s]}]{row[s]}[/]" for s in gaps.STATUSES], f"{row['complete_pct']}",
                      f"{scores.num(row.get('score'))}/{scores.num(row.get('score_max'))}")
    console.print(table)
    silent = result.no_submission
    if silent:
        console.print(f"Chưa nộp văn bản nào ({len(silent)} đơn vị): " + ", ".join(silent))
    for name, n in result.unknown_units.items():
        console.print(f"[red]Thư mục không khớp đơn vị nào trong kế hoạch:[/] {name} ({n} văn bản)")
    if result.unmatched:
        console.print(f"Văn bản không khớp yêu cầu nào: {len(result.unmatched)} "
                      f"({', '.join(d.symbol or d.id for d in result.unmatched)})")


@click.group("plan", cls=CatalogGroup)
def plan_group() -> None:
    pass


@plan_group.command("check")
@click.argument("ref")
def plan_check(ref: str) -> None:
    try:
        plan = load_plan(ref)
        index_set = load_index_set(plan.index_set)
    except (PlanError, IndexSetError) as exc:
        raise click.UsageError(str(exc)) from exc
    kinds: dict[str, int] = {}
    for u in plan.units:
        kinds[u.kind] = kinds.get(u.kind, 0) + 1
    click.echo(f"{plan.id}: {plan.name}")
    click.echo(say("cli.plan.period", start=f"{plan.period_from:%d/%m/%Y}", end=f"{plan.period_to:%d/%m/%Y}",
                   index_set=index_set.id))
    click.echo(say("cli.plan.units", kinds=", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))))
    click.echo(say("cli.plan.deadlines",
                   deadlines=", ".join(f"{k} {d:%d/%m/%Y}" for k, d in sorted(plan.deadlines.items()))))
    reqs = sum(len(requirements_for(plan, u, index_set)) for u in plan.units)
    click.echo(say("cli.plan.duties", duties=len(plan.duties), cells=reqs))


@click.group("units", cls=CatalogGroup)
def units_group() -> None:
    pass


@units_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_ref")
@pass_home
def units_import(home: Home, csv_file: Path, plan_ref: str | None) -> None:
    try:
        units = read_units_csv(csv_file)  # before anything is remembered or written
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    home.create()
    db = connect(home.catalog)
    plan = cli_plan(db, plan_ref)
    save_units(db, units, plan.id)
    click.echo(say("cli.units.imported", count=len(units), plan=plan.id))


@units_group.command("export")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", "plan_ref")
@pass_home
def units_export(home: Home, csv_file: Path, plan_ref: str | None) -> None:
    db = open_catalog(home)
    plan = cli_plan(db, plan_ref)
    write_units_csv(list(plan.units), csv_file)
    click.echo(say("cli.units.written", count=len(plan.units), path=csv_file))
