"""``minhchung search`` and ``minhchung reindex`` (attached to the group in :mod:`pipelines.cli.main`)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.cli.common import date_option, open_catalog, say
from pipelines.cli.helptext import CatalogCommand
from pipelines.i18n import message_of
from pipelines.services import search as searching
from pipelines.services.config import Config
from search.analysis import QueryError
from search.backends import BACKENDS, ES_URL_ENV
from search.model import Filters, SearchRequest


@click.command("search", cls=CatalogCommand)
@click.argument("query")
@click.option("--unit", "units", multiple=True)
@click.option("--type", "doc_types", multiple=True)
@click.option("--indicator", "indicators", multiple=True)
@click.option("--from", "issued_from", metavar="YYYY-MM-DD", callback=date_option)
@click.option("--to", "issued_to", metavar="YYYY-MM-DD", callback=date_option)
@click.option("--in-period/--out-of-period", "in_period", default=None)
@click.option("--method", type=click.Choice(["text", "ocr"]))
@click.option("--min-confidence", type=click.FloatRange(0, 100), metavar="N")
@click.option("--limit", type=click.IntRange(1, 1000), metavar="N", default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), metavar="N", default=0, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--backend", type=click.Choice(BACKENDS))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search_cmd(cfg: Config, query: str, units: tuple[str, ...], doc_types: tuple[str, ...],
               indicators: tuple[str, ...], issued_from: date | None, issued_to: date | None,
               in_period: bool | None, method: str | None, min_confidence: float | None, limit: int, offset: int,
               sort: str, backend: str | None, as_json: bool) -> None:
    db = open_catalog(cfg.home)
    try:
        filters = Filters(units=units, doc_types=doc_types, indicators=indicators, issued_from=issued_from,
                          issued_to=issued_to, in_period=in_period, method=method, min_confidence=min_confidence)
        req = SearchRequest(query, filters, limit=limit, offset=offset, sort=sort,
                            markers=("\x01", "\x02") if not as_json else ("**", "**"))
        name = backend or cfg.search_backend
        result = searching.search(db, req, name, url=cfg.es_url)
    except (QueryError, ValueError) as exc:
        raise click.UsageError(message_of(exc, cfg.lang)) from exc
    except Exception as exc:  # noqa: BLE001 - a server that is down or refuses us: say so, exit 1
        if name == "sqlite":
            raise
        raise click.ClickException(say("search.backend_failed", backend=name,
                                       detail=f"{type(exc).__name__}: {exc}")) from exc
    if as_json:
        out = {"total": result.total, "took_ms": round(result.took_ms, 1), "facets": result.facets,
               "hits": [{**asdict(h), "issued": h.issued.isoformat() if h.issued else None} for h in result.hits]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console(width=max(120, Console().width))
    table = Table(title=f"{result.total} trang khớp «{query}» ({result.took_ms:.0f} ms)", show_lines=True)
    for col in ("Văn bản", "Đơn vị", "Loại", "Số ký hiệu", "Ngày", "Trang", "Đoạn trích"):
        table.add_column(col, overflow="fold", max_width=70 if col == "Đoạn trích" else None)
    for h in result.hits:
        snippet = re.sub("\x01(.*?)\x02", lambda m: f"[bold]{escape(m.group(1))}[/bold]", escape(h.snippet))
        table.add_row(h.doc_id, h.unit or "-", h.doc_type or "?", h.symbol or "-",
                      h.issued.strftime("%d/%m/%Y") if h.issued else "-", str(h.page), snippet)
    console.print(table)
    for facet, counts in result.facets.items():
        if counts:
            console.print(f"[dim]{facet}:[/dim] " + ", ".join(f"{escape(k)} {n}" for k, n in counts.items()))


@click.command("reindex", cls=CatalogCommand)
@click.option("--backend", type=click.Choice(BACKENDS), default=None)
@click.pass_obj
def reindex_cmd(cfg: Config, backend: str | None) -> None:
    db = open_catalog(cfg.home)
    name = backend or "sqlite"
    if name == "elasticsearch" and not cfg.es_url:
        raise click.UsageError(f"set {ES_URL_ENV} to the Elasticsearch address")
    pages = searching.reindex(db, name, url=cfg.es_url)
    click.echo(f"{pages} pages indexed ({name})")
