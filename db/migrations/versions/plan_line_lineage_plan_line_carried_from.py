"""plan line carried from: a revised plan's line points at the line it continues

Revision ID: plan_line_lineage
Revises: 0001
Create Date: 2026-11-22 11:35:09.876818

Payments stay attached to the line they were made against; when a plan is revised, the
new line says which earlier line it continues, so what was paid there still counts.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import db.types  # noqa: F401


revision: str = 'plan_line_lineage'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FK = "fk_plan_line_carried_from_id_plan_line"


def upgrade() -> None:
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, 'plan_line', ['carried_from_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('carried_from_id')
