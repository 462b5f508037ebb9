"""Session medication: which drug a session was (the route alone never says for IV).

Existing rows: intranasal sessions were esketamine (the only intranasal treatment the form
offered, labelled "Intranasal (esketamine)"); every other route is left empty rather than guessed.

Revision ID: 4a0b3389bec6
Revises: e4ee4565902f
Create Date: 2026-12-01 07:58:12.214764

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4a0b3389bec6"
down_revision = "e4ee4565902f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medication", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("medication_label", sa.String(length=80), nullable=True))
    sessions = sa.table("treatment_sessions", sa.column("route"), sa.column("medication"))
    op.execute(
        sessions.update().where(sessions.c.route == "intranasal").values(medication="esketamine")
    )


def downgrade():
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.drop_column("medication_label")
        batch_op.drop_column("medication")
