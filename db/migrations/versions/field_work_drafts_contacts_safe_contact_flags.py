"""field work: drafts, contact log, safe contact, case flags

Revision ID: field_work
Revises: login_hardening
Create Date: 2026-12-06 02:20:57.058039
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision: str = 'field_work'
down_revision: Union[str, None] = 'login_hardening'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:

    op.create_table('case_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_contact', schema=None) as batch_op:
        batch_op.create_index('ix_case_contact_case_on', ['case_id', 'on'], unique=False)

    op.create_table('case_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['removed_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_flag_case_id'), ['case_id'], unique=False)

    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('payload', db.types.EncryptedText(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'case_id', 'form', name='uq_draft_user_case_form')
    )
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_saved_at'), ['saved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_user_id'), ['user_id'], unique=False)

    op.create_table('safe_contact',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('times', db.types.EncryptedText(), nullable=False),
    sa.Column('who_may_answer', db.types.EncryptedText(), nullable=False),
    sa.Column('code_word', db.types.EncryptedText(), nullable=False),
    sa.Column('no_voicemail', sa.Boolean(), nullable=False),
    sa.Column('language', db.types.EncryptedText(), nullable=False),
    sa.Column('note', db.types.EncryptedText(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )



def downgrade() -> None:

    op.drop_table('safe_contact')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_user_id'))
        batch_op.drop_index(batch_op.f('ix_draft_saved_at'))
        batch_op.drop_index(batch_op.f('ix_draft_case_id'))

    op.drop_table('draft')
    with op.batch_alter_table('case_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_flag_case_id'))

    op.drop_table('case_flag')
    with op.batch_alter_table('case_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_case_contact_case_on')

    op.drop_table('case_contact')

