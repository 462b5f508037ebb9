"""User data revision: a counter every record write bumps, so chart caches know when to expire.

Revision ID: b7c41d2e9a05
Revises: 6bb7b1428acd
Create Date: 2026-12-01 11:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c41d2e9a05"
down_revision = "6bb7b1428acd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data_revision", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("data_revision")
