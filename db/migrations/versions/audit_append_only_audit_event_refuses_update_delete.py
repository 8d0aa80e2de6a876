"""audit append only: the database refuses UPDATE, DELETE (and TRUNCATE) on audit_event

Revision ID: audit_append_only
Revises: identity_encrypted
Create Date: 2026-11-22 13:50:00

The statements are the ones the model attaches to the table (db/models/audit.py), so a
schema built by `create_all` and one built by migrations carry the same guard.
"""
from typing import Sequence, Union

from alembic import op

from db.models.audit import APPEND_ONLY_DDL, DROP_APPEND_ONLY_DDL

revision: str = 'audit_append_only'
down_revision: Union[str, None] = 'identity_encrypted'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
