"""Fuzz every operation of the JSON API from its own OpenAPI schema (schemathesis), logged in as admin with a
valid CSRF token: valid and schema-violating inputs alike, the answer is never a 5xx.

(schemathesis' lazy pytest loader, ``from_fixture``, does not run on pytest 9 — it reads ``Function._nodeid``
— so the test drives hypothesis with each operation's strategy itself, via schemathesis' Python API.)
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from web_support import copy_home, login

from pipelines.services.config import Config
from pipelines.web import create_app

EXAMPLES = 20  # per operation, valid and invalid inputs mixed


@pytest.fixture(scope="module")
def fuzz_app(ingested, tmp_path_factory):
    home = copy_home(ingested["home"], tmp_path_factory.mktemp("web-fuzz") / "home")
    app = create_app(Config(home), max_upload_bytes=1024 * 1024, intake_jobs=1)
    client = TestClient(app)
    token = login(client, "quantri")
    yield {"app": app, "cookies": {"minhchung_session": client.cookies.get("minhchung_session")},
           "headers": {"X-CSRF-Token": token}}
    app.state.web.intake.stop()


def fuzz_operation(operation, session: dict, failures: list[str], calls: dict[str, int]) -> None:
    """Run hypothesis over one operation's valid and invalid inputs; record 5xx (and lost sessions: a 401
    anywhere but at login would mean the fuzzing stopped testing past the login check)."""
    label = f"{operation.method.upper()} {operation.path}"
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(case) -> None:
        response = case.call(headers=session["headers"], cookies=session["cookies"])
        calls[label] = calls.get(label, 0) + 1
        lost_session = response.status_code == 401 and operation.path != "/api/login"
        if response.status_code >= 500 or lost_session:
            failures.append(f"{label} {case.formatted_path} → {response.status_code}: {response.text[:300]}")

    fuzz()


def test_no_input_makes_the_api_fail(fuzz_app):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app["app"])
    operations = [result.ok() for result in schema.get_all_operations()]
    # logging out would end the admin session the other operations use
    operations = [op for op in operations if op.path not in ("/api/logout", "/api/logout-all")]
    assert len(operations) >= 15
    failures: list[str] = []
    calls: dict[str, int] = {}
    for operation in operations:
        fuzz_operation(operation, fuzz_app, failures, calls)
    assert not failures, "\n".join(dict.fromkeys(failures))
    assert set(calls) == {f"{op.method.upper()} {op.path}" for op in operations}
    with_inputs = [f"{op.method.upper()} {op.path}" for op in operations
                   if len(op.path_parameters) + len(op.query) + len(op.body)]
    assert len(with_inputs) >= 12 and all(calls[label] >= 5 for label in with_inputs), calls
