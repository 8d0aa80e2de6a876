"""Field work: drafts (resume, discard, expiry, never counted), the contact log, flags, safe contact."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from care import config, contacts, drafts, flags, followups, safecontact
from care.errors import DomainError, NotPermitted, ValidationErrors
from care.followups import FollowUpEntry
from care.indicators import indicators_report
from care.mywork import my_work
from care.safecontact import SafeContactView
from db.models import AuditEvent, Draft, FollowUp
from tests.factories import make_actor, programme_id
from tests.factories_path import arrived_case

ARRIVED = date(2014, 6, 3)
FIRST = date(2014, 7, 3)
NOON = datetime(2014, 7, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",), name="Claire Coordinator")


@pytest.fixture
def fp_ng(session):
    return make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",), name="Chinedu Focal")


@pytest.fixture
def fp_es(session):
    return make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))


@pytest.fixture
def case(session, coord):
    return arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)


def _first(session, case) -> FollowUp:
    return session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).first()


def _actions(session, case) -> list[str]:
    return list(session.exec(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                             .order_by(AuditEvent.id)).all())


# --- drafts -----------------------------------------------------------------------------


def test_a_draft_is_kept_per_user_and_case_and_resumed(session, case, fp_ng, coord):
    values = {"followup_id": 7, "living_where": "Near the market, Benin City", "scores": {"wellbeing": 4}}
    drafts.draft_save(session, fp_ng, case.id, form="followup", values=values, now=NOON)
    drafts.draft_save(session, fp_ng, case.id, form="followup", values={**values, "wellbeing": "Better"},
                      now=NOON + timedelta(minutes=5))
    got = drafts.draft_get(session, fp_ng, case.id, form="followup", now=NOON + timedelta(hours=1), resume=True)
    assert got.values == {"followup_id": 7, "living_where": "Near the market, Benin City",
                          "scores": {"wellbeing": 4}, "wellbeing": "Better"}
    assert got.saved_at == NOON + timedelta(minutes=5)
    assert drafts.draft_get(session, coord, case.id, form="followup", now=NOON) is None  # another user's
    assert session.exec(select(Draft)).all().__len__() == 1
    assert _actions(session, case)[-2:] == ["draft.create", "draft.resume"]  # one create, not one per keystroke


def test_a_draft_is_encrypted_at_rest(session, case, fp_ng):
    drafts.draft_save(session, fp_ng, case.id, form="contact", values={"note": "Aunt Blessing answered"}, now=NOON)
    raw = session.execute(text("SELECT payload FROM draft")).scalar_one()
    assert "Blessing" not in raw and raw.startswith("gAAAA")


def test_discarding_a_draft_removes_it_and_is_audited(session, case, fp_ng):
    drafts.draft_save(session, fp_ng, case.id, form="contact", values={"note": "x"}, now=NOON)
    assert drafts.draft_discard(session, fp_ng, case.id, form="contact") is True
    assert drafts.draft_get(session, fp_ng, case.id, form="contact", now=NOON) is None
    assert drafts.draft_discard(session, fp_ng, case.id, form="contact") is False
    assert _actions(session, case)[-1] == "draft.discard"


def test_drafts_expire_after_the_configured_days(session, case, fp_ng, monkeypatch):
    monkeypatch.setenv("CARE_DRAFT_DAYS", "3")
    config.settings.cache_clear()
    try:
        drafts.draft_save(session, fp_ng, case.id, form="followup", values={"a": 1}, now=NOON)
        assert drafts.draft_get(session, fp_ng, case.id, form="followup", now=NOON + timedelta(days=2, hours=23))
        assert drafts.draft_get(session, fp_ng, case.id, form="followup", now=NOON + timedelta(days=3, hours=1)) is None
        assert drafts.drafts_expire(session, now=NOON + timedelta(days=2)) == 0
        assert drafts.drafts_expire(session, now=NOON + timedelta(days=4)) == 1
        assert session.exec(select(Draft)).all() == []
    finally:
        config.settings.cache_clear()


def test_a_host_country_focal_point_keeps_no_follow_up_draft(session, case, fp_es):
    with pytest.raises(NotPermitted):
        drafts.draft_save(session, fp_es, case.id, form="followup", values={"a": 1}, now=NOON)


def test_an_unknown_form_keeps_no_draft(session, case, fp_ng):
    with pytest.raises(DomainError):
        drafts.draft_save(session, fp_ng, case.id, form="identity", values={"a": 1}, now=NOON)


def test_drafts_never_count_in_indicators(session, case, coord, fp_ng):
    pid = programme_id(session, "CARE")
    before = indicators_report(session, coord, programme_id=pid, today=date(2015, 1, 1))
    drafts.draft_save(session, fp_ng, case.id, form="followup", now=NOON, values={
        "followup_id": _first(session, case).id, "done_on": "2014-07-03", "mode": "visit", "reached": True,
        "scores": {k: 1 for k in followups.ITEM_DIMENSION}, "alarms": ["contacted_by_traffickers"]})
    after = indicators_report(session, coord, programme_id=pid, today=date(2015, 1, 1))
    assert after.tables == before.tables
    assert session.exec(select(FollowUp.status).where(FollowUp.case_id == case.id)).all() == ["planned"] * 4
    assert not session.get(type(case), case.id).alarm_open


def test_logging_the_follow_up_drops_its_draft(session, case, fp_ng):
    f = _first(session, case)
    drafts.draft_save(session, fp_ng, case.id, form="followup", values={"followup_id": f.id}, now=NOON)
    followups.followup_log(session, fp_ng, f.id, entry=FollowUpEntry(done_on=FIRST, mode="phone"),
                           expected_version=f.version, today=FIRST)
    assert session.exec(select(Draft)).all() == []


# --- safe contact ----------------------------------------------------------------------


SAFE = SafeContactView(0, channel="phone", times="Weekdays 10:00-12:00", who_may_answer="Only her; aunt Grace",
                       code_word="mango", no_voicemail=True, language="Edo, English", note="Say you call from the clinic")


def test_safe_contact_is_stored_encrypted_and_changes_are_audited_without_values(session, case, fp_ng):
    view = safecontact.safe_contact_set(session, fp_ng, case.id, values=SAFE, expected_version=0)
    assert view.version == 1
    raw = session.execute(text("SELECT code_word, who_may_answer FROM safe_contact")).one()
    assert "mango" not in raw[0] and "Grace" not in raw[1]
    safecontact.safe_contact_set(session, fp_ng, case.id, values=SafeContactView(
        0, channel="message", times="Weekdays 10:00-12:00", who_may_answer="Only her; aunt Grace",
        code_word="papaya", no_voicemail=True, language="Edo, English", note="Say you call from the clinic"),
        expected_version=1)
    got = safecontact.safe_contact_read(session, fp_ng, case.id)
    assert (got.channel, got.code_word, got.version) == ("message", "papaya", 2)
    details = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "safe_contact.change")
                           .order_by(AuditEvent.id)).all()
    assert "papaya" not in str(details) and "mango" not in str(details)
    assert details[-1] == '{"fields": ["channel", "code_word"]}'
    assert _actions(session, case)[-1] == "safe_contact.read"


def test_a_stale_safe_contact_edit_is_refused(session, case, fp_ng, coord):
    safecontact.safe_contact_set(session, fp_ng, case.id, values=SAFE, expected_version=0)
    safecontact.safe_contact_set(session, coord, case.id, values=SAFE, expected_version=1)
    with pytest.raises(DomainError):
        safecontact.safe_contact_set(session, fp_ng, case.id, values=SAFE, expected_version=1)


def test_a_safe_contact_needs_a_channel(session, case, fp_ng):
    with pytest.raises(ValidationErrors) as err:
        safecontact.safe_contact_set(session, fp_ng, case.id, values=SafeContactView(0), expected_version=0)
    assert set(err.value.errors) == {"channel"}


def test_a_manager_cannot_read_a_safe_contact(session, case):
    manager = make_actor(session, "manager", programmes=("CARE",))
    with pytest.raises(NotPermitted):
        safecontact.safe_contact_read(session, manager, case.id)


def test_logging_needs_the_safe_contact_acknowledged(session, case, fp_ng):
    safecontact.safe_contact_set(session, fp_ng, case.id, values=SAFE, expected_version=0)
    f = _first(session, case)
    entry = FollowUpEntry(done_on=FIRST, mode="phone")
    with pytest.raises(DomainError) as err:
        followups.followup_log(session, fp_ng, f.id, entry=entry, expected_version=f.version, today=FIRST)
    assert err.value.field == "safe_contact_ack"
    with pytest.raises(DomainError) as err:
        contacts.contact_log(session, fp_ng, case.id, kind="call", on=FIRST, reached=True, note="",
                             acknowledged=False, today=FIRST)
    assert err.value.field == "safe_contact_ack"
    assert session.get(FollowUp, f.id).status == "planned"
    followups.followup_log(session, fp_ng, f.id, entry=entry, expected_version=f.version, today=FIRST,
                           acknowledged=True)
    contacts.contact_log(session, fp_ng, case.id, kind="call", on=FIRST, reached=True, note="", acknowledged=True,
                         today=FIRST)
    assert session.get(FollowUp, f.id).status == "done"


# --- contacts --------------------------------------------------------------------------


def _log(session, actor, case, on, reached, kind="call"):
    return contacts.contact_log(session, actor, case.id, kind=kind, on=on, reached=reached, note="",
                                acknowledged=True, today=date(2015, 1, 1))


def test_contacts_are_listed_latest_first_with_who_logged_them(session, case, fp_ng):
    _log(session, fp_ng, case, date(2014, 8, 1), True, "visit")
    contacts.contact_log(session, fp_ng, case.id, kind="message", on=date(2014, 8, 9), reached=False,
                         note="No answer", acknowledged=True, today=date(2015, 1, 1))
    rows = contacts.contacts_of(session, fp_ng, case.id)
    assert [(r.kind, r.on, r.by, r.reached, r.note) for r in rows] == [
        ("message", date(2014, 8, 9), "Chinedu Focal", False, "No answer"),
        ("visit", date(2014, 8, 1), "Chinedu Focal", True, "")]
    assert _actions(session, case)[-1] == "contact.log"


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "smoke_signal"}, "kind"), ({"kind": None}, "kind"), ({"on": None}, "on"),
    ({"on": date(2015, 1, 2)}, "on"), ({"on": date(2000, 1, 1)}, "on"), ({"note": "x" * 1001}, "note"),
])
def test_a_bad_contact_is_refused_by_its_field(session, case, fp_ng, changes, field):
    values = dict(kind="call", on=date(2014, 8, 1), reached=True, note="", acknowledged=True, today=date(2015, 1, 1))
    with pytest.raises(ValidationErrors) as err:
        contacts.contact_log(session, fp_ng, case.id, **(values | changes))
    assert set(err.value.errors) == {field}


def test_a_host_country_focal_point_logs_no_contact(session, case, fp_es):
    with pytest.raises(NotPermitted):
        _log(session, fp_es, case, date(2014, 8, 1), True)


def test_last_contact_is_the_last_day_the_person_was_reached(session, case, fp_ng):
    f = _first(session, case)
    followups.followup_log(session, fp_ng, f.id, entry=FollowUpEntry(done_on=FIRST, mode="visit"),
                           expected_version=f.version, today=FIRST)
    assert contacts.last_contacts(session, [case.id]) == {case.id: FIRST}
    _log(session, fp_ng, case, date(2014, 8, 1), True)
    _log(session, fp_ng, case, date(2014, 8, 5), False)
    assert contacts.last_contacts(session, [case.id]) == {case.id: date(2014, 8, 1)}
    assert contacts.days_since(date(2014, 8, 1), date(2014, 8, 11)) == 10


def test_two_attempts_in_a_row_without_reaching_the_person_raise_the_case(session, case, coord, fp_ng):
    _log(session, fp_ng, case, date(2014, 8, 1), True)
    _log(session, fp_ng, case, date(2014, 8, 5), False)
    assert contacts.unreached_cases(session, coord) == []
    _log(session, fp_ng, case, date(2014, 8, 9), False)
    assert [(u.case_code, u.last_attempt) for u in contacts.unreached_cases(session, coord)] == [
        (case.code, date(2014, 8, 9))]
    assert [u.case_code for u in my_work(session, coord, today=date(2014, 8, 10)).unreached] == [case.code]
    assert contacts.unreached_cases(session, fp_ng) == []  # coordinators' Home only
    _log(session, fp_ng, case, date(2014, 8, 12), True)
    assert contacts.unreached_cases(session, coord) == []


# --- flags -----------------------------------------------------------------------------


def test_flags_show_while_active_and_until_their_end_date(session, case, fp_ng, coord):
    flags.flag_add(session, fp_ng, case.id, kind="do_not_call", reason="A trafficker uses her phone",
                   ends_on=None, today=date(2014, 8, 1))
    flags.flag_add(session, coord, case.id, kind="witness", reason="Trial in Madrid", ends_on=date(2014, 12, 31),
                   today=date(2014, 8, 1))
    assert flags.flags_by_case(session, [case.id], today=date(2014, 12, 31)) == {case.id: ["do_not_call", "witness"]}
    assert flags.flags_by_case(session, [case.id], today=date(2015, 1, 1)) == {case.id: ["do_not_call"]}
    assert flags.flag_labels(["do_not_call", "witness"]) == "⚑ Do not call, Witness in proceedings"
    first = flags.case_flags(session, fp_ng, case.id, today=date(2014, 8, 1))[0]
    flags.flag_remove(session, coord, first.id)
    assert flags.flags_by_case(session, [case.id], today=date(2014, 8, 2)) == {case.id: ["witness"]}
    assert _actions(session, case)[-3:] == ["flag.add", "flag.add", "flag.remove"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "vip"}, "kind"), ({"reason": ""}, "reason"), ({"ends_on": date(2014, 7, 31)}, "ends_on"),
])
def test_a_bad_flag_is_refused_by_its_field(session, case, fp_ng, changes, field):
    values = dict(kind="health", reason="Diabetes: insulin", ends_on=None, today=date(2014, 8, 1))
    with pytest.raises(ValidationErrors) as err:
        flags.flag_add(session, fp_ng, case.id, **(values | changes))
    assert set(err.value.errors) == {field}


def test_a_flag_of_a_hidden_case_cannot_be_removed(session, case, fp_ng):
    row = flags.flag_add(session, fp_ng, case.id, kind="health", reason="x", ends_on=None, today=date(2014, 8, 1))
    other = make_actor(session, "focal_point", countries=("MA",), programmes=("CARE",))
    with pytest.raises(NotPermitted):
        flags.flag_remove(session, other, row.id)


def test_the_next_follow_up_message_names_it_and_its_day(session, case, fp_ng):
    f = _first(session, case)
    followups.followup_log(session, fp_ng, f.id, entry=FollowUpEntry(done_on=FIRST, mode="visit"),
                           expected_version=f.version, today=FIRST)
    nxt = followups.followup_next(session, case.id)
    assert followups.next_message(nxt, today=FIRST) == "Next follow-up: 3 months after return, due September 3, 2014"
    assert followups.next_message(nxt, today=date(2014, 9, 4)) == \
        "Next follow-up: 3 months after return, overdue since September 3, 2014"


def test_case_lists_show_flags_and_the_last_contact(session, case, coord, fp_ng):
    from care.caselist import CaseFilter, cases_list

    _log(session, fp_ng, case, date(2014, 8, 1), True)
    flags.flag_add(session, fp_ng, case.id, kind="health", reason="Insulin", ends_on=None, today=date.today())
    rows, _total = cases_list(session, coord, CaseFilter(code=case.code))
    assert [(r.flags, r.last_contact) for r in rows] == [(("health",), date(2014, 8, 1))]


def test_a_follow_up_that_did_not_reach_the_person_counts_in_the_streak(session, case, coord, fp_ng):
    f = _first(session, case)
    followups.followup_log(session, fp_ng, f.id, entry=FollowUpEntry(done_on=FIRST, mode="phone", reached=False),
                           expected_version=f.version, today=FIRST)
    assert contacts.unreached_cases(session, coord) == []  # a follow-up alone does not raise the case
    _log(session, fp_ng, case, date(2014, 7, 10), False)
    assert [(u.case_code, u.last_attempt) for u in contacts.unreached_cases(session, coord)] == [
        (case.code, date(2014, 7, 10))]
