"""Baton's settings, read from BATON_* environment variables and a `.env` file.

Everything configurable lives here so that a bad value stops start-up with one line
naming it, before any socket is opened.

A plain pydantic model reads the variables (`_from_environment`), not pydantic-settings: its
sources (command line, secrets, JSON, YAML, cloud vaults) and what they import cost every
command line ~0.2 s at start, for the one source Baton uses. pydantic still validates every
value, so each value and each error message is what it was.
"""
from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

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


class Settings(BaseModel):
    # Defaults are validated too (assistant_address is lowercased, a key file checked), as
    # pydantic-settings did; variables that name no setting are ignored.
    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        """Values given here win over BATON_* variables, which win over the `.env` file."""
        super().__init__(**{**_from_environment(), **values})

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

    @field_validator("assistant_address")
    @classmethod
    def _address(cls, v: str) -> str:
        v = v.strip()
        local, sep, domain = v.rpartition("@")
        if not sep or not local or not domain or "+" in local or any(c in v for c in " <>,;"):
            raise ValueError("must be a plain address like intro@example.com")
        return v.lower()

    @field_validator("smtp_port", "web_port", "metrics_port")
    @classmethod
    def _port(cls, v: int) -> int:
        if not 0 <= v <= 65535:
            raise ValueError("must be a port number (0-65535)")
        return v

    @field_validator("max_message_bytes", "max_recipients", "worker_max_attempts", "smtp_timeout_seconds",
                     "worker_lease_seconds", "worker_concurrency", "smtp_max_sessions",
                     "smtp_max_sessions_per_client")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be at least 1")
        return v

    @field_validator("daily_cap_domain_percent")
    @classmethod
    def _percent(cls, v: int) -> int:
        if not 1 <= v <= 100:
            raise ValueError("must be a percentage (1-100)")
        return v

    @field_validator("worker_nice")
    @classmethod
    def _nice(cls, v: int) -> int:
        if not 0 <= v <= 19:
            raise ValueError("must be a nice increment (0-19; 0 runs the worker at the listener's priority)")
        return v

    @field_validator("dns_budget_seconds", "worker_message_seconds")
    @classmethod
    def _seconds(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be more than 0 seconds")
        return v

    @field_validator("database_url")
    @classmethod
    def _database(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("must be sqlite:///PATH or postgresql://...")
        if v.startswith("postgresql://"):  # psycopg 3 is the driver we ship
            v = "postgresql+psycopg://" + v[len("postgresql://"):]
        return v

    @field_validator("outbound")
    @classmethod
    def _outbound(cls, v: str) -> str:
        scheme = v.split(":", 1)[0]
        if scheme == "maildir" and len(v) > len("maildir:"):
            return v
        if scheme in ("smtp", "smtps") and urlsplit(v).hostname:
            return v
        raise ValueError("must be maildir:PATH or smtp://user:pass@host:587?starttls=true")

    @field_validator("dkim_key_file", "tls_cert_file", "tls_key_file")
    @classmethod
    def _key_file(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"no such file: {v}")
        return v

    @model_validator(mode="after")
    def _public_url(self) -> Settings:
        if not self.public_url:
            self.public_url = f"http://{self.web_host}:{self.web_port}"
        self.public_url = self.public_url.rstrip("/")
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise CombinedSettingsError(("BATON_TLS_CERT_FILE", "BATON_TLS_KEY_FILE"), "set both or neither")
        if bool(self.dkim_selector) != bool(self.dkim_key_file):
            raise CombinedSettingsError(("BATON_DKIM_SELECTOR", "BATON_DKIM_KEY_FILE"), "set both or neither")
        return self

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


def _from_environment() -> dict[str, str]:
    """Each setting's value from `.env` then the environment (which wins), by field name.

    As pydantic-settings read them: names in any case (BATON_SMTP_PORT or baton_smtp_port),
    values as given (pydantic parses them), a `.env` line without a value ignored."""
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
    return {field: value for field, value in named if field in Settings.model_fields}


def load(**overrides) -> Settings:
    """Settings from the environment; raises SettingsError naming the first bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        raise SettingsError(_describe(e.errors()[0])) from None


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
