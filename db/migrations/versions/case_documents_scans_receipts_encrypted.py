"""case documents: scans and receipts kept with a case, encrypted

Revision ID: case_documents
Revises: user_time_zone
Create Date: 2026-12-06 05:20:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision: str = 'case_documents'
down_revision: Union[str, None] = 'user_time_zone'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('case_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('plan_line_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('note', db.types.EncryptedText(), nullable=False),
    sa.Column('file_name', db.types.EncryptedText(), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], ),
    sa.ForeignKeyConstraint(['plan_line_id'], ['plan_line.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_document_case_id'), ['case_id'], unique=False)

    op.create_table('case_document_file',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('content', db.types.EncryptedBytes(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['case_document.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )


def downgrade() -> None:
    op.drop_table('case_document_file')
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_document_case_id'))
    op.drop_table('case_document')
