"""The plan's money: amounts as people type them, conversion at the line's rate, caps.

Pure functions on `Decimal`, no database: the rules that the plan, its approval, the
page and the PDF all use, so that a total is the same to the cent wherever it shows.
A line's amount in the programme's currency is `amount * rate` rounded half up to the
cent once, on the line; every total is a sum of those rounded amounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal

from care.i18n import _, current_language, fmt_money
from care.programmes import Cap, ProgrammeSettings
from care.vocab import PLAN_CATEGORIES, PLAN_SUBCATEGORIES, label

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")
MAX_RATE_DIGITS = 12
PERSON = "person"  # the key of the cap per person in a list of caps

_SPACES = re.compile(r"[\s\u00a0\u202f'’]")
_EN_GROUPED = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")


def parse_decimal(text: str | Decimal | int | None) -> Decimal | None:
    """A number as a person types it in their language, or None if it is not one.

    Spaces, thin spaces and apostrophes group digits (1 234,50; 1'234.50). With both a
    comma and a dot, the last one is the decimal mark. A lone comma is the decimal mark
    in French; in English it groups thousands only where it can (1,500 but 0,059).
    """
    if isinstance(text, Decimal):
        return text if text.is_finite() else None
    if isinstance(text, int):
        return Decimal(text)
    s = _SPACES.sub("", text or "")
    if not s:
        return None
    if "," in s and "." in s:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_mark == "," else ",", "")
    elif "," in s:
        if current_language() == "en" and _EN_GROUPED.match(s):
            s = s.replace(",", "")
        elif s.count(",") > 1:
            return None
    s = s.replace(",", ".")
    if not re.fullmatch(r"-?\d*\.?\d*", s) or s in ("", ".", "-", "-."):
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value


def fmt_rate(rate: Decimal) -> str:
    """An exchange rate with every digit it was recorded with, in the user's language."""
    return format_decimal(rate, locale=current_language(), decimal_quantization=False)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def in_programme_currency(amount: Decimal, rate: Decimal) -> Decimal:
    """The line's amount in the programme's currency, rounded half up to the cent."""
    return cents(amount * rate)


def amount_problem(value: Decimal | None) -> str | None:
    """Why this cannot be an amount of money, or None."""
    if value is None:
        return _("Enter an amount, for example 1250.50.")
    if value <= 0:
        return _("The amount must be more than zero.")
    if value >= MAX_AMOUNT:  # before quantize, which cannot hold more than 28 digits
        return _("This amount is too large.")
    if value != value.quantize(CENT):
        return _("An amount has at most two decimals.")
    return None


def rate_problem(value: Decimal | None, *, programme_currency: str, currency: str) -> str | None:
    """Why this cannot be the exchange rate of `currency`, or None."""
    if value is None:
        return _("Give the exchange rate: how many {programme} for one {currency}.").format(
            programme=programme_currency, currency=currency)
    if value <= 0:
        return _("The exchange rate must be more than zero.")
    if len(value.normalize().as_tuple().digits) > MAX_RATE_DIGITS or value >= MAX_AMOUNT:
        return _("Give the exchange rate with at most {n} significant digits.").format(n=MAX_RATE_DIGITS)
    return None


# --- caps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CapSet:
    """The caps a plan is held to: the programme's now, or those recorded at its approval."""

    currency: str
    per_person: Decimal | None
    caps: tuple[Cap, ...]

    @classmethod
    def of(cls, settings: ProgrammeSettings) -> CapSet:
        return cls(settings.currency, settings.cap_per_person, settings.caps)

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> CapSet:
        def dec(v):
            return Decimal(v) if v is not None else None
        caps = tuple(Cap(key, dec(c.get("amount")), c.get("max_months"))
                     for key, c in sorted((snapshot.get("caps") or {}).items()))
        return cls(snapshot["currency"], dec(snapshot.get("cap_per_person")), caps)

    def months_cap(self, category: str, subcategory: str) -> int | None:
        """The shortest duration cap that applies to a line of this sub-category."""
        months = [c.max_months for c in self.caps if c.max_months and c.category in (category, subcategory)]
        return min(months) if months else None


@dataclass(frozen=True)
class BudgetLine:
    """What the caps need to know of a plan line."""

    description: str
    category: str
    subcategory: str
    amount_programme: Decimal
    duration_months: int | None


@dataclass(frozen=True)
class BudgetRow:
    """One row of the budget table: planned against a cap (if there is one)."""

    key: str  # a category, a sub-category or PERSON
    label: str
    planned: Decimal
    cap: Decimal | None = None
    max_months: int | None = None

    @property
    def over_by(self) -> Decimal:
        return max(self.planned - self.cap, Decimal(0)) if self.cap is not None else Decimal(0)


def fmt_cap(row: BudgetRow, currency: str) -> str:
    """The cap of a budget row in words: an amount, a duration, both, or a dash."""
    parts = []
    if row.cap is not None:
        parts.append(fmt_money(row.cap, currency))
    if row.max_months:
        parts.append(_("{n} months at most").format(n=row.max_months))
    return " · ".join(parts) or "—"


def cap_label(key: str) -> str:
    if key == PERSON:
        return _("Total per person")
    if key in PLAN_CATEGORIES:
        return label(PLAN_CATEGORIES, key)
    if key in PLAN_SUBCATEGORIES:
        return _(PLAN_SUBCATEGORIES[key][1])
    return key


def _planned_under(lines: Iterable[BudgetLine], key: str) -> Decimal:
    return sum((ln.amount_programme for ln in lines if key in (ln.category, ln.subcategory)), Decimal("0.00"))


def budget_rows(lines: list[BudgetLine], caps: CapSet) -> list[BudgetRow]:
    """Every category, then each capped sub-category, then the total against the cap per person."""
    by_key = {c.category: c for c in caps.caps}
    rows = []
    for key in PLAN_CATEGORIES:
        cap = by_key.get(key)
        rows.append(BudgetRow(key, cap_label(key), _planned_under(lines, key), cap.amount if cap else None,
                              cap.max_months if cap else None))
    for key in PLAN_SUBCATEGORIES:
        if key in by_key:
            cap = by_key[key]
            rows.append(BudgetRow(key, cap_label(key), _planned_under(lines, key), cap.amount, cap.max_months))
    total = sum((ln.amount_programme for ln in lines), Decimal("0.00"))
    rows.append(BudgetRow(PERSON, cap_label(PERSON), total, caps.per_person))
    return rows


def cap_breaches(lines: list[BudgetLine], caps: CapSet) -> list[str]:
    """Each cap the plan goes over, in plain words with the excess; empty if it keeps to them all."""
    problems = []
    for row in budget_rows(lines, caps):
        if row.over_by > 0:
            problems.append(_("{cap}: {planned} planned, over the cap of {limit} by {excess}.").format(
                cap=row.label, planned=fmt_money(row.planned, caps.currency),
                limit=fmt_money(row.cap, caps.currency), excess=fmt_money(row.over_by, caps.currency)))
    for cap in caps.caps:
        if not cap.max_months:
            continue
        for ln in lines:
            if cap.category not in (ln.category, ln.subcategory):
                continue
            if ln.duration_months is None:
                problems.append(_("{cap}: at most {n} months; give the duration of “{line}”.").format(
                    cap=cap_label(cap.category), n=cap.max_months, line=ln.description))
            elif ln.duration_months > cap.max_months:
                problems.append(_("{cap}: at most {n} months; “{line}” runs {months} months, {excess} too many.")
                                .format(cap=cap_label(cap.category), n=cap.max_months, line=ln.description,
                                        months=ln.duration_months, excess=ln.duration_months - cap.max_months))
    return problems
