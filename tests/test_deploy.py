"""The deployment files, checked without a Docker engine: services, ports, roles and every
BATON_* name against the settings Baton actually reads."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
KNOWN = {f"BATON_{name.upper()}" for name in Settings.model_fields}
ROLES = {"serve", "smtp", "web", "worker"}


def compose(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_every_baton_setting_in_compose_exists(name):
    for service, spec in compose(name)["services"].items():
        for key in (spec.get("environment") or {}):
            if key.startswith("BATON_"):
                assert key in KNOWN, f"{name}: {service} sets {key}, which Baton does not read"


def test_development_compose_has_baton_postgres_and_a_mail_catcher():
    services = compose("docker-compose.yml")["services"]
    assert {"baton", "postgres", "mailpit"} <= set(services)
    baton = services["baton"]
    assert {"2525:2525", "8000:8000"} <= set(baton["ports"])
    env = baton["environment"]
    assert env["BATON_DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env["BATON_DATABASE_URL"]
    assert env["BATON_OUTBOUND"].startswith("smtp://mailpit:")
    assert "8025:8025" in services["mailpit"]["ports"]  # the mail catcher's web UI


def test_production_compose_runs_roles_behind_postfix():
    services = compose("docker-compose.prod.yml")["services"]
    assert "postfix" in services and "postgres" in services
    roles = {spec["command"][-1] for spec in services.values() if "command" in spec}
    assert roles <= ROLES and {"smtp", "web", "worker"} <= roles
    env = services["smtp"]["environment"]
    assert env["BATON_SENDER_POLICY"] == "aligned" and env["BATON_TRUSTED_AUTHSERV_ID"]


def test_dockerfile_ships_every_package_runs_as_non_root_and_has_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    packages = re.findall(r'"(\w+)\*"', (ROOT / "pyproject.toml").read_text())
    for package in packages:
        assert re.search(rf"^COPY {package} {package}$", text, re.M), f"Dockerfile misses {package}/"
    modules = re.search(r"py-modules = \[(.*?)\]", (ROOT / "pyproject.toml").read_text()).group(1)
    for module in re.findall(r'"(\w+)"', modules):
        assert re.search(rf"^COPY .*\b{module}\.py\b", text, re.M), f"Dockerfile misses {module}.py"
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
