"""A private RabbitMQ node and real ``minhchung worker`` processes for the distributed OCR tests and benchmark.

The node is Debian's ``rabbitmq-server`` started from its real script (``/usr/lib/rabbitmq/bin``, not the
wrapper that switches to the system user) with everything of its own: node name, AMQP and distribution ports,
its own epmd on a free port (``ERL_EPMD_PORT``), data (``RABBITMQ_MNESIA_BASE``), logs, config, cookie
(``HOME``). Stopping it kills the node and that epmd, nothing else.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
RABBIT_MISSING = "rabbitmq-server is not installed (Debian package rabbitmq-server: make system, as root)"
TOKEN = "test-worker-token-" + "x" * 16
CLI = [sys.executable, "-m", "pipelines"]


def rabbit_available() -> bool:
    return (RABBIT_BIN / "rabbitmq-server").exists() and shutil.which("erl") is not None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class RabbitNode:
    root: Path
    port: int = 0
    host: str = "127.0.0.1"
    proc: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"amqp://minhchung:{self.password}@{self.host}:{self.port}//"

    def url_for(self, host: str) -> str:
        return f"amqp://minhchung:{self.password}@{host}:{self.port}//"

    password: str = field(default_factory=lambda: "pw-" + secrets.token_hex(6))

    def start(self, timeout: float = 240.0) -> RabbitNode:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        epmd, dist = free_port(), free_port()
        conf = self.root / "rabbitmq.conf"
        conf.write_text(f"listeners.tcp.default = {self.port}\nloopback_users = none\n"
                        f"default_user = minhchung\ndefault_pass = {self.password}\n"
                        "log.console = false\nlog.file.level = warning\n", encoding="utf-8")
        (self.root / "enabled_plugins").write_text("[].\n", encoding="utf-8")
        self.env = {**os.environ, "HOME": str(self.root), "RABBITMQ_NODENAME": f"mc{secrets.token_hex(4)}@localhost",
                    "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(dist),
                    "ERL_EPMD_PORT": str(epmd), "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(self.root / "log"), "RABBITMQ_CONFIG_FILE": str(conf),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins"),
                    "RABBITMQ_PID_FILE": str(self.root / "rabbit.pid"),
                    "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.root / "advanced.config"),
                    "RABBITMQ_CONF_ENV_FILE": str(self.root / "rabbitmq-env.conf")}
        (self.root / "rabbitmq-env.conf").write_text("", encoding="utf-8")
        log = open(self.root / "server.out", "wb")  # noqa: SIM115 (the node's whole life)
        self.proc = subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rabbitmq-server exited: " + (self.root / "server.out").read_text(errors="replace"))
            if self.ready():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("rabbitmq-server did not start in time")

    def ready(self) -> bool:
        from kombu import Connection

        try:
            with Connection(self.url, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            return True
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.env.get("ERL_EPMD_PORT") and shutil.which("epmd"):
            subprocess.run(["epmd", "-port", self.env["ERL_EPMD_PORT"], "-kill"], capture_output=True, timeout=10,
                           env=self.env)

    def purge(self) -> None:
        """Empty the OCR queue (between tests sharing the node)."""
        from kombu import Connection

        from pipelines.executors.celery_app import ocr_queue

        with Connection(self.url) as conn:
            ocr_queue()(conn.channel()).declare()
            ocr_queue()(conn.channel()).purge()


def worker_env(broker_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "MINHCHUNG_BROKER_URL": broker_url, "MINHCHUNG_WORKER_TOKEN": TOKEN, **(extra or {})}


@dataclass
class Worker:
    """A real ``python -m pipelines worker`` process (its own session: killed with its pool)."""

    proc: subprocess.Popen
    log: Path

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(60)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(broker_url: str, folder: Path, name: str, concurrency: int = 1, imports: tuple[str, ...] = (),
                 env: dict[str, str] | None = None, prefix: list[str] | None = None,
                 own_session: bool = True) -> Worker:
    """``own_session=False``: a process group of its own (still killed with its pool) in the caller's session,
    i.e. its autogroup, so that the benchmark's workers share the cores as its local pool does."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    args = [*(prefix or []), *CLI, "--home", str(folder / "home"), "worker", "--concurrency", str(concurrency),
            "--name", f"{name}@test", "--dir", str(folder / "dir"), "--loglevel", "INFO"]
    for module in imports:
        args += ["--import", module]
    out = open(log, "wb")  # noqa: SIM115 (the worker's whole life)
    proc = subprocess.Popen(args, env=worker_env(broker_url, env), stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=own_session, process_group=None if own_session else 0)
    return Worker(proc, log)


def wait_ready(worker: Worker, timeout: float = 240.0) -> None:  # 3 s on an idle machine, 60+ s on a loaded one
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.proc.poll() is not None:
            raise RuntimeError("worker exited:\n" + worker.text())
        if " ready." in worker.text():
            return
        time.sleep(0.2)
    raise RuntimeError("worker not ready:\n" + worker.text())


def slowbar_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Environment that registers the ``slowbar`` engine (tests/distributed_engine.py) in every Python process
    (coordinator and workers) through a sitecustomize module, and the file its pages are logged to."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import distributed_engine\n", encoding="utf-8")
    log = tmp_path / "engine.log"
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(REPO), str(TESTS), str(TESTS / "unit")]),
           "MINHCHUNG_OCR_ENGINE": "slowbar", "SLOWBAR_LOG": str(log),
           "MINHCHUNG_OCR_CACHE": str(tmp_path / "cold-cache")}  # a cold cache: pages are really read
    return env, log


def bar_inbox(dest: Path, rows: list[list[list[int]]], unit: str = "Sở Nội vụ") -> Path:
    """One PNG file per entry of ``rows`` (the test engine's bar pages) in ``dest/unit``; returns ``dest``."""
    if str(TESTS / "unit") not in sys.path:
        sys.path.append(str(TESTS / "unit"))
    from ocr_test_engine import bar_page

    folder = dest / unit
    folder.mkdir(parents=True)
    for i, page_rows in enumerate(rows):
        image, _ = bar_page(page_rows)
        image.save(folder / f"trang {i + 1}.png")
    return dest
