"""docker/docker-compose.yml and docker/Dockerfile, checked without a Docker engine (none on the project's
machines: nothing here runs a container). The compose file is validated against the Compose Specification's
JSON schema (vendored as docker/compose-spec.json: no network) with jsonschema-rs, then the settings that
matter for the OCR workers of issue 13 are checked; the Dockerfile's COPY sources must exist in the build
context and its Debian packages must be the Makefile's run-time ones."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
INTERPOLATED = re.compile(r"\$\{[A-Z_]+(?::?[-?][^}]*)?\}")  # ${NAME}, ${NAME:?message}, ${NAME:-default}
SECRET_KEY = re.compile(r"PASSWORD|PASS$|TOKEN|SECRET", re.I)
TEST_ONLY_APT = {"chromium", "rabbitmq-server", "iproute2"}  # the browser tests, the broker fixture, ip netns


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "docker-compose.yml").read_text(encoding="utf-8"))


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {k: str(v) for k, v in env.items()}
    return dict(item.split("=", 1) for item in env)


def test_the_compose_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads((DOCKER / "compose-spec.json").read_text(encoding="utf-8"))
    validator = jsonschema_rs.Draft7Validator(schema)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []
    # the validator does refuse what the specification does not allow
    broken = {**compose, "services": {**compose["services"], "worker": {**compose["services"]["worker"],
                                                                       "containr_name": "w"}}}  # a typo
    assert not validator.is_valid(broken)


def test_the_worker_service_runs_minhchung_worker_and_scales(compose):
    worker = compose["services"]["worker"]
    entrypoint = _dockerfile_instruction("ENTRYPOINT")
    assert json.loads(entrypoint)[-1].endswith("/minhchung")
    command = worker["command"] if isinstance(worker["command"], list) else shlex.split(worker["command"])
    assert [a for a in command if not a.startswith("-") and a != "/work"][0] == "worker"
    env = _env(worker)
    for name in ("MINHCHUNG_BROKER_URL", "MINHCHUNG_WORKER_TOKEN"):
        assert INTERPOLATED.search(env[name]), f"{name} must come from the environment"
    # --scale worker=N: no fixed name, host name or host port that replicas would fight over, no shared data volume
    for key in ("container_name", "hostname", "ports"):
        assert key not in worker, key
    assert worker["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert "minhchung-data:/data" not in (worker.get("volumes") or [])


def test_no_secret_is_written_in_the_compose_file(compose):
    for name, service in compose["services"].items():
        for key, value in _env(service).items():
            if SECRET_KEY.search(key):
                assert INTERPOLATED.fullmatch(value), f"{name}: {key} is written in the file"
            for url in re.findall(r"[a-z]+://[^@\s]+@", value):  # credentials inside a URL
                password = url.split("://", 1)[1].rsplit("@", 1)[0].split(":", 1)[-1]
                assert INTERPOLATED.fullmatch(password), f"{name}: {key} has a password written in the file"


def test_rabbitmq_and_elasticsearch_are_there_with_healthchecks_the_app_waits_for(compose):
    services = compose["services"]
    assert services["rabbitmq"]["image"].startswith("rabbitmq:")
    assert services["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    for name in ("rabbitmq", "elasticsearch"):
        assert services[name]["healthcheck"]["test"], name
        assert services["app"]["depends_on"][name]["condition"] == "service_healthy"
    app_env = _env(services["app"])
    assert app_env["MINHCHUNG_BROKER_URL"].startswith("amqp://") and "@rabbitmq:5672" in app_env["MINHCHUNG_BROKER_URL"]
    assert "http://app:8000" in app_env["MINHCHUNG_BLOB_URL"]  # serve's blob route, as the workers reach it
    assert "8000" in app_env["MINHCHUNG_BLOB_URL"] and "--port" in services["app"]["command"]


def _dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _dockerfile_instruction(name: str) -> str:
    return next(line[len(name):].strip() for line in _dockerfile() if line.upper().startswith(name + " "))


def test_every_file_the_dockerfile_copies_is_in_the_build_context(compose):
    build = compose["services"]["app"]["build"]
    context = (DOCKER / build["context"]).resolve()
    assert (context / build["dockerfile"]).resolve() == DOCKER / "Dockerfile"
    assert compose["services"]["worker"]["build"] == build
    copied = []
    for line in _dockerfile():
        if line.upper().startswith(("COPY ", "ADD ")):
            args = [a for a in shlex.split(line)[1:] if not a.startswith("--")]
            copied += args[:-1]
    assert copied and all((context / source).exists() for source in copied), copied
    packages = {p.split(".")[0] for p in re.findall(r'include = \[(.*?)\]', _pyproject())[0].replace('"', "")
                .replace("*", "").split(", ")}
    assert packages <= set(copied) and "pyproject.toml" in copied  # the whole package is in the image


def test_the_image_has_the_makefiles_run_time_debian_packages():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    wanted = set(re.search(r"^APT_PACKAGES\s*:=\s*(.*)$", makefile, re.M).group(1).split()) - TEST_ONLY_APT
    installs = [line for line in _dockerfile() if line.startswith("RUN ") and "apt-get install" in line]
    assert installs
    got = {word for line in installs for word in line.split() if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", word)}
    assert wanted <= got, wanted - got
    assert not any("make " in line for line in _dockerfile() if line.startswith("RUN "))  # no test packages


def _pyproject() -> str:
    return (REPO / "pyproject.toml").read_text(encoding="utf-8")
