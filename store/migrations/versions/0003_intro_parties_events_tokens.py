"""intro parties events tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

def upgrade() -> None:

    op.create_table('intro_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('intro_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('why', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['intro_id'], ['intros.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('intro_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intro_events_intro_id'), ['intro_id'], unique=False)

    op.create_table('intro_parties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('intro_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('reply_key', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['intro_id'], ['intros.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('intro_id', 'role'),
    sa.UniqueConstraint('reply_key')
    )
    op.create_table('tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('intro_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['intro_id'], ['intros.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tokens_intro_id'), ['intro_id'], unique=False)

    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hide_contact_until_yes', sa.Boolean(), server_default='0', nullable=False))

def downgrade() -> None:

    with op.batch_alter_table('intros', schema=None) as batch_op:
        batch_op.drop_column('hide_contact_until_yes')

    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_intro_id'))

    op.drop_table('tokens')
    op.drop_table('intro_parties')
    with op.batch_alter_table('intro_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intro_events_intro_id'))

    op.drop_table('intro_events')

