"""Export jobs: exports made in the background by a runner process (issue 14, item 4).

One row per export a person asked for: its kind and checked parameters, its state (queued,
running, done, failed), progress, the runner's pid and heartbeat, and the sealed file's name
and size (the file itself is under instance/exports/).

Revision ID: 50bfdaaa29d7
Revises: 8d2f6a4c1e37
Create Date: 2026-12-01 14:27:57.627624

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "50bfdaaa29d7"
down_revision = "8d2f6a4c1e37"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("progress_text", sa.String(length=120), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("runner_pid", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_name", sa.String(length=160), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("mimetype", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_export_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_export_jobs_state_created", ["state", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_jobs_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_jobs_user_id"))
        batch_op.drop_index("ix_export_jobs_state_created")

    op.drop_table("export_jobs")
