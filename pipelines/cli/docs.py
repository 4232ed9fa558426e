"""Commands about documents: ``documents`` (table), ``classify``, ``correct``, ``audit``.

They are attached to the ``minhchung`` group in :mod:`pipelines.cli.main`.
"""

from __future__ import annotations

import json
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from classify.yamlfile import DataFileError
from pipelines.catalog import documents
from pipelines.catalog.home import Home
from pipelines.cli.common import cli_lang, date_option, open_catalog, pass_home, say
from pipelines.cli.helptext import CatalogCommand
from pipelines.i18n import message_of
from pipelines.services import review
from pipelines.services.active import active_index_set, active_period
from pipelines.services.classify import Classifier, classify_pending
from pipelines.services.config import Config
from pipelines.services.search import drain_outbox


@click.command("documents", cls=CatalogCommand)
@click.option("--unit")
@click.option("--json", "as_json", is_flag=True)
@pass_home
def documents_cmd(home: Home, unit: str | None, as_json: bool) -> None:
    db = open_catalog(home)
    rows = [r.to_export() for r in documents.records(db, active_period(db), texts=False)
            if unit is None or r.unit == unit]
    if as_json:
        for r in rows:
            click.echo(json.dumps({k: v for k, v in r.items() if k != "pages"}, ensure_ascii=False))
        return
    table = Table(title=say("cli.documents.title", count=len(rows)), show_lines=False)
    for col in ("id", "unit", "pages", "type", "symbol", "issued", "issuer", "indicators", "in_period"):
        table.add_column(say(f"cli.column.{col}"), overflow="fold")
    for r in rows:
        fixed = {m["field"].split(":")[0] for m in r["corrected"]}

        def mark(field: str, text: str, fixed: set[str] = fixed) -> str:
            return f"{text}*" if field in fixed else text

        pages = " + ".join("-".join(str(p) for p in dict.fromkeys(part["pages"])) for part in r["source_pages"])
        inds = ", ".join(t["id"] for t in r["indicators"] or []) or "-"
        table.add_row(r["id"], r["unit"] or "-", pages, mark("doc_type", r["doc_type"] or "?"),
                      mark("symbol", r["symbol"] or "-"), mark("issued", r["issued"] or "-"),
                      mark("issuer", r["issuer"] or "-"), mark("indicator", inds),
                      {True: say("cli.yes"), False: say("cli.no"), None: "?"}[r["in_period"]])
    Console(width=max(140, Console().width)).print(table)


@click.command("classify", cls=CatalogCommand)
@click.option("--all", "everything", is_flag=True)
@click.option("--index-set")
@click.pass_obj
def classify_cmd(cfg: Config, everything: bool, index_set: str | None) -> None:
    db = open_catalog(cfg.home)
    classifier = Classifier.build(active_index_set(db, index_set))
    shas, docs = classify_pending(db, classifier, everything=everything)
    click.echo(say("cli.classify.done", files=len(shas), documents=docs, index_set=classifier.index_set.id))
    for warning in drain_outbox(db, cfg.es_url):
        click.echo(warning, err=True)


def _indicator_change(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list:
    changes = []
    for v in values:
        if len(v) < 2 or v[0] not in "+-":
            raise click.BadParameter(say("indicator.change", value=v))
        changes.append(review.Change(f"indicator:{v[1:]}", v[0] == "+"))
    return changes


@click.command("correct", cls=CatalogCommand)
@click.argument("doc")
@click.option("--type", "doc_type")
@click.option("--indicator", "indicators", multiple=True, callback=_indicator_change)
@click.option("--attach", "attach", multiple=True, metavar="REQUIREMENT")
@click.option("--detach", "detach", multiple=True, metavar="REQUIREMENT")
@click.option("--issued", metavar="YYYY-MM-DD", callback=date_option)
@click.option("--number")
@click.option("--symbol")
@click.option("--issuer")
@click.option("--signer")
@click.option("--subject")
@click.option("--unit")
@click.option("--note")
@click.option("--by", "who", default=None)
@click.pass_obj
def correct_cmd(cfg: Config, doc: str, doc_type: str | None, indicators: list, attach: tuple[str, ...],
                detach: tuple[str, ...], issued: date | None, number: str | None, symbol: str | None,
                issuer: str | None, signer: str | None, subject: str | None, unit: str | None, note: str | None,
                who: str | None) -> None:
    db = open_catalog(cfg.home)
    values = {"doc_type": doc_type, "issued": issued.isoformat() if issued else None, "number": number,
              "symbol": symbol, "issuer": issuer, "signer": signer, "subject": subject, "unit": unit}
    changes = [review.Change(k, v) for k, v in values.items() if v is not None] + indicators
    changes += [review.Change(f"requirement:{r}", True) for r in attach]
    changes += [review.Change(f"requirement:{r}", False) for r in detach]
    if not changes:
        raise click.UsageError(say("correction.nothing_given"))
    try:
        done = review.review(db, cfg, doc, changes, who or cfg.who(), note)
    except (review.CorrectionError, DataFileError) as exc:
        raise click.UsageError(message_of(exc, cli_lang())) from exc
    for e in done.entries:
        click.echo(f"{e['doc_id']} {e['field']}: {e['before']!r} → {e['after']!r} ({e['who']}, {e['at']})")
    for warning in done.warnings:
        click.echo(warning, err=True)


@click.command("audit", cls=CatalogCommand)
@click.argument("doc", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_home
def audit_cmd(home: Home, doc: str | None, as_json: bool) -> None:
    db = open_catalog(home)
    entries = review.audit_log(db, doc)
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for e in entries:
        note = f" — {e['note']}" if e["note"] else ""
        click.echo(f"{e['at']} {e['who']} {e['doc_id']} {e['field']}: {e['before']!r} → {e['after']!r}{note}")
