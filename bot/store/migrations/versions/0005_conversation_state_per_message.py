"""the conversation's state after each message (slots), and its newest message by index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL on the messages stored before: their state is read from order_id and intent
    with op.batch_alter_table('buyer_messages') as batch:
        batch.add_column(sa.Column('slots', sa.JSON(), nullable=True))
        batch.create_index('ix_buyer_messages_conversation_newest', ['conversation_id', 'id'])


def downgrade() -> None:
    with op.batch_alter_table('buyer_messages') as batch:
        batch.drop_index('ix_buyer_messages_conversation_newest')
        batch.drop_column('slots')
