"""Every indicator against a hand-built data set with known answers, for the coordinator
(exact) and the manager (small counts hidden); the demo's published figures; access; and
the queries' independence from the number of cases.

The data set is tests/factories_indicators.py: nine people assisted in 2014 (cases 1 to 9),
one ineligible referral (case 10) and one case referred in 2015 that nothing may count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from care.access import Role
from care.errors import NotPermitted, ValidationErrors
from care.indicators import indicators_report
from care.smallcells import HIDDEN
from tests.factories import make_actor, make_case, programme_id
from tests.factories_indicators import PERIOD, TODAY, build_known_set

H = HIDDEN
D = Decimal


def values(report, key: str) -> dict[str, list]:
    """A table as {row key: [figure or "<5", ...]}, in row order."""
    return {row.key: [H if c.hidden else c.value for c in row.cells] for row in report.table(key).rows}


def approx(table: dict[str, list]) -> dict[str, list]:
    """Floats compared to the 1e-6, everything else exactly."""
    return {k: [pytest.approx(v) if isinstance(v, float) else v for v in row] for k, row in table.items()}


def people_counted(report, key: str) -> dict[str, list]:
    return {row.key: [c.n for c in row.cells] for row in report.table(key).rows}


@pytest.fixture
def known(session):
    return build_known_set(session)


def _report(session, actor, known, **period):
    return indicators_report(session, actor, programme_id=known.programme_id,
                             date_from=period.get("date_from", PERIOD[0]), date_to=period.get("date_to", PERIOD[1]),
                             today=TODAY)


@pytest.fixture
def exact(session, known):
    return _report(session, make_actor(session, "coordinator", programmes=("CARE",)), known)


@pytest.fixture
def hidden(session, known):
    return _report(session, make_actor(session, "manager", programmes=("CARE",)), known)


EXACT = {
    "people_target": {"people": [9, 130, 9 / 130], "minors": [2, 10, 0.2]},
    "people_by_host": {"AT": [0], "FR": [5], "GR": [0], "IT": [2], "PL": [0], "PT": [0], "ES": [2], "GB": [0],
                       "total": [9]},
    "people_by_return": {"NG": [6], "MA": [2], "AL": [1], "total": [9]},
    "people_by_sex": {"Male": [2], "Female": [7], "Transgender/NonConforming": [0], "Unknown": [0], "total": [9]},
    "people_by_age": {"0-13": [1], "14-17": [1], "18-24": [3], "25-34": [1], "35-49": [1], "50+": [1],
                      "unknown": [1], "total": [9]},
    "people_by_exploitation": {"sexual": [5], "labour": [3], "forced_begging": [1], "domestic_servitude": [1],
                               "total": [9]},
    "cases_by_stage": {"referred": [1, 0], "eligible": [1, 0], "assessed": [1, 1], "plan_approved": [1, 0],
                       "departed": [1, 0], "arrived": [1, 1], "follow_up": [2, 0], "closed": [1, 0],
                       "ineligible": [1, 0], "total": [10, 2]},
    "durations": {"referral_to_departure": [5, 70.0, 60.0, 80.0], "arrival_to_first_followup": [3, 30.0, 30.0, 32.5]},
    "followups": {"1": [4, 3, 0.75, 0, 1], "3": [3, 1, 1 / 3, 1, 1], "6": [3, 1, 1 / 3, 0, 2],
                  "12": [0, 0, None, 0, 0], "total": [10, 5, 0.5, 1, 4]},
    "alarms": {"contacted_by_traffickers": [2], "re_exploitation_suspected": [0], "wants_irregular_migration": [1],
               "serious_health_or_safety": [0], "open_now": [1]},
    "scores": {"1": [3, 3.17, 3.0, 3.0], "3": [1, 5.0, 4.0, 3.0]},
    "budget_by_category": {"immediate": [D("900.00"), D("900.00"), D("900.00")],
                           "economic": [D("7100.50"), D("6100.50"), D("1000.00")],
                           "social": [D("1900.25"), D("1600.25"), D("0")],
                           "psychosocial": [D("500.00"), D("500.00"), D("500.00")],
                           "total": [D("10400.75"), D("9100.75"), D("2400.00")]},
    "budget_by_country": {"AL": [D("1000.00"), D("0"), D("0")], "MA": [D("3400.75"), D("3400.75"), D("900.00")],
                          "NG": [D("6000.00"), D("5700.00"), D("1500.00")],
                          "total": [D("10400.75"), D("9100.75"), D("2400.00")]},
    "budget_caps": {"per_person": [D("4000.00"), None, 4, D("2275.19"), 0],
                    "economic": [D("2500.00"), None, 3, D("2033.50"), 1],
                    "immediate": [D("1000.00"), None, 3, D("300.00"), 0],
                    "psychosocial": [D("800.00"), None, 1, D("500.00"), 0],
                    "social": [D("1500.00"), None, 2, D("800.13"), 0]},
    "activities": {"meetings": [2], "meeting_participants": [23], "trainings": [2], "professionals_trained": [18],
                   "brochures": [1000], "referrals": [7]},
    "trained_by_organisation": {"immigration_office": [0], "child_welfare": [5], "police": [6], "border_police": [0],
                                "gendarmerie": [0], "justice": [1], "ngo": [6], "other": [0], "total": [18]},
    "referrals_by_outcome": {"case": [3], "not_eligible": [1], "declined": [2], "no_consent": [1], "pending": [0],
                             "total": [7]},
}


@pytest.mark.parametrize("key", list(EXACT))
def test_coordinator_sees_every_figure_exactly(exact, key):
    assert exact.exact
    got = values(exact, key)
    assert list(got) == list(EXACT[key]), "rows, in their order"
    assert got == approx(EXACT[key])


def test_money_is_exact_decimal_and_counts_the_people_behind_each_sum(exact):
    assert all(isinstance(v, Decimal) for row in values(exact, "budget_by_category").values() for v in row)
    assert people_counted(exact, "budget_by_category") == {
        "immediate": [3, 3, 3], "economic": [4, 3, 1], "social": [3, 2, 0], "psychosocial": [1, 1, 1],
        "total": [6, 4, 3]}


def test_training_modules_are_counted_and_a_retired_one_still_shows(exact, known):
    table = exact.table("training_modules")
    assert [r.cells[0].value for r in table.rows] == [2, 1, 1]
    assert table.rows[-1].label == f"{known.retired_module} (retired)"


def test_nothing_in_a_report_names_a_case(exact, known):
    words = {row.label for t in exact.tables for row in t.rows} | {row.key for t in exact.tables for row in t.rows}
    for case in known.cases.values():
        assert case.code not in words and not any(case.code in w for w in words)
        assert "Ada" not in words and "Test" not in words


MANAGER = {
    "people_target": {"people": [9, 130, 9 / 130], "minors": [H, 10, H]},
    "people_by_host": {"AT": [0], "FR": [5], "GR": [0], "IT": [H], "PL": [0], "PT": [0], "ES": [H], "GB": [0],
                       "total": [9]},
    "people_by_return": {"NG": [6], "MA": [H], "AL": [H], "total": [9]},
    # Male (2) is small; Female is then hidden too, or 9 - 7 would give it away.
    "people_by_sex": {"Male": [H], "Female": [H], "Transgender/NonConforming": [0], "Unknown": [0], "total": [9]},
    "people_by_age": {"0-13": [H], "14-17": [H], "18-24": [H], "25-34": [H], "35-49": [H], "50+": [H],
                      "unknown": [H], "total": [9]},
    "people_by_exploitation": {"sexual": [5], "labour": [H], "forced_begging": [H], "domestic_servitude": [H],
                               "total": [9]},
    "cases_by_stage": {"referred": [H, 0], "eligible": [H, 0], "assessed": [H, H], "plan_approved": [H, 0],
                       "departed": [H, 0], "arrived": [H, H], "follow_up": [H, 0], "closed": [H, 0],
                       "ineligible": [H, 0], "total": [10, H]},
    # A median over 3 people is hidden; over 5 it is shown.
    "durations": {"referral_to_departure": [5, 70.0, 60.0, 80.0], "arrival_to_first_followup": [H, H, H, H]},
    # Missed and overdue in all: 1 and 4; hidden, and so neither can be had from 10 - 5.
    "followups": {"1": [H, H, H, 0, H], "3": [H, H, H, H, H], "6": [H, H, H, 0, H], "12": [0, 0, None, 0, 0],
                  "total": [10, 5, 0.5, H, H]},
    "alarms": {"contacted_by_traffickers": [H], "re_exploitation_suspected": [0], "wants_irregular_migration": [H],
               "serious_health_or_safety": [0], "open_now": [H]},
    "scores": {"1": [H, H, H, H], "3": [H, H, H, H]},
    # Every sum here is over fewer than 5 people, except what is planned in all (6 people).
    "budget_by_category": {"immediate": [H, H, H], "economic": [H, H, H], "social": [H, H, D("0")],
                           "psychosocial": [H, H, H], "total": [D("10400.75"), H, H]},
    "budget_caps": {"per_person": [D("4000.00"), None, H, H, 0], "economic": [D("2500.00"), None, H, H, H],
                    "immediate": [D("1000.00"), None, H, H, 0], "psychosocial": [D("800.00"), None, H, H, 0],
                    "social": [D("1500.00"), None, H, H, 0]},
    # Meetings, trainings and brochures are not people: always shown.
    "activities": {"meetings": [2], "meeting_participants": [23], "trainings": [2], "professionals_trained": [18],
                   "brochures": [1000], "referrals": [7]},
    # Justice (1) is small; child welfare (5), the next smallest, is hidden with it.
    "trained_by_organisation": {"immigration_office": [0], "child_welfare": [H], "police": [6], "border_police": [0],
                                "gendarmerie": [0], "justice": [H], "ngo": [6], "other": [0], "total": [18]},
    "referrals_by_outcome": {"case": [H], "not_eligible": [H], "declined": [H], "no_consent": [H], "pending": [0],
                             "total": [7]},
}


@pytest.mark.parametrize("key", list(MANAGER))
def test_manager_sees_small_figures_hidden(hidden, key):
    assert not hidden.exact
    got = values(hidden, key)
    assert list(got) == list(MANAGER[key])
    assert got == approx(MANAGER[key])


def test_manager_and_coordinator_get_the_same_tables_and_rows(exact, hidden):
    assert [(t.key, [r.key for r in t.rows]) for t in exact.tables] == \
           [(t.key, [r.key for r in t.rows]) for t in hidden.tables]


def test_a_coordinator_who_is_also_a_manager_sees_exact_figures(session, known):
    both = make_actor(session, "coordinator", "manager", programmes=("CARE",))
    assert _report(session, both, known).exact


# --- definitions --------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "estimated", "referral", "group"), [
    (date(2000, 3, 10), None, date(2014, 3, 10), "14-17"),  # 14 on the day
    (date(2000, 3, 11), None, date(2014, 3, 10), "0-13"),  # 14 the next day
    (date(1996, 3, 10), None, date(2014, 3, 10), "18-24"),
    (date(1996, 3, 11), None, date(2014, 3, 10), "14-17"),
    (date(1964, 2, 29), None, date(2014, 2, 28), "35-49"),  # born on 29 February
    (date(1964, 2, 29), None, date(2014, 3, 1), "50+"),
    (None, 25, date(2014, 3, 10), "25-34"),  # no date of birth: the estimated age
    (date(1990, 1, 1), 60, date(2014, 6, 1), "18-24"),  # the date of birth wins
    (None, None, date(2014, 3, 10), "unknown"),
])
def test_age_group_is_the_age_at_referral(session, birth, estimated, referral, group):
    make_case(session, birth_date=birth, estimated_age=estimated, referral_date=referral)
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    report = indicators_report(session, coord, programme_id=programme_id(session, "CARE"), today=TODAY)
    assert {k: v[0] for k, v in values(report, "people_by_age").items() if v[0] and k != "total"} == {group: 1}


def test_people_assisted_leave_out_ineligible_cases_only(session):
    for stage in ("referred", "ineligible", "closed", "follow_up"):
        make_case(session, stage=stage)
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    report = indicators_report(session, coord, programme_id=programme_id(session, "CARE"), today=TODAY)
    assert values(report, "people_target")["people"][0] == 3
    assert values(report, "cases_by_stage")["total"][0] == 4


def test_the_period_filters_on_the_referral_date(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    first_half = _report(session, coord, known, date_from=date(2014, 1, 1), date_to=date(2014, 6, 30))
    assert values(first_half, "people_target")["people"][0] == 5  # cases 1 to 5
    whole = indicators_report(session, coord, programme_id=known.programme_id, today=TODAY)
    assert (whole.date_from, whole.date_to) == (date(2013, 9, 1), date(2015, 12, 31))
    assert values(whole, "people_target")["people"][0] == 10  # case 11 too


def test_a_period_that_ends_before_it_starts_is_refused(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    with pytest.raises(ValidationErrors) as err:
        _report(session, coord, known, date_from=date(2014, 6, 1), date_to=date(2014, 5, 31))
    assert set(err.value.errors) == {"date_to"}


def test_a_programme_with_no_case_gives_zeros_and_no_medians(session):
    coord = make_actor(session, "coordinator", programmes=("TACT",))
    report = indicators_report(session, coord, programme_id=programme_id(session, "TACT"), today=TODAY)
    assert values(report, "people_target")["people"] == [0, 60, 0.0]
    assert values(report, "durations")["referral_to_departure"] == [0, None, None, None]
    assert values(report, "followups") == {"total": [0, 0, None, 0, 0]}


# --- access -------------------------------------------------------------------------


@pytest.mark.parametrize(("roles", "programmes"), [
    (("focal_point",), ("CARE",)),
    (("admin",), ("CARE",)),
    (("coordinator",), ("TACT",)),  # another programme's coordinator
    (("manager",), ("TACT",)),
])
def test_only_the_programmes_coordinators_and_managers_see_its_indicators(session, known, roles, programmes):
    actor = make_actor(session, *roles, countries=("FR",), programmes=programmes)
    with pytest.raises(NotPermitted):
        _report(session, actor, known)


def test_page_roles_match_the_domain():
    from care.access import PAGE_ROLES

    assert PAGE_ROLES["indicators"] == {Role.COORDINATOR, Role.MANAGER}
    assert PAGE_ROLES["activities"] == {Role.COORDINATOR}


# --- aggregates, not rows -----------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(session, engine, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    statements: list[str] = []

    def count(*_args):
        statements.append(_args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        _report(session, coord, known)
        before = len(statements)
        for n in range(40):
            make_case(session, referral_date=date(2014, 1 + n % 12, 5), departure_date=date(2014, 12, 20),
                      ret=("NG", "MA", "AL", "CM")[n % 4], exploitation_forms=["sexual"])
        statements.clear()
        report = _report(session, coord, known)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert values(report, "people_target")["people"][0] == 49
    assert len(statements) == before
    assert not any("identity" in s.lower() for s in statements), "no query touches names"


# --- the demo data ------------------------------------------------------------------


def test_demo_gives_care_130_people_with_10_minors_and_care_plus_41_trained_and_6_referrals(demo_db_url):
    from care import users
    from db.engine import engine_for, session_scope

    with session_scope(engine_for(demo_db_url)) as s:
        manager = users.actor_load(s, "manager")
        care = indicators_report(s, manager, programme_id=programme_id(s, "CARE"), today=date.today())
        plus = indicators_report(s, manager, programme_id=programme_id(s, "CARE_PLUS"), today=date.today())
    assert values(care, "people_target") == {"people": [130, 130, 1.0], "minors": [10, 10, 1.0]}
    assert values(plus, "activities")["professionals_trained"] == [41]
    assert values(plus, "activities")["trainings"] == [2]
    assert values(plus, "activities")["referrals"] == [6]
    assert values(plus, "trained_by_organisation")["total"] == [41]
    assert values(plus, "referrals_by_outcome")["total"] == [6]
    # CARE+ supported two people: too few to show to a manager.
    assert values(plus, "people_target")["people"][0] == H


# --- PostgreSQL ---------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_gives_the_same_figures_as_sqlite(exact, hidden):
    from sqlmodel import Session, SQLModel

    from db.engine import make_engine
    from seeds.reference import seed_reference
    from tests import pg

    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    schema_url = pg.create_schema(url)
    try:
        engine = make_engine(schema_url)
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as s:
            seed_reference(s)
            known = build_known_set(s)
            on_pg = {role: _report(s, make_actor(s, role, programmes=("CARE",)), known)
                     for role in ("coordinator", "manager")}
        engine.dispose()
    finally:
        pg.drop_schema(schema_url)
    for sqlite_report, pg_report in ((exact, on_pg["coordinator"]), (hidden, on_pg["manager"])):
        assert [t.key for t in pg_report.tables] == [t.key for t in sqlite_report.tables]
        for table in sqlite_report.tables:
            assert values(pg_report, table.key) == approx(values(sqlite_report, table.key)), table.key
