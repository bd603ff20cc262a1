"""one word per meaning: a party's answer to "did you connect?" is its `followup`, and the link
that asks it has the purpose `followup` ("outcome" is what the worker did with a message)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('intro_parties', schema=None) as batch_op:
        batch_op.alter_column('outcome', new_column_name='followup')
    op.execute("UPDATE tokens SET purpose = 'followup' WHERE purpose = 'outcome'")


def downgrade() -> None:
    op.execute("UPDATE tokens SET purpose = 'outcome' WHERE purpose = 'followup'")
    with op.batch_alter_table('intro_parties', schema=None) as batch_op:
        batch_op.alter_column('followup', new_column_name='outcome')
