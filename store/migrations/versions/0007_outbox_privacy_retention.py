"""outbox bytes may go once delivered (they hold live link tokens); outbox keys outlive the
retention purge of outbox rows; intros record when their personal data was purged

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=True)
    op.create_table('outbox_keys',
    sa.Column('dedup_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('dedup_key')
    )
    op.execute("INSERT INTO outbox_keys (dedup_key, created_at) SELECT dedup_key, created_at FROM outbox")
    # Bytes of mail already delivered or given up: nothing sends them again, and they hold live links.
    op.execute("UPDATE outbox SET raw = NULL WHERE status IN ('sent', 'failed', 'suppressed', 'bounced')")
    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    op.drop_table('outbox_keys')
    op.execute("UPDATE outbox SET raw = '' WHERE raw IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=False)
