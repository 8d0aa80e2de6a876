"""htcds fields: websites and apps, types of sexual exploitation, labour industry, historic trafficking events

Revision ID: htcds_fields
Revises: sensitive_encrypted
Create Date: 2026-12-06 02:50:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import db.types


revision: str = 'htcds_fields'
down_revision: Union[str, None] = 'sensitive_encrypted'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('case_htcds',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sexual_exploitation_types', sa.JSON(), nullable=False),
    sa.Column('labour_industries', sa.JSON(), nullable=False),
    sa.Column('recruitment_websites', sa.JSON(), nullable=False),
    sa.Column('exploitation_websites', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('trafficking_event',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('city', db.types.EncryptedText(), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trafficking_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trafficking_event_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trafficking_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trafficking_event_case_id'))
    op.drop_table('trafficking_event')
    op.drop_table('case_htcds')
