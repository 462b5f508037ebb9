"""Reminder attempts: a send that delivered nothing is tried again by a later run, up to a limit.

Revision ID: 8d2f6a4c1e37
Revises: 5c3e9a7d1b20
Create Date: 2026-12-01 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d2f6a4c1e37"
down_revision = "5c3e9a7d1b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.drop_column("attempts")
