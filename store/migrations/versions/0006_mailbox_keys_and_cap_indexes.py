"""mailbox keys, cap indexes and message fingerprints (issue 18 findings 3, 6, 10; issue 17)

Adds the normalised mailbox key beside every address that caps, suppressions and "asked once"
compare, the sender domain each outgoing email is charged to, the indexes the daily caps read
through, and the fingerprint of answered messages. Existing rows are backfilled; a suppression
(kept only as a hash) is copied to its mailbox key wherever the address is still known.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
import hashlib

import sqlalchemy as sa
from alembic import op

import mailboxes

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_inbound_messages_fingerprint', ['fingerprint', 'received_at'], unique=False)
    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referrer_key', sa.String(length=320), nullable=True))
        batch_op.create_index('ix_intros_referrer_key', ['referrer_key'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_key', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('sender_domain', sa.String(length=255), nullable=True))
        batch_op.create_index('ix_outbox_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_recipient_key', ['recipient_key', 'created_at'], unique=False)
        batch_op.create_index('ix_outbox_sender_domain', ['sender_domain', 'created_at'], unique=False)
    with op.batch_alter_table('intro_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=320), nullable=True))
        batch_op.create_index('ix_intro_parties_email_key', ['email_key'], unique=False)
    _backfill(op.get_bind())


def _key(address):
    return mailboxes.key(address) if address else None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()


def _update(conn, table, column, rows) -> None:
    """rows: (id, value) pairs, written in batches."""
    stmt = sa.text(f'UPDATE {table} SET {column} = :v WHERE id = :i')
    rows = list(rows)
    for start in range(0, len(rows), _BATCH):
        conn.execute(stmt, [{'i': i, 'v': v} for i, v in rows[start:start + _BATCH]])


def _backfill(conn) -> None:
    intros = conn.execute(sa.text('SELECT id, referrer_email, pin_email, contact_email FROM intros')).all()
    _update(conn, 'intros', 'referrer_key', ((r.id, _key(r.referrer_email)) for r in intros if r.referrer_email))
    referrer = {r.id: r.referrer_email for r in intros}
    parties = conn.execute(sa.text('SELECT id, email FROM intro_parties')).all()
    _update(conn, 'intro_parties', 'email_key', ((r.id, _key(r.email)) for r in parties))
    mails = conn.execute(sa.text('SELECT id, intro_id, recipient FROM outbox')).all()
    _update(conn, 'outbox', 'recipient_key', ((r.id, _key(r.recipient)) for r in mails))
    # Mail of an intro is charged to its referrer's domain; an answer to a message, to its recipient's.
    _update(conn, 'outbox', 'sender_domain',
            ((r.id, mailboxes.domain(referrer.get(r.intro_id) if r.intro_id else r.recipient)) for r in mails))
    known = {a for r in intros for a in (r.referrer_email, r.pin_email, r.contact_email) if a}
    known |= {r.email for r in parties} | {r.recipient for r in mails}
    suppressed = dict(conn.execute(sa.text('SELECT address_hash, reason FROM suppressions')).all())
    created = {}
    for address in known:
        reason = suppressed.get(_hash(address.strip().lower()))
        keyed = _hash(mailboxes.key(address))
        if reason and keyed not in suppressed:
            created[keyed] = reason
    if created:
        conn.execute(sa.text("INSERT INTO suppressions (address_hash, reason, created_at) "
                             "VALUES (:h, :r, CURRENT_TIMESTAMP)"),
                     [{'h': h, 'r': r} for h, r in created.items()])


def downgrade() -> None:
    with op.batch_alter_table('intro_parties', schema=None) as batch_op:
        batch_op.drop_index('ix_intro_parties_email_key')
        batch_op.drop_column('email_key')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_sender_domain')
        batch_op.drop_index('ix_outbox_recipient_key')
        batch_op.drop_index('ix_outbox_created_at')
        batch_op.drop_column('sender_domain')
        batch_op.drop_column('recipient_key')
    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.drop_index('ix_intros_referrer_key')
        batch_op.drop_column('referrer_key')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_messages_fingerprint')
        batch_op.drop_column('fingerprint')
