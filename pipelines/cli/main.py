"""``minhchung``: the command line (README, *Use*). Exit codes: 0 all good, 3 some input quarantined,
2 usage error, 1 unexpected failure. Errors and quarantine reasons are printed in the language of ``--lang``
(or ``MINHCHUNG_LANG``; default Vietnamese); ``--json`` adds each reason's ``error_code``. The help screens too:
their texts are the catalog's ``cli.<command>.help`` / ``.opt.<option>`` codes (:mod:`pipelines.cli.helptext`)."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ingest.ocr import OcrError, OcrSettings
from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.cli.common import date_option, open_catalog, pass_home, say
from pipelines.cli.docs import audit_cmd, classify_cmd, correct_cmd, documents_cmd
from pipelines.cli.gaps import gaps_cmd, plan_group, units_group
from pipelines.cli.helptext import CatalogGroup, remember_lang
from pipelines.cli.progress import BatchProgress
from pipelines.cli.scores import scores_group
from pipelines.cli.search import reindex_cmd, search_cmd
from pipelines.cli.web import serve_cmd, users_group
from pipelines.cli.worker import DEFAULT_BLOB_PORT, blob_server_for, make_executor, remote_line, worker_cmd
from pipelines.i18n import LANGS, message_of
from pipelines.services.config import Config
from pipelines.services.export import export_searchable, write_jsonl
from pipelines.services.intake import IngestOptions, ingest
from pipelines.services.status import current_status

EXIT_QUARANTINED = 3


@click.group(cls=CatalogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--lang", "message_lang", type=click.Choice(LANGS), default=None, is_eager=True,
              callback=remember_lang)
@click.pass_context
def main(ctx: click.Context, home: Path | None, message_lang: str | None) -> None:
    cfg = Config.from_env(home)
    ctx.obj = dataclasses.replace(cfg, lang=message_lang) if message_lang else cfg
    # When the command is done, the interpreter's last garbage collections would walk every object the run made
    # (the index set, the catalog's rows…) only to free memory the process gives back anyway: 0.3 s of an
    # ingest's wall time. Frozen objects are left to the exit (files and the catalog are closed by then).
    ctx.call_on_close(gc.freeze)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--unit")
@click.option("--unit-from-folder", is_flag=True)
@click.option("--received", metavar="YYYY-MM-DD", callback=date_option)
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N", default=None)
@click.option("--ocr", "ocr_mode", type=click.Choice(["auto", "force", "skip"]), default="auto", show_default=True)
@click.option("--dpi", type=click.IntRange(100, 600), metavar="N", default=300, show_default=True)
@click.option("--lang", default=OcrSettings.lang, show_default=True)
@click.option("--page-timeout", type=float, metavar="N", default=180.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--broker", metavar="URL", default=None)
@click.option("--blob-listen", metavar="HOST:PORT", default=f"0.0.0.0:{DEFAULT_BLOB_PORT}", show_default=True)
@click.option("--blob-url", metavar="URL", default=None)
@click.option("--max-deliveries", type=click.IntRange(1, 20), metavar="N", default=3, show_default=True)
@click.pass_obj
def ingest_cmd(cfg: Config, paths: tuple[Path, ...], unit: str | None, unit_from_folder: bool,
               received: date | None, jobs: int | None, ocr_mode: str, dpi: int, lang: str,
               page_timeout: float, as_json: bool, broker: str | None, blob_listen: str, blob_url: str | None,
               max_deliveries: int) -> None:
    if unit and unit_from_folder:
        raise click.UsageError(say("cli.unit_or_folder"))
    opts = IngestOptions(unit=unit, unit_from_folder=unit_from_folder, received=received,
                         jobs=jobs or cfg.jobs, ocr=ocr_mode, dpi=dpi,
                         settings=cfg.ocr_settings(lang=lang, timeout=page_timeout), es_url=cfg.es_url,
                         lang=cfg.lang)
    home = cfg.home
    broker = broker or cfg.broker_url
    with ExitStack() as stack:
        if broker:  # remote OCR workers: checked before anything is written (exit 2)
            blob_url = stack.enter_context(blob_server_for(cfg, broker, blob_listen, blob_url))
        home.create()
        db = connect(home.catalog)
        executor = make_executor(cfg, db, broker, blob_url, max_deliveries, as_json) if broker and blob_url else None
        progress = BatchProgress(quiet=as_json, say=say)
        try:
            summary = ingest(home, db, list(paths), opts, progress, executor)
        except OcrError as exc:  # an unknown engine (MINHCHUNG_OCR_ENGINE): refused before anything is read
            raise click.UsageError(message_of(exc, cfg.lang)) from exc
        finally:
            progress.close()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(say("cli.ingest.summary", sources=summary.sources, new=summary.new_files,
                       unchanged=summary.unchanged, duplicates=len(summary.duplicates),
                       quarantined=len(summary.quarantined)))
        click.echo(say("cli.ingest.pages", text=summary.pages_text, ocr=summary.pages_ocr,
                       cached=summary.pages_cached, failed=summary.pages_failed))
        for d in summary.duplicates:
            click.echo(say("cli.ingest.duplicate", source=d["source"], same_as=d["same_as"]))
        for q in summary.quarantined:
            click.echo(say("cli.quarantined", source=q["source"], reason=q["message"]), err=True)
        for warning in summary.search_warnings:
            click.echo(warning, err=True)
    sys.exit(EXIT_QUARANTINED if summary.quarantined else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def status(cfg: Config, as_json: bool) -> None:
    db = open_catalog(cfg.home)
    view = current_status(db, cfg)
    units, quarantined = view.units, view.quarantined
    if as_json:
        click.echo(json.dumps(view.to_dict(), ensure_ascii=False, indent=2))
        return
    console = Console(width=max(100, Console().width))
    table = Table(title=say("cli.status.title", home=cfg.home.root))
    for col in ("unit", "documents", "pages", "ocr_pages", "text_pages", "pending", "mean_confidence",
                "quarantined"):
        table.add_column(say(f"cli.column.{col}"), justify="left" if col == "unit" else "right")
    for u in units:
        conf = "-" if u["mean_confidence"] is None else f"{u['mean_confidence']:.1f}"
        table.add_row(u["unit"], str(u["documents"]), str(u["pages"]), str(u["ocr_pages"]),
                      str(u["text_pages"]), str(u["pending_pages"]), conf, str(u["quarantined"]))
    console.print(table)
    if quarantined:
        qt = Table(title=say("cli.quarantine_title"))
        qt.add_column(say("cli.column.file"))
        qt.add_column(say("cli.column.reason"))
        for q in quarantined:
            qt.add_row(q["source"], q["message"] or "")
        console.print(qt)
    if view.duplicates:
        dt = Table(title=say("cli.duplicates_title"))
        for col in ("cli.column.copy", "cli.column.copy_of"):
            dt.add_column(say(col))
        for d in view.duplicates:
            dt.add_row(f"{d['symbol'] or d['doc']} ({d['doc']})\n{d['source'] or ''}",
                       f"{d['duplicate_of']}\n{d['source_of'] or ''}")
        console.print(dt)
    if view.remote is not None:
        click.echo(remote_line(view.remote))
    if view.outbox is not None:
        lag = view.outbox
        line = say("cli.outbox", pending=lag["pending"])
        if lag["pending"]:
            line += say("cli.outbox.oldest", oldest=lag["oldest"])
        if lag["error"]:
            line += say("cli.outbox.error", at=lag["error_at"], error=lag["error"])
        console.print(line)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", "pdf_dir", type=click.Path(file_okay=False, path_type=Path))
@pass_home
def export(home: Home, fmt: str, output: Path | None, pdf_dir: Path | None) -> None:
    db = open_catalog(home)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        write_jsonl(db, out)
    finally:
        if output:
            out.close()
    if pdf_dir:
        written = export_searchable(home, db, pdf_dir)
        click.echo(say("cli.export.pdfs", count=len(written), folder=pdf_dir), err=True)


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=2024, show_default=True)
def samples(outdir: Path, seed: int) -> None:
    from pipelines.samples.inbox import generate_inbox

    manifest = generate_inbox(outdir, seed)
    pages = sum(len(f.pages) for f in manifest.files)
    click.echo(say("cli.samples.written", files=len(manifest.files), pages=pages, documents=len(manifest.specs),
                   bad=sum(1 for f in manifest.files if f.bad), folder=outdir))


for _command in (documents_cmd, classify_cmd, correct_cmd, audit_cmd, search_cmd, reindex_cmd, gaps_cmd, plan_group,
                 units_group, serve_cmd, users_group, worker_cmd, scores_group):
    main.add_command(_command)
