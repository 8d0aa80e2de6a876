"""A case's HTCDS details: saved with codes checked, version-checked, audited, in the case file,
blanked by anonymisation; and the data exchange page saves them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from care.casefile import case_file
from care.errors import NotPermitted, StaleEdit, ValidationErrors
from care.htcds_details import EventInput, HtcdsDetails, htcds_details, htcds_details_save
from db.models import AuditEvent, TraffickingEvent
from tests.factories import make_actor, make_case

TODAY = date(2026, 12, 6)


def details(case_id, version=0, events=(), **lists) -> HtcdsDetails:
    return HtcdsDetails(case_id, version, **({"sexual_exploitation_types": ("Prostitution",)} | lists),
                        events=tuple(events))


def test_saved_details_come_back_and_show_in_the_case_file(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session)
    saved = htcds_details_save(session, coord, details(case.id, events=[
        EventInput("Recruitment", "ng", "Benin City", date(2012, 6, 1)), EventInput("Exploitation", "FR", "Lyon")],
        recruitment_websites=("Facebook",)), today=TODAY)
    assert (saved.version, saved.sexual_exploitation_types, saved.recruitment_websites) == (1, ("Prostitution",),
                                                                                            ("Facebook",))
    assert saved.events == (EventInput("Recruitment", "NG", "Benin City", date(2012, 6, 1)),
                            EventInput("Exploitation", "FR", "Lyon", None))
    section = next(s for s in case_file(session, coord, case.id).sections if s.title == "Trafficking history (HTCDS)")
    assert ("Recruitment", "Nigeria, Benin City, Jun 1, 2012") in section.rows
    assert ("Type of sexual exploitation", "Prostitution") in section.rows
    # The change, and the coordinator opening the case file to read it back.
    assert session.exec(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all() == [
        "case.htcds_edit", "case.open"]


def test_a_second_save_from_an_old_form_is_refused(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session)
    htcds_details_save(session, coord, details(case.id), today=TODAY)
    htcds_details_save(session, coord, details(case.id, version=1, labour_industries=("F_Construction",)), today=TODAY)
    with pytest.raises(StaleEdit):
        htcds_details_save(session, coord, details(case.id, version=1), today=TODAY)
    assert htcds_details(session, coord, case.id).labour_industries == ("F_Construction",)


@pytest.mark.parametrize(("bad", "field"), [
    ({"sexual_exploitation_types": ("Massage",)}, "sexual_exploitation_types"),
    ({"labour_industries": ("Z_Nothing",)}, "labour_industries"),
    ({"events": [EventInput("Holiday", "FR")]}, "events"),
    ({"events": [EventInput("Transit", "XX")]}, "events"),
    ({"events": [EventInput("Transit", "NE", "", date(2030, 1, 1))]}, "events"),
    ({"events": [EventInput("Transit", "NE", "Aga\x00dez")]}, "events"),
])
def test_bad_details_are_refused_and_nothing_is_saved(session, bad, field):
    coord = make_actor(session, "coordinator")
    case = make_case(session)
    with pytest.raises(ValidationErrors) as err:
        htcds_details_save(session, coord, details(case.id, **bad), today=TODAY)
    assert field in err.value.errors
    assert session.exec(select(TraffickingEvent)).all() == []


def test_only_the_cases_staff_save_them(session):
    case = make_case(session, host="FR", ret="NG")
    for actor in (make_actor(session, "focal_point", countries=("ES",)), make_actor(session, "manager")):
        with pytest.raises(NotPermitted):
            htcds_details_save(session, actor, details(case.id), today=TODAY)


def test_the_exchange_page_saves_a_cases_trafficking_history(demo_db_url):
    at = AppTest.from_file("../pages/exchange.py", default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "coord"
    at.session_state["name"] = "coord"
    at.session_state["logout"] = None
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Data exchange"
    pick = next(m for m in at.multiselect if m.label == "Recruitment websites and apps")
    pick.set_value(["TikTok"])
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved."]
