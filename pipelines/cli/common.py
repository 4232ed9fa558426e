"""What every command shares: the configuration object, the catalog opener and the date option."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.services.config import Config


def pass_home(f: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``click.pass_obj``, handing the command the data home of the group's :class:`Config`."""

    @click.pass_context
    def new(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.find_object(Config).home, *args, **kwargs)

    return functools.update_wrapper(new, f)


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """click callback for the YYYY-MM-DD options of every command."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


def open_catalog(home: Home) -> sqlite3.Connection:
    """The existing catalog of ``home`` (commands that read must not create an empty one)."""
    if not home.catalog.exists():
        raise click.UsageError(f"no catalog at {home.catalog}: run 'minhchung ingest' first")
    return connect(home.catalog)
