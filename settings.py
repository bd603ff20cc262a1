"""Baton's settings, read from BATON_* environment variables and a `.env` file.

Everything configurable lives here so that a bad value stops start-up with one line
naming it, before any socket is opened.

Every command line loads them, so loading is cheap: values in their plain form ('2525', '2.5',
'true', a word from the list) are read here, and anything else goes to pydantic, which reads it
its lax way (' 2525 ', '2.0', 'YES') or words the error. Importing pydantic and building its
model cost each command ~0.15 s, and pydantic-settings' many sources (command line, secrets,
JSON, YAML, cloud vaults) ~0.2 s more, for the one source Baton uses; so values and messages
are pydantic's, as before, without the wait.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from types import NoneType
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

log = logging.getLogger("baton.settings")


class SettingsError(Exception):
    """A setting is wrong, or what it points at cannot be used (a busy port, an unreadable file,
    a database out of reach): the message names the setting to change and fits on one line."""


class CombinedSettingsError(ValueError):
    """Settings that are each fine but do not fit together; names them all."""

    def __init__(self, names: tuple[str, ...], why: str) -> None:
        super().__init__(why)
        self.names = names
        self.why = why


ENV_PREFIX = "BATON_"
ENV_FILE = Path(".env")  # in the working directory


@dataclass
class Settings:
    """Every setting and its default (`Settings()`); `load()` reads them and checks them."""

    # The address the README, the fixtures and the demo write to, so that they work as they are.
    assistant_address: str = "intro@baton.example"
    assistant_name: str = "Baton"
    # Comma-separated; empty means the assistant address's own domain.
    domains: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = ""
    # With split roles each process counts its own work: 0 (off) or a port on BATON_WEB_HOST where
    # this process serves /metrics and /healthz, whatever its role (the web role also has them on its port).
    metrics_port: int = 0
    var_dir: Path = Path("var")
    database_url: str = "sqlite:///var/baton.db"
    max_message_bytes: int = 25 * 1024 * 1024
    max_recipients: int = 20
    smtp_timeout_seconds: int = 120  # an SMTP session idle this long is answered 421 and closed
    # Concurrent SMTP sessions per listener process (each process sharing a port has its own), in
    # all and per client address (IPv6: per /64); one more is answered 421 4.7.0 and closed.
    smtp_max_sessions: int = 200
    smtp_max_sessions_per_client: int = 20
    smtp_reuse_port: bool = False  # SO_REUSEPORT: several `server.py smtp` processes share BATON_SMTP_PORT
    outbound: str = "maildir:var/outbox"
    secret_key: str = ""
    # aligned: act only for an aligned SPF or DKIM pass; allowlist: also on BATON_ALLOWED_SENDERS;
    # open: act for anyone (development only, logged loudly at start).
    sender_policy: Literal["aligned", "allowlist", "open"] = "aligned"
    allowed_senders: str = ""  # comma-separated addresses or domains
    trusted_authserv_id: str = ""  # set when an MTA in front verifies mail and adds Authentication-Results
    # In-process verification's DNS: comma-separated servers (IP or IP:port), empty for resolv.conf;
    # all lookups of one message together get at most dns_budget_seconds (then temperror).
    dns_nameservers: str = ""
    dns_budget_seconds: float = 10.0
    llm_api_key: str = ""  # empty: the LLM is off and no message content leaves the machine
    llm_base_url: str = ""
    llm_model: str = ""
    llm_timeout_seconds: float = 30.0
    tls_cert_file: Path | None = None  # with the key: STARTTLS offered on the listener
    tls_key_file: Path | None = None
    dkim_selector: str = ""
    dkim_key_file: Path | None = None
    # Raw messages are deleted this long after they were received; sent mail, finished jobs and
    # settled intros' personal data too, but never before the longest cap window (worker/retention.py).
    retention_days: int = 30
    token_ttl_days: int = 14
    review_reminder_days: float = 2
    party_reminder_days: float = 3
    expire_days: float = 7
    nudge_days: float = 1
    followup_days: float = 7
    contact_requests_per_30_days: int = 3
    daily_cap_per_sender: int = 20  # drafts and notes to one mailbox per 24 hours
    daily_cap_total: int = 1000  # all outgoing mail per 24 hours
    # One sender domain may cause at most this share of BATON_DAILY_CAP_TOTAL per 24 hours, so that
    # one domain cannot use up everyone's allowance; Baton's own domains are exempt.
    daily_cap_domain_percent: int = 10
    # Mail over a cap waits for the window to open; what waited longer than this is recorded
    # rate_limited (kept, analysed, never answered).
    cap_max_wait_days: float = 3
    # Domains whose local parts ignore dots (Gmail), for comparing addresses as mailboxes.
    dot_insensitive_domains: str = "gmail.com,googlemail.com"
    # A message from the same sender with the same words as one answered this recently gets no
    # second answer (autoresponders answering Baton's mail).
    repeat_window_days: float = 7
    worker_poll_seconds: float = 1.0
    # A claimed message, job or email is another worker's to take after this long (its worker died).
    # Keep it above the relay's 30 s timeout, or a slow send may be sent again by a second worker.
    worker_lease_seconds: int = 300
    worker_max_attempts: int = 5
    # Messages processed at once per worker process, so one slow message never holds the queue;
    # one that takes longer than worker_message_seconds is marked failed with that reason.
    worker_concurrency: int = 4
    worker_message_seconds: float = 60.0
    # How much lower than the listener the threads analysing messages run (Linux nice, 0-19):
    # accepting mail must not wait behind answering it; a backlog is worked off when intake is idle.
    worker_nice: int = 10
    fixtures_dir: Path = Path("../shared/fixtures")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @property
    def assistant_local(self) -> str:
        return self.assistant_address.rpartition("@")[0]

    @property
    def assistant_domain(self) -> str:
        return self.assistant_address.rpartition("@")[2]

    @property
    def domain_list(self) -> list[str]:
        listed = [d.strip().lower() for d in self.domains.split(",") if d.strip()]
        return listed or [self.assistant_domain]

    @property
    def dot_insensitive_domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.dot_insensitive_domains.split(",") if d.strip()]


# The checks of one value each, in its field's type: the value, perhaps normalised, or a
# ValueError saying what is wrong (the second half of the one-line message).

def _address(v: str) -> str:
    v = v.strip()
    local, sep, domain = v.rpartition("@")
    if not sep or not local or not domain or "+" in local or any(c in v for c in " <>,;"):
        raise ValueError("must be a plain address like intro@example.com")
    return v.lower()


def _port(v: int) -> int:
    if not 0 <= v <= 65535:
        raise ValueError("must be a port number (0-65535)")
    return v


def _positive(v: int) -> int:
    if v < 1:
        raise ValueError("must be at least 1")
    return v


def _percent(v: int) -> int:
    if not 1 <= v <= 100:
        raise ValueError("must be a percentage (1-100)")
    return v


def _nice(v: int) -> int:
    if not 0 <= v <= 19:
        raise ValueError("must be a nice increment (0-19; 0 runs the worker at the listener's priority)")
    return v


def _seconds(v: float) -> float:
    if v <= 0:
        raise ValueError("must be more than 0 seconds")
    return v


def _database(v: str) -> str:
    if not v.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
        raise ValueError("must be sqlite:///PATH or postgresql://...")
    if v.startswith("postgresql://"):  # psycopg 3 is the driver we ship
        v = "postgresql+psycopg://" + v[len("postgresql://"):]
    return v


def _outbound(v: str) -> str:
    scheme = v.split(":", 1)[0]
    if scheme == "maildir" and len(v) > len("maildir:"):
        return v
    if scheme in ("smtp", "smtps") and urlsplit(v).hostname:
        return v
    raise ValueError("must be maildir:PATH or smtp://user:pass@host:587?starttls=true")


def _key_file(v: Path | None) -> Path | None:
    if v is not None and not v.is_file():
        raise ValueError(f"no such file: {v}")
    return v


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "assistant_address": _address,
    **dict.fromkeys(("smtp_port", "web_port", "metrics_port"), _port),
    **dict.fromkeys(("max_message_bytes", "max_recipients", "worker_max_attempts", "smtp_timeout_seconds",
                     "worker_lease_seconds", "worker_concurrency", "smtp_max_sessions",
                     "smtp_max_sessions_per_client"), _positive),
    "daily_cap_domain_percent": _percent,
    "worker_nice": _nice,
    **dict.fromkeys(("dns_budget_seconds", "worker_message_seconds"), _seconds),
    "database_url": _database,
    "outbound": _outbound,
    **dict.fromkeys(("dkim_key_file", "tls_cert_file", "tls_key_file"), _key_file),
}


def _fit_together(s: Any) -> None:
    """Fills in the public URL and checks the settings that are set in pairs, once each value is fine."""
    if not s.public_url:
        s.public_url = f"http://{s.web_host}:{s.web_port}"
    s.public_url = s.public_url.rstrip("/")
    if bool(s.tls_cert_file) != bool(s.tls_key_file):
        raise CombinedSettingsError(("BATON_TLS_CERT_FILE", "BATON_TLS_KEY_FILE"), "set both or neither")
    if bool(s.dkim_selector) != bool(s.dkim_key_file):
        raise CombinedSettingsError(("BATON_DKIM_SELECTOR", "BATON_DKIM_KEY_FILE"), "set both or neither")


def _from_environment() -> dict[str, str]:
    """Each setting's value from `.env` then the environment (which wins), by field name.

    As pydantic-settings read them: names in any case (BATON_SMTP_PORT or baton_smtp_port),
    values as given (`load` parses them), a `.env` line without a value ignored."""
    found: dict[str, str] = {}
    if ENV_FILE.is_file() or ENV_FILE.is_fifo():
        from dotenv import dotenv_values  # only when there is a file to read

        found.update(_settings_in(dotenv_values(ENV_FILE, encoding="utf-8")))
    found.update(_settings_in(os.environ))
    return found


def _settings_in(variables: Mapping[str, str | None]) -> dict[str, str]:
    prefix = ENV_PREFIX.lower()
    named = ((name.lower().removeprefix(prefix), value) for name, value in variables.items()
             if name.lower().startswith(prefix) and value is not None)
    return {field: value for field, value in named if field in _types()}


@cache
def _types() -> dict[str, Any]:
    return get_type_hints(Settings)


def load(**overrides) -> Settings:
    """Settings from the environment; raises SettingsError naming the first bad one.

    Values given here win over BATON_* variables, which win over the `.env` file. Defaults are
    checked too (assistant_address is lowercased, a key file must exist); names that are no
    setting are ignored."""
    values = {**_from_environment(), **overrides}
    return _read_plainly(values) or _read_by_pydantic(values)


_NOT_PLAIN = object()
_INTEGER = re.compile(r"0|[1-9][0-9]{0,17}")
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?")
_BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "on": True, "off": False}


def _plain(kind: Any, v: Any) -> Any:
    """`v` as a `kind` when it is in a form pydantic reads the same way ('25', '2.5', 'true', an
    int for a float); _NOT_PLAIN otherwise."""
    if get_origin(kind) is Literal:
        return v if type(v) is str and v in get_args(kind) else _NOT_PLAIN
    if NoneType in get_args(kind):  # Path | None
        return None if v is None else _plain(Path, v)
    if kind is str:
        return v if type(v) is str else _NOT_PLAIN
    if kind is Path:
        return v if isinstance(v, Path) else Path(v) if type(v) is str else _NOT_PLAIN
    if kind is bool:
        return v if type(v) is bool else _BOOLEAN.get(v, _NOT_PLAIN) if type(v) is str else _NOT_PLAIN
    if kind is int:
        return v if type(v) is int else int(v) if type(v) is str and _INTEGER.fullmatch(v) else _NOT_PLAIN
    if kind is float:
        plain = type(v) in (int, float) or type(v) is str and _DECIMAL.fullmatch(v)
        return float(v) if plain else _NOT_PLAIN
    return _NOT_PLAIN


def _read_plainly(values: Mapping[str, Any]) -> Settings | None:
    """The settings when every value is plain and passes its checks; None sends them to pydantic,
    for the values it alone reads or the message of the first error."""
    read = {}
    for field in fields(Settings):
        v = _plain(_types()[field.name], values.get(field.name, field.default))
        if v is _NOT_PLAIN:
            return None
        read[field.name] = v
    try:
        for name, check in _CHECKS.items():
            read[name] = check(read[name])
        settings = Settings(**read)
        _fit_together(settings)
    except ValueError:
        return None
    return settings


def _read_by_pydantic(values: Mapping[str, Any]) -> Settings:
    """pydantic's model of Settings, with the same checks, reads the values or says which is bad."""
    from pydantic import ConfigDict, ValidationError, create_model, field_validator, model_validator

    def validator(name: str, check: Callable[[Any], Any]) -> Any:
        return field_validator(name)(lambda cls, v: check(v))

    def after(model: Any) -> Any:
        _fit_together(model)
        return model

    validators = {f"check_{name}": validator(name, check) for name, check in _CHECKS.items()}
    validators["fit_together"] = model_validator(mode="after")(after)
    defined: dict[str, Any] = {f.name: (_types()[f.name], f.default) for f in fields(Settings)}
    model = create_model("Settings", __config__=ConfigDict(extra="ignore", validate_default=True),
                         __validators__=validators, **defined)
    try:
        checked = model(**values)
    except ValidationError as e:
        raise SettingsError(_describe(e.errors()[0])) from None
    return Settings(**{f.name: getattr(checked, f.name) for f in fields(Settings)})


def _describe(err: ErrorDetails) -> str:
    """One line for pydantic's first error: the variable's name and what is wrong with it."""
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, CombinedSettingsError):
        return f"bad settings {' and '.join(cause.names)}: {cause.why}"
    why = err["msg"].removeprefix("Value error, ")
    if err["loc"]:
        return f"bad setting BATON_{str(err['loc'][0]).upper()}: {why}"
    return f"bad settings: {why}"


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def database_error(url: str, exc: BaseException) -> SettingsError:
    """A database that cannot be opened or reached, named for the user (never its password)."""
    if isinstance(exc, OSError) and exc.strerror:
        why = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        why = lines[0] if lines else type(exc).__name__
    server = "" if url.startswith("sqlite:") else " and that the database server is running"
    return SettingsError(f"cannot use the database {_hide_password(url)} ({why}); check BATON_DATABASE_URL{server}")


def prepare_directories(settings: Settings) -> None:
    """Creates the folders Baton writes to, or says which setting points at an unusable one."""
    folders = [("BATON_VAR_DIR", settings.var_dir)]
    if settings.database_url.startswith("sqlite:///") and ":memory:" not in settings.database_url:
        folders.append(("BATON_DATABASE_URL", Path(settings.database_url[len("sqlite:///"):].split("?")[0]).parent))
    if settings.outbound.startswith("maildir:"):
        folders.append(("BATON_OUTBOUND", Path(settings.outbound[len("maildir:"):])))
    for name, folder in folders:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # private: it holds personal data
        except OSError as e:
            raise SettingsError(f"bad setting {name}: cannot create the folder {folder} ({e.strerror})") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SettingsError(f"bad setting {name}: the folder {folder} is not writable")


def secret_key(settings: Settings) -> str:
    """The configured key, or one generated once and kept in var/ (with a warning)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.var_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.touch(mode=0o600)
        path.write_text(key)
    except OSError as e:
        raise SettingsError(f"bad setting BATON_VAR_DIR: cannot keep the secret key in {path} ({e.strerror}); "
                            "point it at a writable folder or set BATON_SECRET_KEY") from None
    log.warning("BATON_SECRET_KEY is not set; generated one in %s (set it in production)", path)
    return key
