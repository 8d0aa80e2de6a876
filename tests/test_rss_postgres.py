"""The sustainability survey on PostgreSQL: recording, the early warning (its savepoint), and the
indicator queries (window function, extract, boolean sums) as the migrated schema runs them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from care import early_warning as ew
from care import rss
from care.indicators import indicators_report
from care.rss_items import ITEMS
from db.engine import session_scope
from db.models import FollowUp
from tests import pg
from tests.factories import make_actor, programme_id
from tests.factories_path import arrived_case

pytestmark = pytest.mark.postgres
BEST = {i.code: max((o for o in i.options if o.value is not None), key=lambda o: o.value).code for i in ITEMS}


@pytest.fixture
def engine(pg_url):
    with pg.seeded_engine(pg.test_url()[0]) as eng:
        yield eng


def test_surveys_warnings_and_indicators_on_postgresql(engine):
    with session_scope(engine) as s:
        coord = make_actor(s, "coordinator", programmes=("CARE",), username="pg.rss.coord")
        case = arrived_case(s, coord, host="ES", ret="NG", arrived=date(2014, 6, 3), departed=date(2014, 6, 3))
        case_id = case.id
        f3, f6 = s.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.kind == "scheduled")
                        .order_by(FollowUp.due_on)).all()[1:3]
        rss.rss_survey_record(s, coord, case_id, occasion="baseline", answers=BEST | {"debt": "less"},
                              taken_on=date(2014, 6, 3), baseline_when="arrival", today=date(2016, 1, 1))
        rss.rss_survey_record(s, coord, case_id, occasion=f"followup:{f3.id}", answers=BEST,
                              taken_on=f3.due_on, today=date(2016, 1, 1))
        rss.rss_survey_record(s, coord, case_id, occasion=f"followup:{f6.id}", answers=BEST | {"debt": "more"},
                              taken_on=f6.due_on, today=date(2016, 1, 1))
    with session_scope(engine) as s:
        (w,) = ew.early_warnings_open(s, coord)
        assert w.reason == "Debt fell from 1.00 to 0.00 between month 3 and month 6"
        assert ew.early_warning_sweep(s, coord, today=date(2014, 7, 20)) == 1  # the 1-month follow-up, missed
        report = indicators_report(s, coord, programme_id=programme_id(s), today=date(2016, 1, 1))
        months = {r.key: r.cells for r in report.table("rss_months").rows}
        # baseline: economic (5 + 0.5)/6 = 0.9167, composite (0.9167 + 1 + 1)/3 = 0.97
        assert (months["baseline"][0].value, months["baseline"][1].value) == (1, 0.97)
        assert [r.key for r in report.table("rss_quarters").rows] == ["2014-Q2", "2014-Q3", "2014-Q4"]
        assert {r.key: r.cells[0].value for r in report.table("early_warnings").rows}["total"] == 1
