"""Safety plan, session day and shares that may include the plan (issue 23).

- `safety_plans`: one row per person; each list (warning signs, coping, distractions, helpers,
  professionals, safe environment, reasons) is JSON encrypted with the person's data key.
- `treatment_sessions.preparation` (encrypted JSON: checklist, ride home) and `follow_up`
  (JSON numbers: sleep hours, dissociation, mood).
- `share_links.include_safety_plan` (false for every existing link).

Revision ID: c4a9e2f17b3d
Revises: 3f6c2b8e9a14
Create Date: 2026-12-07 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4a9e2f17b3d"
down_revision = "3f6c2b8e9a14"
branch_labels = None
depends_on = None

LISTS = (
    "warning_signs",
    "coping",
    "distractions",
    "helpers",
    "professionals",
    "safe_environment",
    "reasons",
)


def upgrade():
    op.create_table(
        "safety_plans",
        sa.Column("user_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=True) for name in LISTS),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_safety_plans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_safety_plans")),
    )
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preparation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("follow_up", sa.JSON(), nullable=True))
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "include_safety_plan", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_column("include_safety_plan")
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.drop_column("follow_up")
        batch_op.drop_column("preparation")
    op.drop_table("safety_plans")
