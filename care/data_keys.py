"""Key rotation: every encrypted value re-encrypted under the current data key.

A key that may have leaked, or a yearly change, must not mean downtime or a database
that half reads: the new key becomes CARE_DATA_KEY, the old one moves to
CARE_DATA_KEYS_OLD (still read), and `python -m care rotate-key` rewrites every value
(names, contacts, birth dates, notes, forms of exploitation, case documents' files: every
column whose type is `EncryptedText` or one of its forms) and every keyed hash in one transaction. After that
the old key can be dropped.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from care.audit import audit_record
from care.crypto import day_token
from care.identity import name_index
from db.models import Case, Identity
from db.types import EncryptedBytes, EncryptedText


def encrypted_columns() -> dict[str, list[str]]:
    """Each table with encrypted columns, and those columns (read from the models)."""
    found: dict[str, list[str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedText)]
        if names:
            found[table.name] = names
    return found


def rotate_data_key(session: Session, *, username: str) -> dict[str, int]:
    """Re-encrypt every encrypted column and recompute the keyed hashes (`Identity.name_index`,
    `Case.birth_date_index`) with the current key; return the rows rewritten per table. Audited with counts only.

    Versions and `updated_at` are left alone: the content does not change, so a form
    opened before the rotation can still be saved.
    """
    counts: dict[str, int] = {}
    for table_name, columns in encrypted_columns().items():
        table = SQLModel.metadata.tables[table_name]
        key = list(table.primary_key.columns)
        rows = _rows(session, table, key, columns)
        for row in rows:
            values = {c: getattr(row, c) for c in columns}  # decrypted with whichever key made them
            if table_name == Identity.__tablename__:
                values["name_index"] = name_index(values["given_names"], values["family_names"], values["aliases"])
            if table_name == Case.__tablename__:
                values["birth_date_index"] = day_token(values["birth_date"]) if values["birth_date"] else ""
            # Bound through EncryptedText: written under the current key.
            session.execute(update(table).where(*(k == getattr(row, k.name) for k in key)).values(**values))
        counts[table_name] = len(rows) if isinstance(rows, list) else rows.count
    audit_record(session, None, "data_key.rotate", entity="data_key", detail=counts, username=username)
    return counts


class _OneByOne:
    """The rows of a table holding files, read one at a time (all of them at once could be
    gigabytes); `count` says how many were read."""

    def __init__(self, session: Session, table, key, columns) -> None:
        self.session, self.table, self.key, self.columns = session, table, key, columns
        self.count = 0

    def __iter__(self):
        for ids in self.session.execute(select(*self.key)).all():
            where = (k == getattr(ids, k.name) for k in self.key)
            yield self.session.execute(select(*self.key, *(self.table.c[c] for c in self.columns)).where(*where)).one()
            self.count += 1


def _rows(session: Session, table, key, columns):
    if any(isinstance(table.c[c].type, EncryptedBytes) for c in columns):
        return _OneByOne(session, table, key, columns)
    return session.execute(select(*key, *(table.c[c] for c in columns))).all()
