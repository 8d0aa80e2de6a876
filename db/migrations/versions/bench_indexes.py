"""bench indexes: composite indexes for the indicators' joins and the audit page's filters

Revision ID: bench_indexes
Revises: rss_survey
Create Date: 2026-12-06 05:25:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# As db/models/audit.py NOT_A_READ was when this revision was written (a migration does not follow the code).
NOT_A_READ = ("action NOT IN ('case.open', 'plan.open', 'assessment.open', 'audit.view', 'identity.search', 'safe_contact.read', 'login', 'login.failed', 'login.second_factor', 'login.throttled', 'logout')")

revision: str = 'bench_indexes'
down_revision: Union[str, None] = 'rss_survey'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain CREATE INDEX on both databases (no batch copy: audit_event's append-only triggers stay).
    op.create_index('ix_care_case_programme_referral', 'care_case', ['programme_id', 'referral_date', 'stage'])
    op.create_index('ix_plan_case_status', 'plan', ['case_id', 'status'])
    op.create_index('ix_payment_line_cancelled', 'payment', ['plan_line_id', 'cancelled_at'])
    op.create_index('ix_audit_event_at_id', 'audit_event', ['at', 'id'])
    op.create_index('ix_audit_event_username_at', 'audit_event', ['username', 'at', 'id'])
    op.create_index('ix_audit_event_action_at', 'audit_event', ['action', 'at', 'id'])
    op.create_index('ix_audit_event_case_at', 'audit_event', ['case_id', 'at', 'id'])
    op.create_index('ix_audit_event_change', 'audit_event', ['id'], sqlite_where=sa.text(NOT_A_READ),
                    postgresql_where=sa.text(NOT_A_READ))


def downgrade() -> None:
    for name, table in (('ix_audit_event_change', 'audit_event'), ('ix_audit_event_case_at', 'audit_event'),
                        ('ix_audit_event_action_at', 'audit_event'), ('ix_audit_event_username_at', 'audit_event'),
                        ('ix_audit_event_at_id', 'audit_event'), ('ix_payment_line_cancelled', 'payment'),
                        ('ix_plan_case_status', 'plan'), ('ix_care_case_programme_referral', 'care_case')):
        op.drop_index(name, table_name=table)
