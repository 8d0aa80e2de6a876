"""followup status and due_on in one index: Home's overdue list reads the planned ones past due

Revision ID: followup_status_due_on
Revises: audit_append_only
Create Date: 2026-11-22 15:05:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = 'followup_status_due_on'
down_revision: Union[str, None] = 'audit_append_only'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_followup_status_due_on', 'followup', ['status', 'due_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_followup_status_due_on', table_name='followup')
