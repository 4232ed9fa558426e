"""What every command shares: the configuration object, the message language, the catalog opener and the
date option."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.i18n import DEFAULT_LANG, translate
from pipelines.services.config import Config


def pass_home(f: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``click.pass_obj``, handing the command the data home of the group's :class:`Config`."""

    @click.pass_context
    def new(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.find_object(Config).home, *args, **kwargs)

    return functools.update_wrapper(new, f)


def cli_lang() -> str:
    """The language of messages of the running command (``--lang`` / ``MINHCHUNG_LANG``, see :class:`Config`)."""
    ctx = click.get_current_context(silent=True)
    cfg = ctx.find_object(Config) if ctx else None
    return cfg.lang if cfg else DEFAULT_LANG


def say(code: str, **params: object) -> str:
    """A message of the catalog in the command's language."""
    return translate(code, cli_lang(), **params)


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """click callback for the YYYY-MM-DD options of every command."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise click.BadParameter(say("date.not_iso", value=value)) from exc


def open_catalog(home: Home) -> sqlite3.Connection:
    """The existing catalog of ``home`` (commands that read must not create an empty one)."""
    if not home.catalog.exists():
        raise click.UsageError(say("cli.no_catalog", path=home.catalog))
    return connect(home.catalog)
