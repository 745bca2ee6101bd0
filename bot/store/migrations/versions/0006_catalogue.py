"""the product catalogue: product facts (aliases, material, colours, origin, authenticity,
colour note, usage, notes) and product_skus (colour × size with stock)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL on the products stored before: `python -m bot demo-data` reloads them from the catalogue
    with op.batch_alter_table('products') as batch:
        batch.add_column(sa.Column('aliases', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('material', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('colours', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('origin', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('authenticity', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('colour_note', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('usage', sa.Text(), nullable=True))
        batch.add_column(sa.Column('notes', sa.Text(), nullable=True))
    op.create_table('product_skus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('colour', sa.String(length=20), nullable=True),
    sa.Column('size', sa.String(length=10), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('product_skus') as batch:
        batch.create_index(batch.f('ix_product_skus_product_id'), ['product_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('product_skus') as batch:
        batch.drop_index(batch.f('ix_product_skus_product_id'))
    op.drop_table('product_skus')
    with op.batch_alter_table('products') as batch:
        for column in ('notes', 'usage', 'colour_note', 'authenticity', 'origin', 'colours',
                       'material', 'aliases'):
            batch.drop_column(column)
