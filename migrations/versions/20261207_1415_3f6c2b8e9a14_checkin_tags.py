"""Check-in tags: what the day held, a JSON list encrypted at rest like the note.

Revision ID: 3f6c2b8e9a14
Revises: 50bfdaaa29d7
Create Date: 2026-12-07 14:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6c2b8e9a14"
down_revision = "50bfdaaa29d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("tags")
