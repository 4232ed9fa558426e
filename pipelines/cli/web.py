"""``minhchung serve`` (the web interface) and ``minhchung users`` (its accounts); attached to the group in
:mod:`pipelines.cli.main`."""

from __future__ import annotations

import os
import sys
from contextlib import closing

import click

from pipelines.catalog.db import connect
from pipelines.catalog.home import Home
from pipelines.cli.common import cli_lang, pass_home, say
from pipelines.cli.helptext import CatalogCommand, CatalogGroup
from pipelines.cli.worker import advertised_url, broker_or_fail, token_or_fail
from pipelines.services.config import Config
from pipelines.services.users import ROLE_VI, ROLES, UserError, add_user, list_users, remove_user, set_password

MAX_DEFAULT_WORKERS = 4


def default_workers(cores: int | None) -> int:
    """``serve``'s processes when ``--workers`` is not given: one per core, at most :data:`MAX_DEFAULT_WORKERS`.
    A search is CPU work in Python, which runs one thread at a time per process: on 2 cores one process answered
    110–195 new search pages a second at 8 clients (the machine's state), two 229–231 (BENCHMARKS.md, "Web
    throughput, third round"). Each process is ~100 MB; sessions and the login limit are shared."""
    return max(1, min(MAX_DEFAULT_WORKERS, cores or 1))


@click.command("serve", cls=CatalogCommand)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), metavar="N", default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), metavar="N", default=None)
@click.option("--threads", type=click.IntRange(1, 256), metavar="N", default=2, show_default=True)  # app.py's default
@click.option("--max-upload-mb", type=click.IntRange(1, 100_000), metavar="N", default=200, show_default=True)
@click.option("--session-hours", type=click.FloatRange(0.1, 24 * 30), metavar="N", default=8.0, show_default=True)
@click.option("--secure-cookies", is_flag=True)
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N", default=None)
@click.option("--forwarded-allow-ips", metavar="ADDRESSES", default=None)
@click.option("--blob-url", metavar="URL", envvar="MINHCHUNG_BLOB_URL", show_envvar=True, default=None)
@click.pass_obj
def serve_cmd(cfg: Config, host: str, port: int, workers: int, threads: int, max_upload_mb: int, session_hours: float,
              secure_cookies: bool, jobs: int | None, forwarded_allow_ips: str | None, blob_url: str | None) -> None:
    import uvicorn

    from pipelines.web.app import APP_ENV, app_env, create_app

    home = cfg.home
    workers = workers or default_workers(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                         else os.cpu_count())  # (the cores this process may use)
    options = {"max_upload_bytes": max_upload_mb * 1024**2, "session_hours": session_hours,
               "secure_cookies": secure_cookies, "intake_jobs": jobs, "request_threads": threads}
    if cfg.broker_url:  # uploads are OCRed by the remote workers: checked before serving (exit 2)
        from pipelines.executors.celery_app import mask_url  # Celery: imported only where a broker is used

        broker_or_fail(cfg.broker_url)
        token_or_fail(cfg)
        options["intake_blob_url"] = blob_url or advertised_url(cfg.broker_url, host, port)
        click.echo(say("remote.sending", broker=mask_url(cfg.broker_url), blob_url=options["intake_blob_url"]),
                   err=True)
    server = {"host": host, "port": port, "log_level": "info", "proxy_headers": bool(forwarded_allow_ips),
              "forwarded_allow_ips": forwarded_allow_ips}
    app = create_app(cfg, **options)  # also creates and migrates the catalog before any worker starts
    with closing(connect(home.catalog)) as db:
        if not list_users(db):
            click.echo(say("serve.no_users"), err=True)
    click.echo(say("serve.listening", url=f"http://{host}:{port}/", home=home.root, workers=workers), err=True)
    if workers == 1:
        uvicorn.run(app, **server)
        return
    os.environ[APP_ENV] = app_env(cfg, **options)  # the workers (spawned) build their apps from it
    uvicorn.run("pipelines.web.app:app_from_env", factory=True, workers=workers, **server)


def _password(stdin: bool, confirm: bool = True) -> str:
    if stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise click.UsageError(say("users.no_password_stdin"))
        return value
    value = click.prompt(say("users.password_prompt"), hide_input=True)
    if confirm and click.prompt(say("users.password_again"), hide_input=True) != value:
        raise click.UsageError(say("users.passwords_differ"))  # (click's own check says it in English)
    return value


@click.group("users", cls=CatalogGroup)
def users_group() -> None:
    pass


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True)
@click.option("--update", is_flag=True)
@pass_home
def users_add(home: Home, name: str, role: str, password_stdin: bool, update: bool) -> None:
    home.create()
    with closing(connect(home.catalog)) as db:
        try:
            user = add_user(db, name, role, _password(password_stdin), update=update)
        except UserError as exc:
            raise click.UsageError(exc.message(cli_lang())) from exc
    click.echo(say("users.saved", name=user.name, role=user.role, role_vi=ROLE_VI[user.role]))


@users_group.command("list")
@pass_home
def users_list(home: Home) -> None:
    with closing(connect(home.catalog)) as db:
        for user in list_users(db):
            click.echo(f"{user.name}\t{user.role}\t{ROLE_VI[user.role]}")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True)
@pass_home
def users_passwd(home: Home, name: str, password_stdin: bool) -> None:
    with closing(connect(home.catalog)) as db:
        try:
            set_password(db, name, _password(password_stdin))
        except UserError as exc:
            raise click.UsageError(exc.message(cli_lang())) from exc
    click.echo(say("users.password_changed", name=name))


@users_group.command("remove")
@click.argument("name")
@pass_home
def users_remove(home: Home, name: str) -> None:
    with closing(connect(home.catalog)) as db:
        try:
            remove_user(db, name)
        except UserError as exc:
            raise click.UsageError(exc.message(cli_lang())) from exc
    click.echo(say("users.removed", name=name))
