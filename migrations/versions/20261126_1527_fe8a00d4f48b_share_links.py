"""share links

A share link stores only the SHA-256 of its token (unique, so an opening is one indexed lookup).
Each opening is one share_opens row holding the time and nothing else; deleting a link or its
user deletes its log (ON DELETE CASCADE).

Revision ID: fe8a00d4f48b
Revises: e90b7a6027d3
Create Date: 2026-11-26 15:27:30.190825

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fe8a00d4f48b'
down_revision = 'e90b7a6027d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('share_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('include_reflections', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('open_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_share_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_share_links_token_hash'))
    )
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_links_user_id'), ['user_id'], unique=False)

    op.create_table('share_opens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['share_links.id'], name=op.f('fk_share_opens_share_id_share_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_opens'))
    )
    with op.batch_alter_table('share_opens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_opens_share_id'), ['share_id'], unique=False)



def downgrade():
    with op.batch_alter_table('share_opens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_opens_share_id'))

    op.drop_table('share_opens')
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_links_user_id'))

    op.drop_table('share_links')
