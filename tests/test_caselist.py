"""The case list: scope, filters, paging, and alarms and high risk first."""

from datetime import date

from care.caselist import CaseFilter, cases_list
from tests.factories import make_actor, make_case


def test_urgent_cases_come_first_and_paging_counts_all(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    low = make_case(session, risk_level="low", referral_date=date(2015, 1, 1))
    high = make_case(session, risk_level="high", referral_date=date(2014, 1, 1))
    alarm = make_case(session, risk_level="medium", alarm_open=True, referral_date=date(2013, 10, 1))
    none = make_case(session, referral_date=date(2015, 2, 1))
    rows, total = cases_list(session, coord, limit=2)
    assert total == 4
    assert [r.id for r in rows] == [alarm.id, high.id]
    rows, _ = cases_list(session, coord, limit=2, offset=2)
    assert [r.id for r in rows] == [low.id, none.id]


def test_filters_and_scope(session):
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    es = make_case(session, host="ES", ret="MA", is_minor=True, stage="assessed")
    make_case(session, host="ES", ret="NG", stage="referred")
    make_case(session, host="PT", ret="BR", stage="assessed")
    rows, total = cases_list(session, fp_es, CaseFilter(stages=("assessed",)))
    assert (total, [r.id for r in rows]) == (1, [es.id])
    assert cases_list(session, fp_es, CaseFilter(minor=True))[1] == 1
    assert cases_list(session, fp_es, CaseFilter(code=es.code[-4:]))[1] == 1
    assert cases_list(session, fp_es, CaseFilter(return_country="BR"))[1] == 0
