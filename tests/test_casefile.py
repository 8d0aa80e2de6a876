"""The case file: summary, stage and what is missing, sections, and the timeline of changes."""

from datetime import UTC, datetime

import pytest

from care import audit, casefile, intake
from care.audit import audit_record
from care.casefile import SECTION_PROVIDERS, case_file, timeline
from care.decisions import eligibility_decide
from care.errors import NotPermitted
from care.identity import identity_read
from db.models import Case
from tests.factories import make_actor, make_case
from tests.factories_intake import person, register


def test_the_case_file_of_a_new_case(session):
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord, person=person(return_country="PE", nationality="PE")).case_id
    cf = case_file(session, coord, case_id)
    assert cf.code == "CARE-FR-2014-0001" and cf.stage == "referred" and cf.is_open and cf.may_decide
    assert cf.next_stage == "eligible" and cf.missing == ("Peru is not one of CARE's return countries.",)
    assert [c.met for c in cf.eligibility] == [True, False, True, True]
    assert cf.missing_beyond_eligibility == []
    summary = dict(cf.summary.rows)
    assert summary["Case code"] == cf.code and summary["Route"] == "France to Peru (Benin City)"
    assert [s.title for s in cf.sections] == ["Referral and person"]
    assert "Ada" not in str(cf)  # the identity is not part of the case file


def test_the_intake_section_is_a_section_provider():
    assert intake.case_section in SECTION_PROVIDERS


def test_a_focal_point_may_not_decide(session):
    fp = make_actor(session, "focal_point", countries=("FR",))
    case = make_case(session)
    cf = case_file(session, fp, case.id)
    assert cf.may_see_identity and not cf.may_decide


def test_the_timeline_shows_changes_newest_first_with_who_and_leaves_reads_out(session, monkeypatch):
    # the same second for every event: the order of writing decides
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2014, 3, 10, 9, 0, tzinfo=UTC))
    alice = make_actor(session, "coordinator", name="Alice Example")
    bob = make_actor(session, "coordinator", name="Bob Example")
    case_id = register(session, alice).case_id
    identity_read(session, bob, case_id)
    case = session.get(Case, case_id)
    eligibility_decide(session, bob, case_id, eligible=True, expected_version=case.version)
    audit_record(session, bob, "export.case_pdf", case_id=case_id)
    audit_record(session, bob, "payment.teleport", case_id=case_id)  # an action this module has no words for
    entries = timeline(session, bob, case_id)
    assert [(e.who, e.what, e.detail) for e in entries] == [
        ("Bob Example", "payment.teleport", ""),
        ("Bob Example", "Stage changed", "Referred → Eligible"),
        ("Alice Example", "Referral registered and case opened", "CARE-FR-2014-0001"),
    ]


def test_a_correction_lists_the_fields_it_changed_in_words(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session)
    audit_record(session, coord, "case.edit", case_id=case.id, detail={"fields": ["return_region", "birth_date"]})
    assert timeline(session, coord, case.id)[0].detail == "Region or town of return, Date of birth"


def test_a_focal_point_for_spain_cannot_see_a_case_from_portugal_returning_to_brazil(session):
    """By list, by search (code or name), by case file, by its identity or by its id: not at all."""
    from care.caselist import CaseFilter, cases_list
    from care.pdf.case_summary import case_summary_pdf

    coord = make_actor(session, "coordinator")
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    pt_br = register(session, coord, host="PT", person=person(return_country="BR", nationality="BR"))
    es = register(session, coord, host="ES", person=person(return_country="MA", nationality="MA",
                                                           birth_date=person().birth_date.replace(year=1990)))
    assert [r.id for r in cases_list(session, fp_es)[0]] == [es.case_id]
    assert cases_list(session, fp_es, CaseFilter(code=pt_br.code))[1] == 0
    assert cases_list(session, fp_es, CaseFilter(name="Ada Testperson"))[1] == 1  # only their own Ada
    assert cases_list(session, fp_es, CaseFilter(ids=(pt_br.case_id,)))[1] == 0
    for read in (case_file, identity_read, timeline, case_summary_pdf, intake.case_form, intake.eligibility_of):
        with pytest.raises(NotPermitted):
            read(session, fp_es, pt_br.case_id)
    assert case_file(session, fp_es, es.case_id).code == es.code
    assert casefile.case_file(session, coord, pt_br.case_id).code == pt_br.code
