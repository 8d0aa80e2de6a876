"""Activities and the referral register: what the coordination team may record, and how."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from care import activities
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from db.models import Activity, ActivityModule, ActivityParticipants, AuditEvent, Organisation, Referral, TrainingModule
from tests.factories import make_actor, make_case, programme_id

TODAY = date(2018, 12, 1)  # within CARE+ (Nov 2017 to Apr 2019)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE_PLUS",))


@pytest.fixture
def plus(session):
    return programme_id(session, "CARE_PLUS")


@pytest.fixture
def modules(session):
    return session.exec(select(TrainingModule.id).order_by(TrainingModule.id)).all()


def audits(session, action: str) -> list[AuditEvent]:
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def record(session, actor, plus, kind="meeting", **fields):
    values = {"held_on": date(2018, 4, 26), "place": "Lyon", "audience": "Front-line professionals",
              "participants": 18} | fields
    return activities.activity_record(session, actor, programme_id=plus, kind=kind, today=TODAY, **values)


def test_a_meeting_is_recorded_and_audited(session, coord, plus):
    meeting = record(session, coord, plus, note="Held at the prefecture.")
    rows = activities.activities_list(session, coord, programme_id=plus, kind="meeting")
    assert [(r.id, r.place, r.participants, r.note) for r in rows] == [(meeting.id, "Lyon", 18, "Held at the prefecture.")]
    (event,) = audits(session, "activity.record")
    assert event.entity_id == str(meeting.id) and event.username == coord.username
    assert "prefecture" not in event.detail, "free text stays out of the log"


def test_a_training_counts_professionals_by_kind_of_organisation(session, coord, plus, modules):
    counts = {"police": 5, "gendarmerie": 2, "ngo": 4}
    training = record(session, coord, plus, kind="training", participants=999, audience="",
                      module_ids=(modules[0], modules[2]), by_org_kind=counts)
    assert training.participants == 11, "participants are the sum of the counts, not what was typed"
    (row,) = activities.activities_list(session, coord, programme_id=plus, kind="training")
    assert {k: v for k, v in row.by_org_kind.items() if v} == counts
    assert set(row.by_org_kind) == set(activities.ORG_KINDS)
    assert [m.id for m in row.modules] == [modules[0], modules[2]]


def test_brochures_count_copies_not_people(session, coord, plus):
    brochures = record(session, coord, plus, kind="brochures", participants=0, quantity=1200, place="",
                       audience="Prefectures and NGOs")
    assert (brochures.quantity, brochures.participants) == (1200, 0)


@pytest.mark.parametrize(("kind", "fields", "errors"), [
    ("meeting", {"place": " ", "audience": "", "participants": 0}, {"place", "audience", "participants"}),
    ("meeting", {"held_on": None}, {"held_on"}),
    ("meeting", {"held_on": date(2018, 12, 2)}, {"held_on"}),  # after today
    ("meeting", {"held_on": date(2017, 10, 31)}, {"held_on"}),  # before the programme
    ("meeting", {"participants": 10_001}, {"participants"}),
    ("meeting", {"participants": "12"}, {"participants"}),
    ("meeting", {"place": "x" * 201}, {"place"}),
    ("training", {"module_ids": (), "by_org_kind": {}}, {"module_ids", "by_org_kind"}),
    ("training", {"by_org_kind": {"police": -1, "ngo": 5}}, {"by_org_kind"}),
    ("training", {"by_org_kind": {"firefighters": 5}}, {"by_org_kind"}),
    ("training", {"place": ""}, {"place"}),
    ("brochures", {"quantity": 0, "audience": ""}, {"quantity", "audience"}),
])
def test_what_is_refused_and_where_it_is_said(session, coord, plus, modules, kind, fields, errors):
    base = {"module_ids": (modules[0],), "by_org_kind": {"police": 3}, "quantity": 100} if kind != "meeting" else {}
    with pytest.raises(ValidationErrors) as err:
        record(session, coord, plus, kind=kind, **(base | fields))
    assert set(err.value.errors) == errors
    assert session.exec(select(Activity)).all() == []


def test_a_retired_module_stays_on_an_old_training_but_cannot_be_chosen_again(session, coord, plus, modules):
    training = record(session, coord, plus, kind="training", module_ids=(modules[0], modules[1]),
                      by_org_kind={"police": 3})
    module = session.get(TrainingModule, modules[1])
    module.retired = True
    session.add(module)
    session.flush()
    offered = activities.training_modules(session, coord, keep_ids=(modules[1],))
    assert [(m.id, m.retired) for m in offered] == [(modules[0], False), (modules[1], True), (modules[2], False)]
    assert modules[1] not in [m.id for m in activities.training_modules(session, coord)]
    activities.activity_update(session, coord, activity_id=training.id, expected_version=1, today=TODAY,
                               held_on=training.held_on, place="Lyon", module_ids=(modules[0], modules[1]),
                               by_org_kind={"police": 4})
    with pytest.raises(ValidationErrors) as err:
        record(session, coord, plus, kind="training", module_ids=(modules[1],), by_org_kind={"police": 3})
    assert set(err.value.errors) == {"module_ids"}


def test_a_correction_replaces_the_figures_and_is_audited(session, coord, plus, modules):
    training = record(session, coord, plus, kind="training", module_ids=(modules[0],), by_org_kind={"police": 3})
    activities.activity_update(session, coord, activity_id=training.id, expected_version=1, today=TODAY,
                               held_on=date(2018, 6, 5), place="Bordeaux", module_ids=(modules[1], modules[2]),
                               by_org_kind={"justice": 2, "ngo": 3})
    (row,) = activities.activities_list(session, coord, programme_id=plus, kind="training")
    assert (row.version, row.held_on, row.place, row.participants) == (2, date(2018, 6, 5), "Bordeaux", 5)
    assert [m.id for m in row.modules] == [modules[1], modules[2]]
    assert {k: v for k, v in row.by_org_kind.items() if v} == {"justice": 2, "ngo": 3}
    (event,) = audits(session, "activity.update")
    assert json.loads(event.detail)["by_org_kind"] == {"justice": 2, "ngo": 3}


def test_two_corrections_of_the_same_version_do_not_overwrite_each_other(session, coord, plus):
    meeting = record(session, coord, plus)
    other = make_actor(session, "coordinator", programmes=("CARE_PLUS",), name="Another Coordinator")
    activities.activity_update(session, other, activity_id=meeting.id, expected_version=1, today=TODAY,
                               held_on=meeting.held_on, place="Lyon", audience="Police", participants=20)
    with pytest.raises(StaleEdit, match="Another Coordinator"):
        activities.activity_update(session, coord, activity_id=meeting.id, expected_version=1, today=TODAY,
                                   held_on=meeting.held_on, place="Lyon", audience="NGOs", participants=30)
    (row,) = activities.activities_list(session, coord, programme_id=plus, kind="meeting")
    assert (row.audience, row.participants) == ("Police", 20)


def test_a_mistaken_record_is_deleted_and_the_log_keeps_it(session, coord, plus, modules):
    training = record(session, coord, plus, kind="training", module_ids=(modules[0],), by_org_kind={"police": 3})
    with pytest.raises(StaleEdit):
        activities.activity_delete(session, coord, activity_id=training.id, expected_version=7)
    activities.activity_delete(session, coord, activity_id=training.id, expected_version=1)
    assert session.exec(select(Activity)).all() == []
    assert session.exec(select(ActivityParticipants)).all() == [] and session.exec(select(ActivityModule)).all() == []
    (event,) = audits(session, "activity.delete")
    assert json.loads(event.detail)["by_org_kind"] == {"police": 3}


@pytest.mark.parametrize(("roles", "programmes"), [
    (("manager",), ("CARE_PLUS",)),
    (("focal_point",), ("CARE_PLUS",)),
    (("admin",), ("CARE_PLUS",)),
    (("coordinator",), ("CARE",)),
])
def test_only_the_programmes_coordinators_record_and_read_activities(session, coord, plus, roles, programmes):
    meeting = record(session, coord, plus)
    actor = make_actor(session, *roles, countries=("FR",), programmes=programmes)
    with pytest.raises(NotPermitted):
        record(session, actor, plus)
    with pytest.raises(NotPermitted):
        activities.activities_list(session, actor, programme_id=plus, kind="meeting")
    with pytest.raises(NotPermitted):
        activities.activity_update(session, actor, activity_id=meeting.id, expected_version=1, today=TODAY,
                                   held_on=meeting.held_on, place="x", audience="y", participants=5)
    with pytest.raises(NotPermitted):
        activities.activity_delete(session, actor, activity_id=meeting.id, expected_version=1)
    with pytest.raises(NotPermitted):
        activities.referrals_list(session, actor, programme_id=plus)


# --- the referral register ----------------------------------------------------------


@pytest.fixture
def orgs(session):
    rows = {"fr": Organisation(name="Association Le Phare (demo)", org_type="NGO", country="FR"),
            "es": Organisation(name="Fundación Amanecer (demo)", org_type="NGO", country="ES"),
            "retired": Organisation(name="Old shelter (demo)", org_type="NGO", country="FR", retired=True)}
    session.add_all(rows.values())
    session.flush()
    return rows


def register(session, actor, plus, **fields):
    values = {"referral_date": date(2018, 5, 22), "host_country": "FR", "organisation_id": None,
              "outcome": "declined"} | fields
    return activities.referral_record(session, actor, programme_id=plus, today=TODAY, **values)


def test_a_referral_is_registered_whatever_became_of_it(session, coord, plus, orgs):
    referral = register(session, coord, plus, organisation_id=orgs["fr"].id, note="Stays in France for now.")
    (row,), total = activities.referrals_list(session, coord, programme_id=plus)
    assert total == 1
    assert (row.id, row.organisation, row.outcome, row.case_code, row.note) == (
        referral.id, "Association Le Phare (demo)", "declined", "", "Stays in France for now.")
    (event,) = audits(session, "referral.record")
    assert "France" not in event.detail


def test_organisations_offered_are_those_of_the_host_countries_still_in_use(session, coord, plus, orgs):
    assert [o.name for o in activities.organisations_for_referral(session, coord, programme_id=plus)] == [
        "Association Le Phare (demo)"]


@pytest.mark.parametrize(("fields", "errors"), [
    ({"referral_date": None}, {"referral_date"}),
    ({"referral_date": date(2018, 12, 2)}, {"referral_date"}),
    ({"host_country": "ES"}, {"host_country"}),  # not a CARE+ host country
    ({"organisation_id": "es"}, {"organisation_id"}),  # works in Spain
    ({"organisation_id": "retired"}, {"organisation_id"}),
    ({"outcome": "case"}, {"outcome"}),  # intake's, with the case
    ({"outcome": "lost"}, {"outcome"}),
])
def test_what_the_register_refuses(session, coord, plus, orgs, fields, errors):
    if isinstance(fields.get("organisation_id"), str):
        fields = fields | {"organisation_id": orgs[fields["organisation_id"]].id}
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, plus, **fields)
    assert set(err.value.errors) == errors


def test_the_outcome_of_a_pending_referral_is_recorded_once(session, coord, plus):
    referral = register(session, coord, plus, outcome="pending")
    activities.referral_outcome_set(session, coord, referral_id=referral.id, outcome="no_consent",
                                    expected_outcome="pending")
    assert session.get(Referral, referral.id).outcome == "no_consent"
    with pytest.raises(DomainError, match="changed this referral"):
        activities.referral_outcome_set(session, coord, referral_id=referral.id, outcome="declined",
                                        expected_outcome="pending")
    assert session.get(Referral, referral.id).outcome == "no_consent"
    (event,) = audits(session, "referral.outcome")
    assert json.loads(event.detail) == {"from": "pending", "to": "no_consent"}


def test_a_referral_that_became_a_case_keeps_its_outcome(session, coord, plus):
    case = make_case(session, programme="CARE_PLUS", ret="NP", referral_date=date(2017, 12, 10))
    referral = Referral(programme_id=plus, host_country="FR", referral_date=case.referral_date, outcome="case",
                        case_id=case.id)
    session.add(referral)
    session.flush()
    (row,), _total = activities.referrals_list(session, coord, programme_id=plus)
    assert row.case_code == case.code
    with pytest.raises(DomainError) as err:
        activities.referral_outcome_set(session, coord, referral_id=referral.id, outcome="declined",
                                        expected_outcome="case")
    assert err.value.field == "outcome"


def test_another_programmes_referral_cannot_be_changed(session, coord, plus):
    referral = register(session, coord, plus, outcome="pending")
    other = make_actor(session, "coordinator", programmes=("CARE",))
    with pytest.raises(NotPermitted):
        activities.referral_outcome_set(session, other, referral_id=referral.id, outcome="declined",
                                        expected_outcome="pending")


def test_the_register_says_how_many_there_are_when_it_shows_only_the_latest(session, coord, plus):
    for day in (1, 2, 3):
        register(session, coord, plus, referral_date=date(2018, 5, day))
    rows, total = activities.referrals_list(session, coord, programme_id=plus, limit=2)
    assert [r.referral_date.day for r in rows] == [3, 2] and total == 3


def test_the_codes_of_this_stage_are_those_the_demo_data_writes():
    from care.indicators import ALARMS
    from seeds import demo

    assert set(ALARMS) == set(demo.ALARM_NOTES)


def test_intake_links_a_pending_referral_to_its_new_case_so_it_is_counted_once(session, coord, plus):
    referral = register(session, coord, plus, outcome="pending")
    case = make_case(session, programme="CARE_PLUS", ret="CM", referral_date=date(2018, 5, 22))
    activities.referral_case_link(session, coord, referral_id=referral.id, case_id=case.id)
    row = session.get(Referral, referral.id)
    assert (row.outcome, row.case_id) == ("case", case.id)
    assert session.exec(select(Referral)).all() == [row]
    (event,) = audits(session, "referral.case")
    assert event.case_id == case.id
    with pytest.raises(DomainError):
        activities.referral_case_link(session, coord, referral_id=referral.id, case_id=case.id)


def test_a_referral_is_linked_only_to_a_case_of_its_programme_and_host_that_the_user_may_see(session, coord, plus):
    referral = register(session, coord, plus, outcome="pending")
    other_programme = make_case(session, programme="CARE", ret="NG")
    with pytest.raises(NotPermitted):
        activities.referral_case_link(session, coord, referral_id=referral.id, case_id=other_programme.id)
    spain = make_case(session, programme="CARE_PLUS", host="ES", ret="CM")
    with pytest.raises(DomainError, match="Spain|France"):
        activities.referral_case_link(session, coord, referral_id=referral.id, case_id=spain.id)
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE_PLUS",))
    france = make_case(session, programme="CARE_PLUS", host="FR", ret="CM")
    with pytest.raises(NotPermitted):
        activities.referral_case_link(session, fp_es, referral_id=referral.id, case_id=france.id)
    assert session.get(Referral, referral.id).outcome == "pending"
