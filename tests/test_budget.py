"""The plan's money: typed amounts, exact conversion at the line's rate, caps with their excess."""

from decimal import Decimal

import pytest

from care.budget import (
    BudgetLine, CapSet, amount_problem, budget_rows, cap_breaches, fmt_rate, in_programme_currency, parse_decimal,
    rate_problem,
)
from care.i18n import use_language
from care.programmes import Cap

D = Decimal


@pytest.mark.parametrize(("lang", "text", "value"), [
    ("en", "1500", D("1500")),
    ("en", "1,500", D("1500")),
    ("en", "1,500.25", D("1500.25")),
    ("en", "1,234,567.5", D("1234567.5")),
    ("en", "0,059", D("0.059")),
    ("en", "12,5", D("12.5")),
    ("en", "1 234.50", D("1234.50")),
    ("en", "1'234.50", D("1234.50")),
    ("en", "1.234,56", D("1234.56")),
    ("fr", "1,500", D("1.500")),
    ("fr", "1 234,50", D("1234.50")),
    ("fr", "1\u202f234,50", D("1234.50")),
    ("fr", "0,0046", D("0.0046")),
    ("fr", "12.50", D("12.50")),
    ("fr", "1.234,56", D("1234.56")),
    ("en", "", None),
    ("en", "abc", None),
    ("en", "1,2,3", None),
    ("en", "1.2.3", None),
    ("fr", "12 €", None),
])
def test_amounts_are_read_as_typed_in_each_language(lang, text, value):
    with use_language(lang):
        assert parse_decimal(text) == value


@pytest.mark.parametrize(("amount", "rate", "expected"), [
    (D("150000"), D("0.0046"), D("690.00")),           # NGN to EUR
    (D("655957"), D("0.00152449"), D("1000.00")),      # XAF to EUR: 999.99981... rounds up to the cent
    (D("25"), D("0.005"), D("0.13")),                  # half a cent rounds up, not to even
    (D("0.10"), D("3"), D("0.30")),
    (D("1234.56"), D("1"), D("1234.56")),
    (D("3333"), D("0.000034"), D("0.11")),             # VND to CHF
])
def test_a_line_converts_exactly_and_rounds_half_up_once(amount, rate, expected):
    assert in_programme_currency(amount, rate) == expected


def test_totals_are_sums_of_rounded_lines_to_the_cent():
    lines = [BudgetLine(f"l{i}", "immediate", "cash_basic_needs", in_programme_currency(D("25"), D("0.005")), None)
             for i in range(3)]
    rows = budget_rows(lines, CapSet("EUR", None, ()))
    assert rows[-1].planned == D("0.39")  # 3 × 0.13, not round(0.375)
    assert sum([D("0.10"), D("0.20")]) == D("0.30")


@pytest.mark.parametrize(("value", "field_ok"), [
    (None, False), (D("0"), False), (D("-5"), False), (D("1.234"), False), (D("1000000000"), False),
    (D("0.01"), True), (D("999999999.99"), True),
])
def test_what_an_amount_may_be(value, field_ok):
    assert (amount_problem(value) is None) == field_ok


def test_a_rate_is_required_positive_and_bounded():
    assert "how many EUR for one NGN" in rate_problem(None, programme_currency="EUR", currency="NGN")
    assert rate_problem(D("0"), programme_currency="EUR", currency="NGN")
    assert rate_problem(D("0.0000000000001234567"), programme_currency="EUR", currency="NGN") is None
    assert rate_problem(D("0.1234567890123"), programme_currency="EUR", currency="NGN")
    with use_language("fr"):
        assert fmt_rate(D("0.00152449")) == "0,00152449"


CARE = CapSet("EUR", D("4000.00"), (Cap("economic", D("2500.00"), None), Cap("immediate", D("1000.00"), None),
                                    Cap("psychosocial", D("800.00"), None), Cap("social", D("1500.00"), None)))
CH = CapSet("CHF", D("6000.00"), (Cap("cash_basic_needs", D("1000.00"), None), Cap("economic", D("3000.00"), None),
                                  Cap("medical_care", D("2000.00"), 6), Cap("medical_immediate", D("500.00"), 6)))


def _line(sub, cat, amount, months=None, what="Line"):
    return BudgetLine(what, cat, sub, D(amount), months)


@pytest.mark.parametrize(("caps", "lines", "messages"), [
    (CARE, [_line("income_generating", "economic", "2500.00")], []),
    (CARE, [_line("income_generating", "economic", "2000.00"), _line("job_placement", "economic", "600.00")],
     ["Economic: €2,600.00 planned, over the cap of €2,500.00 by €100.00."]),
    (CARE, [_line("cash_basic_needs", "immediate", "900"), _line("income_generating", "economic", "2400"),
            _line("housing", "social", "1400"), _line("counselling", "psychosocial", "700")],
     ["Total per person: €5,400.00 planned, over the cap of €4,000.00 by €1,400.00."]),
    (CH, [_line("cash_basic_needs", "immediate", "1000.01")],
     ["Cash for basic needs: CHF 1,000.01 planned, over the cap of CHF 1,000.00 by CHF 0.01."]),
    (CH, [_line("medical_care", "social", "900", 8, "Treatment")],
     ["Medical care for the person or family: at most 6 months; “Treatment” runs 8 months, 2 too many."]),
    (CH, [_line("medical_immediate", "immediate", "100", None, "Check-up")],
     ["Immediate medical assistance: at most 6 months; give the duration of “Check-up”."]),
    (CH, [_line("medical_care", "social", "1900", 6), _line("medical_immediate", "immediate", "400", 6)], []),
])
def test_caps_name_the_cap_and_the_excess(caps, lines, messages):
    assert cap_breaches(lines, caps) == [m.replace("CHF ", "CHF") for m in messages]


def test_caps_in_french():
    with use_language("fr"):
        (message,) = cap_breaches([_line("income_generating", "economic", "2600")], CARE)
    assert message == "Économique : 2\u202f600,00\xa0€ prévus, soit 100,00\xa0€ au-delà du plafond de 2\u202f500,00\xa0€."


def test_budget_rows_show_every_category_the_capped_subcategories_and_the_total():
    rows = budget_rows([_line("medical_care", "social", "700", 3)], CH)
    assert [r.key for r in rows] == ["immediate", "economic", "social", "psychosocial", "cash_basic_needs",
                                     "medical_immediate", "medical_care", "person"]
    medical = rows[6]
    assert (medical.planned, medical.cap, medical.max_months, medical.over_by) == (D("700"), D("2000.00"), 6, 0)


def test_caps_recorded_at_approval_read_back_the_same():
    from care.programmes import ProgrammeSettings
    from datetime import date

    settings = ProgrammeSettings(1, "CH_VOT", "Swiss", "SEM", date(2008, 1, 1), date(2030, 12, 31), "CHF", 0, 0,
                                 CH.per_person, (3,), (3,), 120, ("CH",), ("NG",), CH.caps)
    assert CapSet.from_snapshot(settings.snapshot()) == CH
