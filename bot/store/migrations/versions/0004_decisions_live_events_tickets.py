"""message states, one reply per suggestion and per message, live events, stream tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_STATES = ('open', 'answered', 'handled', 'skipped')


def upgrade() -> None:
    with op.batch_alter_table('buyer_messages') as batch:
        batch.add_column(sa.Column('state', sa.Enum(*_STATES, name='messagestate', native_enum=False,
                                                    length=16),
                                   nullable=False, server_default='open'))
        batch.add_column(sa.Column('settled_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('settled_by_reply_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('settled_note', sa.String(length=200), nullable=True))
        batch.create_index('ix_buyer_messages_conversation_state', ['conversation_id', 'state'])
    with op.batch_alter_table('replies') as batch:
        batch.add_column(sa.Column('answers_message_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_replies_answers_message', 'buyer_messages',
                                 ['answers_message_id'], ['id'])
        batch.create_unique_constraint('uq_replies_suggestion', ['suggestion_id'])
        batch.create_unique_constraint('uq_replies_answers_message', ['answers_message_id'])
    # messages answered before states existed: every message up to an agent's reply
    op.execute("UPDATE buyer_messages SET state = 'answered' WHERE EXISTS ("
               "SELECT 1 FROM replies r WHERE r.conversation_id = buyer_messages.conversation_id"
               " AND r.approved_by IS NOT NULL AND r.message_id >= buyer_messages.id)")
    op.create_table('live_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_live_events_shop_id'), 'live_events', ['shop_id'], unique=False)
    op.create_table('stream_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_hash')
    )


def downgrade() -> None:
    op.drop_table('stream_tickets')
    op.drop_index(op.f('ix_live_events_shop_id'), table_name='live_events')
    op.drop_table('live_events')
    with op.batch_alter_table('replies') as batch:
        batch.drop_constraint('uq_replies_answers_message', type_='unique')
        batch.drop_constraint('uq_replies_suggestion', type_='unique')
        batch.drop_constraint('fk_replies_answers_message', type_='foreignkey')
        batch.drop_column('answers_message_id')
    with op.batch_alter_table('buyer_messages') as batch:
        batch.drop_index('ix_buyer_messages_conversation_state')
        batch.drop_column('settled_note')
        batch.drop_column('settled_by_reply_id')
        batch.drop_column('settled_at')
        batch.drop_column('settled_by')
        batch.drop_column('state')
