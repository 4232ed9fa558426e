"""The login limit ("Web app hardening", item 2): failures count per user name and, with a much higher
limit, per address; a success resets its name and takes that name's failures off the address, so one
office behind one address (NAT, reverse proxy) is not locked out by its members' typos. Behind a trusted
proxy the address is the client's (``minhchung serve --forwarded-allow-ips``)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from web_support import PASSWORD

from pipelines.services.config import Config
from pipelines.web import create_app
from pipelines.web.login_limit import DEFAULT_PER_ADDRESS, DEFAULT_PER_NAME, LoginLimiter

OFFICE = "10.1.1.1"  # every user of the office, as the server sees them behind one NAT or proxy
WRONG = "sai-mat-khau"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def app_for(home, clock: Clock | None = None, **limits: int):
    app = create_app(Config(home), intake_jobs=1, **limits)
    if clock is not None:
        limiter = app.state.web.limiter
        app.state.web.limiter = LoginLimiter(limiter.per_name, limiter.per_address, limiter.window, clock=clock)
    return app


def attempt(app, name: str, password: str, address: str = OFFICE) -> int:
    client = TestClient(app, client=(address, 50000))
    return client.post("/api/login", json={"username": name, "password": password}).status_code


@pytest.mark.parametrize("per_address", [DEFAULT_PER_ADDRESS, 5])
def test_colleagues_typos_do_not_lock_out_the_office(empty_home, per_address):
    """4 wrong passwords for A, A logs in, 1 wrong for B: C, with the right password, logs in (the old limit,
    5 per address with successes not counted back, answered 429 for 5 minutes). With the address limit as
    low as the name limit it holds too: A's success took A's failures off the address."""
    app = app_for(empty_home, login_failures_per_address=per_address)
    for _ in range(4):
        assert attempt(app, "thanhtra", WRONG) == 401
    assert attempt(app, "thanhtra", PASSWORD) == 200
    assert attempt(app, "ratsoat", WRONG) == 401
    assert attempt(app, "quantri", PASSWORD) == 200
    app.state.web.intake.stop()


def test_five_wrong_lock_that_name_only(empty_home):
    app = app_for(empty_home)
    for _ in range(DEFAULT_PER_NAME):
        assert attempt(app, "thanhtra", WRONG) == 401
    client = TestClient(app, client=(OFFICE, 50000))
    blocked = client.post("/api/login", json={"username": "thanhtra", "password": PASSWORD})
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["retry-after"]) <= 300
    assert "thử lại sau" in blocked.json()["detail"]
    assert attempt(app, "thanhtra", PASSWORD, address="10.2.2.2") == 429  # the name, from anywhere
    assert attempt(app, "ratsoat", PASSWORD) == 200  # another user on the same address
    assert attempt(app, "vanthu", WRONG) == 401  # and the address is not blocked for wrong tries either
    app.state.web.intake.stop()


def test_the_per_address_limit_still_trips(empty_home):
    clock = Clock()
    app = app_for(empty_home, clock, login_failures_per_address=12)
    for n in range(12):  # a spray over many names, under the per-name limit each
        assert attempt(app, f"khong-co-{n % 4}", WRONG) == 401
    assert attempt(app, "quantri", PASSWORD) == 429  # the address is blocked, right password or not
    assert attempt(app, "quantri", PASSWORD, address="10.2.2.2") == 200  # the name is not
    clock.now += 301
    assert attempt(app, "quantri", PASSWORD) == 200
    app.state.web.intake.stop()


def test_the_default_limits_are_5_per_name_and_50_per_address():
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    assert (limiter.per_name, limiter.per_address, limiter.window) == (5, 50, 300.0)
    for n in range(49):
        limiter.failed(OFFICE, f"user-{n}")
    assert limiter.retry_after(OFFICE, "someone") is None
    limiter.failed(OFFICE, "user-49")
    assert limiter.retry_after(OFFICE, "someone") == 300
    assert limiter.retry_after("10.2.2.2", "someone") is None
    clock.now += 150
    assert limiter.retry_after(OFFICE, "someone") == 150


def test_a_success_resets_the_name(empty_home):
    app = app_for(empty_home, login_failures_per_address=5)
    for _ in range(4):
        assert attempt(app, "thanhtra", WRONG) == 401
    assert attempt(app, "thanhtra", PASSWORD) == 200
    for _ in range(4):
        assert attempt(app, "thanhtra", WRONG) == 401
    assert attempt(app, "thanhtra", PASSWORD) == 200  # 8 failures in the window, but 4 since the success
    app.state.web.intake.stop()


def test_a_success_takes_off_only_that_names_failures_from_that_address():
    limiter = LoginLimiter(per_name=3, per_address=4, clock=Clock())
    for _ in range(2):
        limiter.failed(OFFICE, "An")
        limiter.failed("10.2.2.2", "an")
    limiter.failed(OFFICE, "binh")
    limiter.failed(OFFICE, "binh")
    assert limiter.retry_after(OFFICE, "chi") is not None  # 4 failures from the office
    assert limiter.retry_after("10.3.3.3", "an") is not None  # 4 failures for the name (any case)
    limiter.succeeded(OFFICE, "an")
    assert limiter.retry_after(OFFICE, "chi") is None  # binh's 2 remain, An's are off
    assert limiter.retry_after("10.3.3.3", "an") is None
    limiter.failed("10.2.2.2", "x")
    limiter.failed("10.2.2.2", "y")
    assert limiter.retry_after("10.2.2.2", "z") is not None  # the other address keeps its failures for An


def test_a_spray_of_names_does_not_grow_the_store_for_ever():
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    held = []
    for window in range(4):  # four windows of 2,000 new names each, from 200 addresses
        for n in range(2000):
            limiter.failed(f"10.0.{n % 200}.1", f"ten-{window}-{n}")
        held.append(limiter.held())
        clock.now += 301
    assert held == [2000] * 4  # each window's failures go once it has passed


def test_the_processes_of_one_server_share_the_counts(tmp_path):
    """serve --workers N: a failure counted by one process limits the others (one file per data home)."""
    path = tmp_path / "tmp" / "login-failures.sqlite3"
    child = ("import sys; from pathlib import Path; from pipelines.web.login_limit import LoginLimiter\n"
             "limiter = LoginLimiter(per_name=3, path=Path(sys.argv[1]))\n"
             "for _ in range(3): limiter.failed('10.1.1.1', 'thanhtra')\n")
    subprocess.run([sys.executable, "-c", child, str(path)], check=True, timeout=60)
    here = LoginLimiter(per_name=3, path=path)
    assert here.retry_after("10.7.7.7", "ThanhTra") is not None
    here.succeeded("10.1.1.1", "thanhtra")
    assert LoginLimiter(per_name=3, path=path).retry_after("10.7.7.7", "thanhtra") is None


def test_behind_a_trusted_proxy_the_client_address_counts(empty_home):
    app = app_for(empty_home, login_failures_per_address=3)
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="10.9.9.9")

    def through_proxy(client_ip: str, name: str, password: str, peer: str = "10.9.9.9") -> int:
        client = TestClient(proxied, client=(peer, 50000))
        response = client.post("/api/login", json={"username": name, "password": password},
                               headers={"X-Forwarded-For": client_ip})
        return response.status_code

    for name in ("a1", "a2", "a3"):
        assert through_proxy("192.0.2.1", name, WRONG) == 401
    assert through_proxy("192.0.2.1", "thanhtra", PASSWORD) == 429
    assert through_proxy("192.0.2.2", "thanhtra", PASSWORD) == 200  # another client behind the same proxy
    # from an untrusted peer the header is ignored: the peer's own address counts
    for name in ("b1", "b2", "b3"):
        assert through_proxy("192.0.2.3", name, WRONG, peer="10.8.8.8") == 401
    assert through_proxy("192.0.2.4", "ratsoat", PASSWORD, peer="10.8.8.8") == 429
    app.state.web.intake.stop()


def test_serve_passes_the_trusted_proxies_to_uvicorn(tmp_path, monkeypatch):
    import uvicorn

    from pipelines.cli.main import main

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    home = str(tmp_path / "home")
    for extra in ([], ["--forwarded-allow-ips", "10.0.0.1,10.0.1.0/24"]):
        result = CliRunner().invoke(main, ["--home", home, "serve", "--port", "8123", "--jobs", "1", "--workers", "1",
                                           *extra])
        assert result.exit_code == 0, result.output
    assert calls[0]["proxy_headers"] is False
    assert calls[1]["proxy_headers"] is True and calls[1]["forwarded_allow_ips"] == "10.0.0.1,10.0.1.0/24"
