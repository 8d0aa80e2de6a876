"""plan annex 3: summary and expected improvement per dimension, referral needed, itemised lines

Revision ID: plan_annex3
Revises: tasks_digest
Create Date: 2026-12-06 05:10:00.000000

The parts of IOM's reintegration plan template (Reintegration Handbook, Annex 3) the plan
lacked: a short summary and the expected improvement per dimension (economic, social,
psychosocial) on each revision; "referral needed?" on each line with the directory's
service it goes to; the goods, equipment and services itemised under a line.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import db.types


revision: str = 'plan_annex3'
down_revision: Union[str, None] = 'tasks_digest'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXTS = ('summary_economic', 'summary_social', 'summary_psychosocial',
         'improvement_economic', 'improvement_social', 'improvement_psychosocial')
FK = "fk_plan_line_referral_service_id_partner_service"


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name in TEXTS:  # an empty text is stored empty, encrypted or not
            batch_op.add_column(sa.Column(name, db.types.EncryptedText(), nullable=False, server_default=''))
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name in TEXTS:
            batch_op.alter_column(name, server_default=None)

    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_needed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('referral_service_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, 'partner_service', ['referral_service_id'], ['id'])
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.alter_column('referral_needed', server_default=None)

    op.create_table('plan_line_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', db.types.EncryptedText(), nullable=False),
    sa.Column('cost', db.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['plan_line.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_line_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_line_item_line_id'), ['line_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_line_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_line_item_line_id'))
    op.drop_table('plan_line_item')
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('referral_service_id')
        batch_op.drop_column('referral_needed')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name in TEXTS:
            batch_op.drop_column(name)
