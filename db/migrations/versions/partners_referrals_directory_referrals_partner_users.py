"""partners referrals: the service directory, referrals to partners, partner users, consent to sharing dates

Revision ID: partners_referrals
Revises: followup_status_due_on
Create Date: 2026-12-06 02:18:18.600253

Cases that already recorded consent to sharing take the date of their consent to data
processing as the day of that consent (the intake form recorded both at once).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import db.types


revision: str = 'partners_referrals'
down_revision: Union[str, None] = 'followup_status_due_on'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('partner_organisation',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_organisation_country'), ['country'], unique=False)

    op.create_table('partner_service',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_organisation.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_service_partner_id'), ['partner_id'], unique=False)

    op.create_table('partner_referral',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('plan_line_ids', sa.JSON(), nullable=False),
    sa.Column('followup_months', sa.JSON(), nullable=False),
    sa.Column('shares_identity', sa.Boolean(), nullable=False),
    sa.Column('shares_assessment', sa.Boolean(), nullable=False),
    sa.Column('shares_plan', sa.Boolean(), nullable=False),
    sa.Column('shares_safety', sa.Boolean(), nullable=False),
    sa.Column('message', db.types.EncryptedText(), nullable=False),
    sa.Column('safety_note', db.types.EncryptedText(), nullable=False),
    sa.Column('answer_by', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', db.types.EncryptedText(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('outcome_reason', db.types.EncryptedText(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', db.types.EncryptedText(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['care_case.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_organisation.id'], ),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['sent_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_partner_referral_partner_state', ['partner_id', 'state'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_app_user_partner_id', 'partner_organisation', ['partner_id'], ['id'], use_alter=True)

    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_sharing_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('consent_sharing_withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('focal_point_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_care_case_focal_point_id', 'app_user', ['focal_point_id'], ['id'])

    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_plan_line_partner_id', 'partner_organisation', ['partner_id'], ['id'])

    op.execute("UPDATE care_case SET consent_sharing_on = consent_processing_on WHERE consent_sharing")


def downgrade() -> None:
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_line_partner_id', type_='foreignkey')
        batch_op.drop_column('partner_id')

    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.drop_constraint('fk_care_case_focal_point_id', type_='foreignkey')
        batch_op.drop_column('focal_point_id')
        batch_op.drop_column('consent_sharing_withdrawn_on')
        batch_op.drop_column('consent_sharing_on')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_app_user_partner_id', type_='foreignkey')
        batch_op.drop_column('partner_id')

    with op.batch_alter_table('partner_referral', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_referral_partner_state')
        batch_op.drop_index(batch_op.f('ix_partner_referral_case_id'))

    op.drop_table('partner_referral')
    with op.batch_alter_table('partner_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_service_partner_id'))

    op.drop_table('partner_service')
    with op.batch_alter_table('partner_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_organisation_country'))

    op.drop_table('partner_organisation')
