"""what each buyer message was understood as in its conversation (sub-topic, carried
context, item in question, mood) and what each suggestion answers (its label)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('buyer_messages') as batch:
        batch.add_column(sa.Column('context', sa.JSON(), nullable=True))
    with op.batch_alter_table('suggestions') as batch:
        batch.add_column(sa.Column('label', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('suggestions') as batch:
        batch.drop_column('label')
    with op.batch_alter_table('buyer_messages') as batch:
        batch.drop_column('context')
