"""The person's preferred languages (ordered) and whether they need an interpreter

Revision ID: person_language
Revises: htcds_fields
Create Date: 2026-12-06

Existing cases get no preferred language (nobody asked them yet): the case file then lets
staff choose the documents' language, starting from the language consent was taken in.
The preferred languages are encrypted like the languages spoken (`EncryptedList`); existing
rows hold an empty cell, which reads as no preference (the application writes a token).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = 'person_language'
down_revision: Union[str, None] = 'htcds_fields'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_languages', db.types.EncryptedList(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('interpreter_needed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # The defaults only filled the existing rows: the application always writes both.
    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.alter_column('preferred_languages', server_default=None)
        batch_op.alter_column('interpreter_needed', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('care_case', schema=None) as batch_op:
        batch_op.drop_column('interpreter_needed')
        batch_op.drop_column('preferred_languages')
