"""Hostile input for the property tests, and the one property every write must keep.

The property: a domain write given hostile input either stores it and its own read
function gives it back exactly (after the documented cleaning, `care.text.cleaned_text`),
or refuses it with a message attached to the hostile field — and then no row of any
table (audit log included) has changed. No other exception may escape.

Each example runs inside a SAVEPOINT that is rolled back afterwards, so the world a test
builds once is the same for every example and the "nothing changed" snapshot is exact.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel

from care.errors import DomainError, ValidationErrors
from care.text import cleaned_text, text_problem

# The session fixture is built once per test; each example rolls back to it.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                          HealthCheck.too_slow, HealthCheck.data_too_large])

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
FRAGMENTS = [
    "<script>alert(1)</script>", "<b>bold</b>", "&amp;", "'; DROP TABLE \"case\"; --", "\" OR 1=1 --", "' OR ''='",
    "%", "_", "\\", "%_\\", "{n}", "{0}", "{}", "%s", "${x}", "\u200f", "\u200e", "\u202e", "\u202d", "\u2066",
    "\u2069", "\u061c", "\u200d", "\u200c", "\u0301", "\u0654", "\u093f", "\u094d", "\ufeff", "\u00a0", "\u2028",
    "محمد", "عبد الله", "Йосип", "नमस्ते", "क्षत्रिय", "李小龙", "אבי", "Nguyễn", "👩\u200d👩\u200d👧", "🇳🇬", "𝔘𝔫𝔦",
    "\n", "\t", "\r\n", "\r", " ", "  ",
]

fragment = st.sampled_from(FRAGMENTS)
control = st.sampled_from(CONTROLS)
surrogate = st.sampled_from(SURROGATES)

mixed_text = st.lists(st.one_of(fragment, fragment, control, surrogate, st.text(max_size=4)), max_size=8).map("".join)
long_text = st.builds(lambda piece, n: piece * n, st.one_of(fragment, st.text(min_size=1, max_size=3)),
                      st.sampled_from([50, 100, 199, 200, 201, 499, 500, 501, 1000, 2000, 2001, 5000, 10_001]))
#: Text that may be stored (no control character, no surrogate), to check round trips.
fair_text = st.lists(st.one_of(st.sampled_from([f for f in FRAGMENTS if f not in ("\n", "\t", "\r\n", "\r")]),
                               st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=4)),
                     min_size=1, max_size=6).map("".join)

#: Any text a hostile or careless user may send: random, pasted, scripted, long.
hostile_text = st.one_of(fair_text, st.text(max_size=20), mixed_text, mixed_text, long_text)
hostile_date = st.one_of(st.sampled_from([date(1, 1, 1), date(1, 12, 31), date(1899, 12, 31), date(1900, 1, 1),
                                          date(9999, 12, 31), date(9998, 1, 1), date(2100, 1, 1)]), st.dates())
hostile_int = st.one_of(st.sampled_from([0, -1, -(2 ** 63), 2 ** 31, 2 ** 63, 10 ** 30]), st.integers())
hostile_decimal = st.one_of(
    st.sampled_from([Decimal("0"), Decimal("-0.01"), Decimal("-1"), Decimal("1e30"), Decimal("-1e30"),
                     Decimal("0.001"), Decimal("1.005"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
                     Decimal("-Infinity"), Decimal("999999999.99"), Decimal("1000000000"), Decimal("1E+2"),
                     Decimal("92233720368547758.07")]),
    st.decimals(allow_nan=True, allow_infinity=True))
hostile_amount = st.one_of(hostile_decimal, hostile_decimal.map(str), hostile_text,
                           st.sampled_from(["1e30", "NaN", "inf", "-5", "1,5", "1 000,00", "0x10", "١٢٣"]))


def snapshot(session: Session) -> dict[str, list]:
    """Every row of every table, as plain tuples in a stable order."""
    session.flush()
    conn = session.connection()
    return {t.name: sorted((tuple(r) for r in conn.execute(t.select())), key=repr)
            for t in SQLModel.metadata.sorted_tables}


@contextmanager
def rolled_back(session: Session):
    """Run one example in a SAVEPOINT and undo it afterwards, whatever it did."""
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()
        session.expire_all()


def stored_or_refused(session: Session, call, *, fields, must_refuse: bool = False):
    """Run `call`; return its result if it stored, None if it refused properly.

    A refusal must be a ValidationErrors (or DomainError) naming one of `fields`, with a
    message, and leave every table as it was. `must_refuse`: the input cannot be stored.
    """
    fields = set(fields)
    before = snapshot(session)
    try:
        result = call()
    except ValidationErrors as err:
        assert err.errors and set(err.errors) <= fields, f"refused on {err.errors} (hostile fields: {fields})"
        assert all(isinstance(m, str) and m.strip() for m in err.errors.values()), err.errors
        assert snapshot(session) == before, "a refused write changed the database"
        return None
    except DomainError as err:
        assert err.field in fields and err.message.strip(), f"refused with {err!r} on field {err.field}"
        assert snapshot(session) == before, "a refused write changed the database"
        return None
    assert not must_refuse, "input that cannot be stored was accepted"
    session.flush()
    return result


def expect(value: str | None, *, multiline: bool = False) -> str:
    return cleaned_text(value, multiline=multiline)


def storable(value: str | None, *, limit: int, multiline: bool = False) -> bool:
    """True when `care.text.checked_text` would accept this text: its own check, called."""
    return text_problem(cleaned_text(value, multiline=multiline), limit=limit, multiline=multiline) is None


def unstorable(value: str | None, *, limit: int, multiline: bool = False) -> bool:
    return bool(cleaned_text(value, multiline=multiline)) and not storable(value, limit=limit, multiline=multiline)


def or_valid(valid, hostile):
    """Mostly a valid value, so that examples with several fields still get stored, not only refused."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), hostile)
