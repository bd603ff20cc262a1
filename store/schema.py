"""Baton's tables (SQLAlchemy Core). Alembic migrations in store/migrations mirror this file."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import DateTime, TypeDecorator

metadata = MetaData()

# SQLite has no BIGINT autoincrement; PostgreSQL should not run out of ids.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite keeps no offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use store.clock")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


inbound_messages = Table(
    "inbound_messages", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # Same Message-ID and sender (or same bytes when there is no Message-ID) is one message.
    Column("dedup_key", String(64), nullable=False, unique=True),
    Column("message_id", Text),
    Column("mail_from", Text, nullable=False),  # "" is the null reverse-path <>
    Column("rcpt_tos", JSON, nullable=False),
    Column("peer", String(255)),
    Column("helo", String(255)),
    Column("received_at", UTCDateTime, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("raw", LargeBinary),  # kept until the retention purge
    # received -> processing -> processed | failed
    Column("status", String(16), nullable=False, server_default="received"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("available_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("processed_at", UTCDateTime),
    Column("analysis", JSON),
    # The sender's mailbox and own words, hashed, on messages Baton answered: a repeat within the
    # window (an autoresponder's ping-pong) gets no second answer (issue 18, finding 10).
    Column("fingerprint", String(64)),
)
Index("ix_inbound_messages_claim", inbound_messages.c.status, inbound_messages.c.available_at)
# A reply cites its thread's Message-IDs: the intro the thread started is found by them.
Index("ix_inbound_messages_message_id", inbound_messages.c.message_id)
Index("ix_inbound_messages_fingerprint", inbound_messages.c.fingerprint, inbound_messages.c.received_at)

# One intro per hand-off message; `key` is the random part of intro+KEY@ that ties replies to it.
intros = Table(
    "intros", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(32), nullable=False, unique=True),
    Column("message_id", Id, nullable=False, unique=True),  # the inbound message it came from
    Column("kind", String(32), nullable=False),
    # draft -> requested -> connected -> followed_up -> closed; declined, expired, cancelled
    Column("state", String(16), nullable=False, server_default="draft"),
    Column("referrer_email", Text),
    Column("referrer_key", String(320)),  # mailboxes.key(referrer_email): "has used Baton" compares it
    Column("pin_email", Text),
    Column("contact_email", Text),
    Column("draft", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The referrer may keep the contact's name from the PIN until the contact has said yes.
    Column("hide_contact_until_yes", Boolean, nullable=False, server_default="0"),
    # Set when the retention purge removed the draft's and the parties' personal data.
    Column("purged_at", UTCDateTime),
)
Index("ix_intros_referrer_key", intros.c.referrer_key)

# Mail to send. Written in the same transaction as the record it belongs to (a transactional
# outbox); `dedup_key` (intro or message, purpose, recipient) makes every email go out once.
outbox = Table(
    "outbox", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), nullable=False, unique=True),
    Column("intro_id", Id),
    Column("purpose", String(32), nullable=False),
    Column("recipient", Text, nullable=False),
    # Caps count by mailbox (mailboxes.key) and charge each email to the sender domain whose message
    # or intro caused it, so that one domain cannot use up everyone's daily allowance.
    Column("recipient_key", String(320)),
    Column("sender_domain", String(255)),
    Column("bounce_key", String(32), nullable=False, unique=True),  # envelope sender intro+bounce-KEY@
    Column("raw", LargeBinary),  # NULL once sent or failed: it holds live link tokens
    # pending -> sending -> sent | failed | suppressed; sent -> bounced (a delivery report came back)
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("available_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
)
Index("ix_outbox_claim", outbox.c.status, outbox.c.available_at)
# The daily caps read only the last 24 hours through these (tests/test_fair_limits.py reads the plans).
Index("ix_outbox_created_at", outbox.c.created_at)
Index("ix_outbox_recipient_key", outbox.c.recipient_key, outbox.c.created_at)
Index("ix_outbox_sender_domain", outbox.c.sender_domain, outbox.c.created_at)

# Every dedup_key the outbox was ever given. Outbox rows are deleted after the retention window;
# their keys stay here, so a mail queued again years later is still recognised and not sent.
outbox_keys = Table(
    "outbox_keys", metadata,
    Column("dedup_key", String(64), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Addresses Baton must not write to again (hard bounces, declines); kept hashed.
suppressions = Table(
    "suppressions", metadata,
    Column("address_hash", String(64), primary_key=True),
    Column("reason", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# The two people asked to opt in: one row each, with their decision.
intro_parties = Table(
    "intro_parties", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("intro_id", Id, ForeignKey("intros.id"), nullable=False),
    Column("role", String(16), nullable=False),  # contact | pin
    Column("name", Text),
    Column("email", Text, nullable=False),
    Column("email_key", String(320)),  # mailboxes.key(email): the per-contact caps compare it
    Column("reply_key", String(32), nullable=False, unique=True),  # intro+KEY@ for this person's replies
    Column("decision", String(16), nullable=False, server_default="pending"),  # pending | yes | not_now | no
    Column("note", Text),
    Column("answers", JSON),  # the PIN's prep answers
    Column("decided_at", UTCDateTime),
    Column("followup", String(16)),  # the answer to "did you connect?": met | not_yet | no_luck
    UniqueConstraint("intro_id", "role"),
)
Index("ix_intro_parties_email_key", intro_parties.c.email_key)

# The audit trail: every state change and decision, who made it and why.
intro_events = Table(
    "intro_events", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("intro_id", Id, ForeignKey("intros.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(32), nullable=False),  # referrer | contact | pin | baton
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("why", Text, nullable=False),
)

# Links in mail: random, stored only as a SHA-256, one per person and purpose, expiring.
tokens = Table(
    "tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("intro_id", Id, ForeignKey("intros.id"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # model.LinkPurpose
    Column("role", String(16), nullable=False),  # referrer | contact | pin
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# Scheduled work for intros (reminders, expiry, follow-ups). `dedup_key` (intro, kind, step)
# means two workers can never schedule, and so never send, the same nudge twice.
jobs = Table(
    "jobs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), nullable=False, unique=True),
    Column("intro_id", Id, ForeignKey("intros.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("step", String(32), nullable=False),  # e.g. the party a reminder is for
    # pending -> running -> done | cancelled | failed
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("available_at", UTCDateTime, nullable=False),  # due time
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_jobs_due", jobs.c.status, jobs.c.available_at)
