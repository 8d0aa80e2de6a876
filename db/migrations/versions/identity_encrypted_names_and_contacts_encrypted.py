"""identity encrypted: names, contacts and addresses encrypted at rest, name index hashed

Revision ID: identity_encrypted
Revises: plan_line_lineage
Create Date: 2026-11-22 14:00:00

The columns that hold a person's name, contact or address become Text (ciphertext is
longer than the text: the 200-character limits stay in the domain, on the plain text)
and every value already stored is encrypted with CARE_DATA_KEY; `identity.name_index`
becomes the keyed hash of each word of the names. The column list is written out here,
not read from the models, so that this step stays what it was when later models change.

On SQLite, `secure_delete` is switched on for the data step so that the pages that held
the plain text are overwritten with zeros, not left in the file's free space. On
PostgreSQL the old row versions stay on disk until a `VACUUM FULL` (see README).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401
import db.types  # noqa: F401


revision: str = 'identity_encrypted'
down_revision: Union[str, None] = 'plan_line_lineage'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table -> (primary key, encrypted columns)
ENCRYPTED = {
    "identity": ("case_id", ["given_names", "family_names", "aliases", "phone", "contact_return",
                             "emergency_contact"]),
    "minor_procedure": ("case_id", ["guardian_name", "guardian_contact", "escort_name", "handover_to"]),
    "minor_actor": ("id", ["contact_name"]),
    "followup": ("id", ["living_where", "living_with"]),
}
WIDENED = {"minor_procedure": ["escort_name", "handover_to"], "minor_actor": ["contact_name"]}


def _retype(to_type, from_type) -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in columns:
                batch_op.alter_column(name, existing_type=from_type, type_=to_type, existing_nullable=False)


def _rewrite(*, encrypted: bool) -> None:
    """Write every value of the encrypted columns encrypted (upgrade) or plain (downgrade),
    and `identity.name_index` as hashed words (upgrade) or folded text (downgrade)."""
    from care.crypto import decrypt, encrypt, is_encrypted
    from care.identity import name_index, name_key

    bind = op.get_bind()
    for table_name, (key, columns) in ENCRYPTED.items():
        extra = [sa.column("name_index", sa.Text)] if table_name == "identity" else []
        table = sa.table(table_name, sa.column(key), *(sa.column(c, sa.Text) for c in columns), *extra)
        for row in bind.execute(sa.select(table.c[key], *(table.c[c] for c in columns))).all():
            stored = dict(zip(columns, row[1:]))
            # A value already encrypted (a second run) is read, never encrypted twice.
            plain = {c: (decrypt(v) if v and is_encrypted(v) else v or "") for c, v in stored.items()}
            values = {c: (encrypt(v) if encrypted and v else v) for c, v in plain.items()}
            if extra:
                names = (plain["given_names"], plain["family_names"], plain["aliases"])
                values["name_index"] = name_index(*names) if encrypted else name_key(*names)
            bind.execute(sa.update(table).where(table.c[key] == row[0]).values(**values))


def _has_rows() -> bool:
    bind = op.get_bind()
    return any(bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in ENCRYPTED)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # before the batch copies drop the old tables too
        op.execute("PRAGMA secure_delete = ON")
    if _has_rows():
        from care.crypto import data_keys

        data_keys()  # a clear ConfigError ("CARE_DATA_KEY is missing ...") before anything changes
    _retype(sa.Text(), sqlmodel.sql.sqltypes.AutoString(length=200))
    if _has_rows():
        _rewrite(encrypted=True)


def downgrade() -> None:
    if _has_rows():
        _rewrite(encrypted=False)
    _retype(sqlmodel.sql.sqltypes.AutoString(length=200), sa.Text())
