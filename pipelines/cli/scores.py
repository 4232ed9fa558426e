"""``minhchung scores``: the provisional scores of the active plan (per unit, one unit's indicators, the
province), and ``scores override`` for a reviewer's score with a note (audit log)."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from classify.yamlfile import DataFileError
from pipelines.assessment import scores
from pipelines.assessment.score_formats import scores_json
from pipelines.cli.common import cli_lang, open_catalog, say
from pipelines.cli.gaps import STYLE, cli_plan
from pipelines.cli.helptext import CatalogGroup
from pipelines.i18n import message_of
from pipelines.services import scores as service
from pipelines.services.config import Config

STYLE_SCORE = {**STYLE, "not_from_units": "blue", "unknown_points": "grey50", "not_assessed": "grey50"}


@click.group("scores", cls=CatalogGroup, invoke_without_command=True)
@click.option("--plan", "plan_ref")
@click.option("--unit")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def scores_group(ctx: click.Context, plan_ref: str | None, unit: str | None, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    cfg = ctx.find_object(Config)
    db = open_catalog(cfg.home)
    plan = cli_plan(db, plan_ref)
    result = service.score_report(db, plan)
    if as_json:
        click.echo(json.dumps(scores_json(result, cli_lang()), ensure_ascii=False, indent=2))
        return
    console = Console(width=max(120, Console().width))
    lang = cli_lang()
    if unit:
        known = plan.unit_for(unit)
        found = result.unit(known.name) if known else None
        if found is None:
            raise click.UsageError(service.ScoreError("score.unknown_unit", unit=unit, plan=plan.id).message(lang))
        table = Table(title=f"{found.unit.name}: điểm tạm tính {scores.num(found.total.points)}/"
                            f"{scores.num(found.total.max)} (bộ chỉ số {result.index_set})")
        for col in ("Chỉ số", "Tình trạng", "Điểm", "Tối đa", "Lý do"):
            table.add_column(col, overflow="fold")
        for s in found.indicators:
            table.add_row(s.id, f"[{STYLE_SCORE[s.status]}]{scores.SCORE_STATUS_VI[s.status]}[/]",
                          scores.num(s.points) + (" *" if s.override else ""), scores.num(s.max), s.reason.text(lang))
        console.print(table)
        return
    table = Table(title=f"Điểm tạm tính — bộ chỉ số {result.index_set}")
    for col in ("Đơn vị", "Loại", "Điểm", "Tối đa", "Cần xem lại", "Không tính"):
        table.add_column(col, justify="left" if col in ("Đơn vị", "Loại") else "right")
    for u in result.units:
        table.add_row(u.unit.name, u.unit.kind, scores.num(u.total.points), scores.num(u.total.max),
                      str(u.total.needs_review), str(u.total.unscored))
    t = result.province_total
    table.add_row("[bold]Toàn tỉnh[/]", "", f"[bold]{scores.num(t.points)}[/]", scores.num(t.max), "",
                  str(t.unscored))
    console.print(table)
    if result.note:
        console.print(f"Ghi chú về bộ chỉ số: {result.note}")


@scores_group.command("override")
@click.argument("unit")
@click.argument("indicator")
@click.argument("points", required=False)
@click.option("--note", required=True)
@click.option("--clear", is_flag=True)
@click.option("--plan", "plan_ref")
@click.option("--by", "who", default=None)
@click.pass_obj
def override_cmd(cfg: Config, unit: str, indicator: str, points: str | None, note: str, clear: bool,
                 plan_ref: str | None, who: str | None) -> None:
    lang = cli_lang()
    if clear == (points is not None):
        raise click.UsageError(say("scores.points_or_clear"))
    db = open_catalog(cfg.home)
    try:
        value = None if clear else service.parse_points(points or "")
        done = service.override(db, unit, indicator, value, who or cfg.who(), note, cli_plan(db, plan_ref))
    except (service.ScoreError, DataFileError) as exc:
        raise click.UsageError(message_of(exc, lang)) from exc
    e, s = done.entry, done.score
    after = scores.num(e["after"]) if e["after"] is not None else "(bỏ điểm sửa)"
    click.echo(f"{e['doc_id']} {e['field']}: {scores.num(e['before'])} → {after} ({e['who']}, {e['at']})")
    click.echo(f"{s.id}: {scores.num(s.points)}/{scores.num(s.max)} — {s.reason.text(lang)}")
