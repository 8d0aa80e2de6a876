"""users' time zone: every moment is shown in it (empty: the programme's country's zone)

Revision ID: user_time_zone
Revises: field_work
Create Date: 2026-12-06 05:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'user_time_zone'
down_revision: Union[str, None] = 'field_work'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('time_zone')
