"""Column types that keep money exact on every database, and names unreadable at rest.

SQLite has no decimal type: a Numeric column comes back through float. Money is
therefore stored as whole cents in a BIGINT (exact, and SQL SUM stays exact), and
exchange rates as text; Python always sees Decimal.

Identifying and sensitive columns are `EncryptedText` (or its date and list forms,
`EncryptedDate` and `EncryptedList`): encryption happens in the type itself, so no code
path (ORM, factories, seeds, bulk updates) can write a name, a birth date or a note in
clear. Rotation (`care.data_keys`) finds every such column by its type.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, LargeBinary, String, Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from db.hooks import hooks

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> int:
    return int((Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


class Money(TypeDecorator):
    """A Decimal amount with two decimals, stored as integer cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(int(value)) / 100).quantize(CENT)


class ExactDecimal(TypeDecorator):
    """A Decimal kept to the digit (exchange rates), stored as text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class EncryptedText(TypeDecorator):
    """Text encrypted with the data key (the cipher installed in `db.hooks`: care.crypto); Python sees the plain text.

    The empty string stays empty (it says only that nothing was typed; `""` is the
    default of every such column). SQL comparisons are refused: the stored value changes
    at every write, so `==`, LIKE or ORDER BY on it would silently find nothing or sort
    noise. Search names through `Identity.name_index`; compare anything else in Python.
    """

    impl = Text
    cache_ok = True

    class comparator_factory(Text.Comparator):
        def operate(self, op, *other, **kwargs):
            if op in (operators.is_, operators.is_not):  # whether there is a value at all is not secret
                return super().operate(op, *other, **kwargs)
            raise TypeError(f"{self.expr} is encrypted: it cannot be compared or sorted in SQL "
                            "(use Identity.name_index to search names, or compare after reading).")

        def reverse_operate(self, op, other, **kwargs):
            return self.operate(op, other, **kwargs)

    def process_bind_param(self, value, dialect):
        return value if not value else hooks().encrypt(value)

    def process_result_value(self, value, dialect):
        return value if not value else hooks().decrypt(value)


class EncryptedDate(EncryptedText):
    """A date encrypted like `EncryptedText` (its ISO form); Python sees a `date` or None.

    SQL can only tell whether there is one (IS NULL): ages and year windows use the plain
    `Case.age_at_referral`, an exact match the keyed `Case.birth_date_index`.
    """

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else hooks().encrypt(value.isoformat())

    def process_result_value(self, value, dialect):
        return date.fromisoformat(hooks().decrypt(value)) if value else None


class EncryptedList(EncryptedText):
    """A list of codes encrypted like `EncryptedText` (its JSON form); Python sees a list.

    Even the empty list is encrypted: an empty cell would say "no vulnerability noted".
    """

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else hooks().encrypt(json.dumps(list(value), ensure_ascii=False))

    def process_result_value(self, value, dialect):
        return json.loads(hooks().decrypt(value)) if value else []


class EncryptedBytes(EncryptedText):
    """A file's bytes encrypted like `EncryptedText` (the Fernet token, stored as binary);
    Python sees the plain bytes. A subclass, so that key rotation (`care.data_keys`) finds it."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else hooks().encrypt_bytes(value)

    def process_result_value(self, value, dialect):
        return None if value is None else hooks().decrypt_bytes(bytes(value))
