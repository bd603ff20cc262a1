"""Baton's settings, read from BATON_* environment variables and a `.env` file.

Everything configurable lives here so that a bad value stops start-up with one line
naming it, before any socket is opened.
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger("baton.settings")


class SettingsError(Exception):
    """A setting is wrong; the message names it and fits on one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BATON_", env_file=".env", extra="ignore")

    assistant_address: str = "intro@localhost"
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
    smtp_timeout_seconds: int = 120
    outbound: str = "maildir:var/outbox"
    secret_key: str = ""
    # aligned: act only for an aligned SPF or DKIM pass; allowlist: also on BATON_ALLOWED_SENDERS;
    # open: act for anyone (development only, logged loudly at start).
    sender_policy: Literal["aligned", "allowlist", "open"] = "aligned"
    allowed_senders: str = ""  # comma-separated addresses or domains
    trusted_authserv_id: str = ""  # set when an MTA in front verifies mail and adds Authentication-Results
    llm_api_key: str = ""  # empty: the LLM is off and no message content leaves the machine
    llm_base_url: str = ""
    llm_model: str = ""
    llm_timeout_seconds: float = 30.0
    tls_cert_file: Path | None = None  # with the key: STARTTLS offered on the listener
    tls_key_file: Path | None = None
    dkim_selector: str = ""
    dkim_key_file: Path | None = None
    retention_days: int = 30  # raw messages are deleted this long after they were received
    token_ttl_days: int = 14
    review_reminder_days: float = 2
    party_reminder_days: float = 3
    expire_days: float = 7
    nudge_days: float = 1
    followup_days: float = 7
    contact_requests_per_30_days: int = 3
    daily_cap_per_sender: int = 20  # drafts and notes to one person per 24 hours
    daily_cap_total: int = 1000  # all outgoing mail per 24 hours
    worker_poll_seconds: float = 1.0
    worker_lease_seconds: int = 300
    worker_max_attempts: int = 5
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

    @field_validator("max_message_bytes", "max_recipients", "worker_max_attempts", "smtp_timeout_seconds")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be at least 1")
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
            raise ValueError("BATON_TLS_CERT_FILE and BATON_TLS_KEY_FILE go together")
        if bool(self.dkim_selector) != bool(self.dkim_key_file):
            raise ValueError("BATON_DKIM_SELECTOR and BATON_DKIM_KEY_FILE go together")
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


def load(**overrides) -> Settings:
    """Settings from the environment; raises SettingsError naming the first bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        err = e.errors()[0]
        name = "BATON_" + str(err["loc"][0]).upper() if err["loc"] else "BATON settings"
        raise SettingsError(f"bad setting {name}: {err['msg']}") from None


def secret_key(settings: Settings) -> str:
    """The configured key, or one generated once and kept in var/ (with a warning)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    log.warning("BATON_SECRET_KEY is not set; generated one in %s (set it in production)", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
