"""The field visit sheet: one page, safe contact and flags, identity only where allowed, audited."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlmodel import select

from care import flags, safecontact
from care.errors import NotPermitted
from care.pdf.visit_sheet import blank_followup_pdf, visit_sheet_pdf
from care.safecontact import SafeContactView
from db.models import AuditEvent
from tests.factories import make_actor
from tests.factories_path import arrived_case

TODAY = date(2014, 7, 1)


def text_of(pdf: bytes, tmp_path) -> tuple[str, int]:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, text.count("\f")


@pytest.fixture
def case(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    case = arrived_case(session, coord, host="ES", ret="NG", arrived=date(2014, 6, 3), departed=date(2014, 6, 3))
    safecontact.safe_contact_set(session, coord, case.id, expected_version=0, values=SafeContactView(
        0, channel="phone", times="Weekdays 10-12", who_may_answer="Only her", code_word="mango", no_voicemail=True,
        language="Edo"))
    flags.flag_add(session, coord, case.id, kind="do_not_call", reason="Shared phone", ends_on=None, today=TODAY)
    return case


def test_the_sheet_is_one_page_with_safe_contact_flags_and_the_next_questions(session, case, tmp_path):
    fp = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    text, pages = text_of(visit_sheet_pdf(session, fp, case.id, today=TODAY), tmp_path)
    assert pages == 1
    for expected in (f"Visit: {case.code}", "1 month after return, due Jul 3, 2014", "Ada Test", "Code word: mango",
                     "Never leave a voicemail.", "Do not call: Shared phone",
                     "Does the person feel safe where they live?", "Progress of the plan"):
        assert expected in " ".join(text.split()), expected
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.case_id == case.id,
                                                           AuditEvent.user_id == fp.id)).all()
    assert "export.visit_sheet" in actions


def test_a_host_country_focal_point_gets_no_sheet(session, case):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    with pytest.raises(NotPermitted):
        visit_sheet_pdf(session, fp_es, case.id, today=TODAY)


def test_the_blank_form_holds_no_case_and_is_audited(session, case, tmp_path):
    fp = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    text, pages = text_of(blank_followup_pdf(session, fp), tmp_path)
    flat = " ".join(text.split())
    assert pages == 1 and "Follow-up form" in flat and "Case code" in flat and case.code not in flat
    assert "Ada" not in flat
    assert session.exec(select(AuditEvent.action).where(AuditEvent.user_id == fp.id)).all()[-1] == \
        "export.blank_followup"
