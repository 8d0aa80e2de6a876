"""Column types that keep money exact on every database.

SQLite has no decimal type: a Numeric column comes back through float. Money is
therefore stored as whole cents in a BIGINT (exact, and SQL SUM stays exact), and
exchange rates as text; Python always sees Decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, String
from sqlalchemy.types import TypeDecorator

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
