"""The deployment files, checked without a Docker engine: services, ports, roles and every
BATON_* name against the settings Baton actually reads."""
from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
KNOWN = {f"BATON_{f.name.upper()}" for f in fields(Settings)}
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


PROD = "docker-compose.prod.yml"
POSTFIX_FILES = ("main.cf", "master.cf", "header_checks", "relay_recipients")
MILTER_FILES = ("opendkim.conf", "opendmarc.conf")


def baton_services(name: str = PROD) -> dict[str, dict]:
    """Services running the Baton image, by role (`baton ROLE`)."""
    return {spec["command"][1]: spec for spec in compose(name)["services"].values()
            if spec.get("command", [""])[0] == "baton"}


def main_cf() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy/postfix/main.cf").read_text().splitlines():
        if line.strip() and not line.startswith(("#", " ", "\t")):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_production_compose_runs_roles_behind_postfix():
    services = compose(PROD)["services"]
    assert {"postfix", "postgres", "opendkim", "opendmarc"} <= set(services)
    roles = baton_services()
    assert set(roles) <= ROLES | {"migrate"} and {"smtp", "web", "worker", "migrate"} <= set(roles)
    env = roles["smtp"]["environment"]
    assert env["BATON_SENDER_POLICY"] == "aligned" and env["BATON_TRUSTED_AUTHSERV_ID"]


def test_roles_wait_for_the_migration_and_a_healthy_database():
    roles = baton_services()
    migrate = roles.pop("migrate")
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no" and migrate["healthcheck"] == {"disable": True}
    for role, spec in roles.items():
        assert spec["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, role
        assert spec["depends_on"]["postgres"] == {"condition": "service_healthy"}, role
    postfix = compose(PROD)["services"]["postfix"]
    assert all(c == {"condition": "service_healthy"} for c in postfix["depends_on"].values())


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_every_long_running_service_restarts_and_has_a_health_check(name):
    for service, spec in compose(name)["services"].items():
        if spec.get("command") == ["baton", "migrate"]:
            continue
        assert spec.get("restart") == "unless-stopped", service
        if service != "baton":  # the development service uses the image's own check (serve has the web)
            assert spec.get("healthcheck", {}).get("test"), service


def test_each_role_has_a_check_of_its_own():
    """smtp and worker serve no :8000: each is checked where it listens."""
    roles = baton_services()
    check = {role: " ".join(spec["healthcheck"]["test"]) for role, spec in roles.items() if role != "migrate"}
    env = roles["worker"]["environment"]
    assert "smtplib.SMTP('127.0.0.1', 2525" in check["smtp"] and ":8000" not in check["smtp"]
    assert f"127.0.0.1:{env['BATON_METRICS_PORT']}/healthz" in check["worker"] and ":8000" not in check["worker"]
    assert "127.0.0.1:8000/healthz" in check["web"]
    assert str(Settings().smtp_port) == "2525" and str(Settings().web_port) == "8000"  # the ports checked
    for role in ("smtp", "worker"):
        assert int(roles[role]["environment"]["BATON_METRICS_PORT"]) > 0, role


def test_secrets_are_defined_and_mounted_where_they_are_read():
    spec = compose(PROD)
    defined = spec.get("secrets") or {}
    for service, svc in spec["services"].items():
        mounted = set(svc.get("secrets") or [])
        assert mounted <= set(defined), service
        for key, value in (svc.get("environment") or {}).items():
            if str(value).startswith("/run/secrets/"):
                assert value.rpartition("/")[2] in mounted, f"{service}: {key} reads a secret it does not mount"
    for name, secret in defined.items():
        assert not Path(secret["file"]).is_absolute(), name
    text = (ROOT / PROD).read_text()
    for needed in ("BATON_SECRET_KEY", "POSTGRES_PASSWORD"):  # from .env, or compose refuses to start
        assert f"${{{needed}:?" in text, needed


def test_postfix_is_a_real_mx_built_from_the_tested_files():
    spec = compose(PROD)
    postfix = spec["services"]["postfix"]
    assert postfix["build"] == {"context": "deploy", "dockerfile": "postfix/Dockerfile"}
    assert "25:25" in postfix["ports"]
    dockerfile = (ROOT / "deploy/postfix/Dockerfile").read_text()
    assert re.search(r"apt-get install .*\bpostfix\b", dockerfile, re.S)
    copied = re.search(r"^COPY (.*) /etc/postfix/$", dockerfile, re.M).group(1).split()
    assert copied == [f"postfix/{name}" for name in POSTFIX_FILES]
    for name in MILTER_FILES:
        assert f"COPY milters/{name} /etc/{name}" in dockerfile
    cf = main_cf()
    # Postfix relays to the smtp role, under the alias main.cf names, on Baton's SMTP port.
    host, port = re.fullmatch(r"smtp:\[([\w.-]+)\]:(\d+)", cf["relay_transport"]).groups()
    assert host in spec["services"]["smtp"]["networks"]["default"]["aliases"] and int(port) == Settings().smtp_port
    # Baton sends through master.cf's relay port, from a network inside mynetworks.
    outbound = baton_services()["smtp"]["environment"]["BATON_OUTBOUND"]
    assert outbound == "smtp://postfix:10025?starttls=false"
    assert re.search(r"^10025\s+inet\s.*smtpd$", (ROOT / "deploy/postfix/master.cf").read_text(), re.M)
    subnet = ipaddress.ip_network(spec["networks"]["default"]["ipam"]["config"][0]["subnet"])
    assert any(subnet.subnet_of(ipaddress.ip_network(n.strip("[]").replace("]/", "/")))
               for n in cf["mynetworks"].split() if ":" not in n)
    # The assistant is the one address relayed; the domain is Postfix's.
    env = baton_services()["smtp"]["environment"]
    recipients = (ROOT / "deploy/postfix/relay_recipients").read_text()
    assert re.search(rf"^{re.escape(env['BATON_ASSISTANT_ADDRESS'])}\s+OK$", recipients, re.M)
    assert env["BATON_ASSISTANT_ADDRESS"].endswith("@" + cf["mydomain"]) and env["BATON_DOMAINS"] == cf["mydomain"]


def test_the_milters_baton_trusts_are_the_ones_postfix_calls():
    spec = compose(PROD)
    cf = main_cf()
    authserv_id = baton_services()["smtp"]["environment"]["BATON_TRUSTED_AUTHSERV_ID"]
    assert authserv_id == cf["myhostname"]
    assert authserv_id.replace(".", "\\.") in (ROOT / "deploy/postfix/header_checks").read_text()
    milters = [m.strip() for m in cf["smtpd_milters"].split(",")]
    for milter, name in zip(milters, ("opendkim", "opendmarc"), strict=True):
        host, port = re.fullmatch(r"inet:([\w.-]+):(\d+)", milter).groups()
        assert host == name and host in spec["services"]
        conf = (ROOT / f"deploy/milters/{name}.conf").read_text()
        assert re.search(rf"^Socket\s+inet:{port}@", conf, re.M), name
        assert re.search(rf"^AuthservID\s+{re.escape(authserv_id)}$", conf, re.M), name
        assert port in " ".join(spec["services"][name]["healthcheck"]["test"])


def test_docs_show_exactly_the_files_the_postfix_test_runs():
    """docs/deploy.md embeds each file verbatim; the overrides tests/test_postfix.py applies are listed."""
    from tests.test_postfix import master_overrides, overrides
    doc = (ROOT / "docs/deploy.md").read_text()
    shown = dict(re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)\n```", doc, re.S))
    expected = [f"deploy/postfix/{n}" for n in POSTFIX_FILES] + [f"deploy/milters/{n}" for n in MILTER_FILES]
    assert sorted(shown) == sorted(expected)
    for path, text in shown.items():
        assert text == (ROOT / path).read_text().rstrip("\n"), f"docs/deploy.md shows an old {path}"
    for key in overrides(Path("/tmp"), dict.fromkeys(("baton", "internet", "milter"), 1)):
        assert f"`{key}`" in doc, key
    for key in master_overrides(dict.fromkeys(("mx", "relay"), 1)):
        service = key.rpartition("/")[0]
        assert f"`{service}`" in doc, key
    assert "BATON_OUTBOUND=smtp://postfix:10025?starttls=false" in doc
    assert "port: 9100" in doc and "names: [smtp, web, worker]" in doc  # the scrape config


def test_dockerfile_ships_every_installed_path_runs_as_non_root_and_has_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for path in project["tool"]["hatch"]["build"]["targets"]["wheel"]["only-include"]:
        if path.endswith(".py"):
            assert re.search(rf"^COPY .*\b{re.escape(path)}\b", text, re.M), f"Dockerfile misses {path}"
        else:
            assert re.search(rf"^COPY {path} {path}$", text, re.M), f"Dockerfile misses {path}/"
    assert re.search(r"^COPY .*\balembic\.ini\b", text, re.M)
    assert "pip wheel" in text and "pip install /dist/*.whl" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert project["project"]["scripts"]["baton"] == "server:cli"


def test_the_docs_give_the_dkim_key_to_the_images_user():
    """Outside swarm mode compose mounts a file secret with the host's owner and mode (0600 from
    openssl), so a key left to root stops every role at start with "Permission denied"."""
    uid = re.search(r"useradd .*--uid (\d+) (\w+)", (ROOT / "Dockerfile").read_text())
    assert uid, "the Dockerfile creates its user with a fixed uid"
    secret = compose(PROD)["secrets"]["dkim_key"]["file"].removeprefix("./")
    docs = (ROOT / "docs/deploy.md").read_text()
    assert f"openssl genrsa -out {secret}" in docs
    assert re.search(rf"chown {uid[1]}\S* {re.escape(secret)}", docs), "the docs leave the key unreadable"
