"""settings, optional daily items, share labels

Users get the settings page's columns (display name, theme, first day of the week, questionnaire
schedules; existing rows take the server defaults). A daily check-in may now be mood alone or
leave items empty, so its total and band may be NULL. A share link gets the patient's own label.

Revision ID: e4ee4565902f
Revises: fe8a00d4f48b
Create Date: 2026-12-01 07:57:38.378759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4ee4565902f'
down_revision = 'fe8a00d4f48b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.alter_column('total',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('band',
               existing_type=sa.VARCHAR(length=32),
               nullable=True)

    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=80), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('theme', sa.String(length=8), server_default='system', nullable=False))
        batch_op.add_column(sa.Column('week_start', sa.String(length=10), server_default='monday', nullable=False))
        batch_op.add_column(sa.Column('schedules', sa.JSON(none_as_null=True), nullable=True))



def downgrade():
    # The old schema cannot hold a check-in without a total: those entries go with it.
    op.execute("DELETE FROM checkins WHERE total IS NULL OR band IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('schedules')
        batch_op.drop_column('week_start')
        batch_op.drop_column('theme')
        batch_op.drop_column('display_name')

    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_column('label')

    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.alter_column('band',
               existing_type=sa.VARCHAR(length=32),
               nullable=False)
        batch_op.alter_column('total',
               existing_type=sa.INTEGER(),
               nullable=False)

