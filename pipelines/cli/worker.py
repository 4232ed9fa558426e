"""``minhchung worker`` (an OCR worker on any machine) and what ``ingest --broker`` needs to send its pages to
such workers: the broker check, the blob server, the remote executor. Attached in :mod:`pipelines.cli.main`."""

from __future__ import annotations

import importlib
import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from pipelines.cli.common import say
from pipelines.cli.helptext import CatalogCommand
from pipelines.i18n.errors import CodedError
from pipelines.services.config import Config

if TYPE_CHECKING:
    from pipelines.executors.remote import RemoteExecutor

# Celery (kombu) and the blob server (FastAPI) are imported by the commands that use them, not at start-up:
# they were 0.6 s of the 1.1 s every command (a local ingest too) spent importing (python -X importtime).

EXIT_USAGE = 2
DEFAULT_BLOB_PORT = 8765


def fail(exc: CodedError) -> None:
    """A usage error of a distributed command: the message in the user's language, exit code 2."""
    click.echo(say(exc.code, **exc.params), err=True)
    sys.exit(EXIT_USAGE)


def token_or_fail(cfg: Config) -> str:
    from pipelines.web.blobs import MIN_TOKEN

    token = cfg.worker_token or ""
    if len(token) < MIN_TOKEN:
        fail(CodedError("remote.no_token", min=MIN_TOKEN))
    return token


def broker_or_fail(url: str) -> None:
    from pipelines.executors.remote import BrokerError, check_broker

    try:
        check_broker(url)
    except BrokerError as exc:
        fail(exc)


def advertised_url(broker_url: str, host: str, port: int) -> str:
    """The blob server's address as workers should use it: the listen address, or (listening on all
    interfaces) this machine's address on the route to the broker, which the workers reach too."""
    if host not in ("", "0.0.0.0", "::"):
        return f"http://{host}:{port}"
    broker_host = urlsplit(broker_url).hostname or "127.0.0.1"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((broker_host, 9))  # no packet is sent: only the route is chosen
            address = probe.getsockname()[0]
    except OSError:
        address = socket.gethostname()
    return f"http://{address}:{port}"


def parse_listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    try:
        return host or "0.0.0.0", int(port)
    except ValueError as exc:
        raise click.BadParameter(f"HOST:PORT expected, got {value!r}") from exc


@contextmanager
def blob_server_for(cfg: Config, broker_url: str, listen: str, blob_url: str | None) -> Iterator[str]:
    """Checks first, so that nothing is written when the broker, the token or the port cannot be had (exit
    2); then the blob server for the run. Yields the URL the workers fetch originals from."""
    from pipelines.web.blobs import BlobServer

    broker_or_fail(broker_url)
    token = token_or_fail(cfg)
    host, port = parse_listen(listen)
    try:
        server = BlobServer(cfg.home.blobs, token, host, port)
    except CodedError as exc:
        fail(exc)
        raise
    with server:
        yield blob_url or advertised_url(broker_url, host, server.port)


def make_executor(cfg: Config, db: sqlite3.Connection, broker_url: str, blob_url: str, max_deliveries: int,
                  quiet: bool) -> RemoteExecutor:
    from pipelines.executors.celery_app import mask_url
    from pipelines.executors.remote import RemoteExecutor, coordinator_id

    def notice(code: str, params: dict) -> None:
        click.echo(say(code, **params), err=True)

    if not quiet:
        notice("remote.sending", {"broker": mask_url(broker_url), "blob_url": blob_url})
    return RemoteExecutor(broker_url, blob_url, coordinator_id(cfg.home.root), db, max_deliveries=max_deliveries,
                          notice=notice)


def remote_line(remote: dict) -> str:
    """``status``'s line about the remote OCR workers."""
    if remote.get("error"):
        return say("remote.status_error", broker=remote["broker"], reason=remote["error"])
    return say("remote.status", broker=remote["broker"], workers=len(remote["workers"]), depth=remote["queue_depth"],
               in_flight=remote["in_flight"])


@click.command("worker", cls=CatalogCommand)
@click.option("--broker", envvar="MINHCHUNG_BROKER_URL", show_envvar=True, metavar="URL")
@click.option("--concurrency", type=click.IntRange(1, 256), metavar="N", default=None)
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--blob-cache-mb", type=click.IntRange(16, 10**7), metavar="N", default=2048, show_default=True)
@click.option("--name", default=None)
@click.option("--import", "imports", multiple=True, metavar="MODULE")
@click.option("--loglevel", default="INFO", show_default=True)
@click.pass_obj
def worker_cmd(cfg: Config, broker: str | None, concurrency: int | None, folder: Path | None, blob_cache_mb: int,
               name: str | None, imports: tuple[str, ...], loglevel: str) -> None:
    from pipelines.executors.celery_app import mask_url
    from pipelines.executors.remote_worker import WorkerSettings, run_worker

    broker = broker or cfg.broker_url
    if not broker:
        raise click.UsageError("--broker URL or MINHCHUNG_BROKER_URL is required")
    broker_or_fail(broker)
    token = token_or_fail(cfg)
    for module in imports:
        importlib.import_module(module)
    folder = folder or cfg.home.root / "worker"
    processes = concurrency or os.cpu_count() or 1
    settings = WorkerSettings(token=token, folder=folder, ocr_cache=cfg.home.shared_cache or folder / "ocr",
                              tesseract_cmd=cfg.ocr.tesseract_cmd, max_blob_bytes=blob_cache_mb * 1024**2)
    click.echo(say("remote.worker_start", broker=mask_url(broker), processes=processes, folder=folder), err=True)
    run_worker(broker, settings, processes, name=name or f"minhchung@{socket.gethostname()}", loglevel=loglevel)
