"""The indicators as one Excel workbook: a cover sheet, one typed sheet per table, the same
hiding for managers as on the page (figures worked out by hand in tests/test_indicators.py)."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from sqlmodel import select

from care.indicators_xlsx import indicators_xlsx
from db.models import AuditEvent
from tests.factories import make_actor
from tests.factories_indicators import PERIOD, TODAY, build_known_set


@pytest.fixture
def known(session):
    return build_known_set(session)


def workbook(session, actor, known, language="en"):
    data = indicators_xlsx(session, actor, programme_id=known.programme_id, date_from=PERIOD[0], date_to=PERIOD[1],
                           today=TODAY, language=language)
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet(wb, number: int):
    return wb[next(name for name in wb.sheetnames if name.startswith(f"{number:02d} "))]


def rows(ws) -> dict[str, list]:
    return {r[0].value: r[1:] for r in ws.iter_rows(min_row=5)}


def test_cover_sheet_and_one_typed_sheet_per_table_for_a_coordinator(session, known):
    wb = workbook(session, make_actor(session, "coordinator", programmes=("CARE",)), known)
    assert wb.sheetnames[0] == "Report" and len(wb.sheetnames) == 25  # the cover and 24 tables (5 of the sustainability survey)
    cover = {r[0].value: r[1].value for r in wb["Report"].iter_rows(min_row=3) if r[0].value}
    assert cover["Programme"].startswith("CARE: ")
    assert (cover["Period from"], cover["Period to"], cover["Report date"]) == (
        datetime(2014, 1, 1), datetime(2014, 12, 31), datetime(2015, 1, 15))
    assert cover["Figures"] == "Exact" and "<5" in cover["Rule"]
    sex = sheet(wb, 4)
    assert sex["A1"].value == "People assisted by sex"
    assert [c.value for c in sex[4]] == ["Sex", "People"]
    by_sex = rows(sex)
    assert {k: v[0].value for k, v in by_sex.items()} == {
        "Male": 2, "Female": 7, "Transgender or non-conforming": 0, "Unknown": 0, "People assisted": 9}
    assert (by_sex["Female"][0].data_type, by_sex["Female"][0].number_format) == ("n", "#,##0")
    budget = sheet(wb, 12)
    assert [c.value for c in budget[4]][1:] == ["Planned (EUR)", "Approved (EUR)", "Paid (EUR)"]
    total = rows(budget)["Total"]
    assert [c.value for c in total] == [10400.75, 9100.75, 2400.0]
    assert total[0].number_format == "#,##0.00"
    first = rows(sheet(wb, 9))["Month 1 after return"]
    assert [c.value for c in first] == [4, 3, 0.75, 0, 1] and first[2].number_format == "0.0%"


def test_a_manager_gets_the_same_hiding_as_on_the_page(session, known):
    wb = workbook(session, make_actor(session, "manager", programmes=("CARE",)), known)
    cover = {r[0].value: r[1].value for r in wb["Report"].iter_rows(min_row=3) if r[0].value}
    assert cover["Figures"] == "Small counts hidden"
    by_sex = rows(sheet(wb, 4))
    assert {k: v[0].value for k, v in by_sex.items()} == {
        "Male": "<5", "Female": "<5", "Transgender or non-conforming": 0, "Unknown": 0, "People assisted": 9}
    assert by_sex["Male"][0].data_type == "s"
    assert [c.value for c in rows(sheet(wb, 12))["Total"]] == [10400.75, "<5", "<5"]


def test_headings_in_french_and_the_export_is_audited(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    wb = workbook(session, coord, known, language="fr")
    assert wb.sheetnames[0] == "Rapport"
    assert [c.value for c in sheet(wb, 4)[4]] == ["Sexe", "Personnes"]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "export.indicators_xlsx")).all()
    assert [(e.username, e.entity_id) for e in events] == [(coord.username, str(known.programme_id))]
