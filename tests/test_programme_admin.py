"""Programme settings: validated, versioned with a history, audited; earlier decisions untouched."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from care import programme_admin as pa
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.i18n import use_language
from care.programmes import programme_settings
from db.models import AuditEvent, BudgetCap, Plan, PlanLine, ProgrammeCountry, ProgrammeHistory
from tests.factories import make_actor, make_case, programme_id


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", name="Noor Admin", programmes=())


@pytest.fixture
def care(session):
    return programme_settings(session, programme_id(session, "CARE"))


def form_of(settings, **fields) -> pa.ProgrammeInput:
    return replace(pa.programme_input_of(settings), **fields)


def with_cap(settings, code, amount, months=""):
    caps = dict(pa.programme_input_of(settings).caps)
    caps[code] = (amount, months)
    return form_of(settings, caps=caps)


def history(session, pid):
    return session.exec(select(ProgrammeHistory).where(ProgrammeHistory.programme_id == pid)
                        .order_by(ProgrammeHistory.version)).all()


def test_a_change_is_a_new_version_with_its_history_and_audit(session, admin, care):
    changes = pa.programme_update(session, admin, programme_id=care.id, version=care.version,
                                  data=replace(with_cap(care, "economic", "3000.00"), target_people=140))
    assert changes == {"target_people": [130, 140], "caps.economic": [["2500.00", None], ["3000.00", None]]}
    now = programme_settings(session, care.id)
    assert now.version == 2 and now.target_people == 140
    assert {c.category: c.amount for c in now.caps}["economic"] == Decimal("3000.00")
    versions = history(session, care.id)
    assert [h.version for h in versions] == [1, 2] and versions[-1].changed_by_id == admin.id
    assert versions[-1].snapshot["caps"]["economic"] == ["3000.00", None]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "programme.update")).one()
    assert json.loads(event.detail) == {"code": "CARE", "version": 2, "changes": changes}


def test_saving_the_same_settings_writes_nothing(session, admin, care):
    assert pa.programme_update(session, admin, programme_id=care.id, data=form_of(care), version=care.version) == {}
    assert programme_settings(session, care.id).version == 1 and len(history(session, care.id)) == 1


def test_a_form_opened_before_another_save_is_refused(session, admin, care):
    pa.programme_update(session, admin, programme_id=care.id, data=form_of(care, funder="A"), version=care.version)
    with pytest.raises(StaleEdit, match="Noor Admin"):
        pa.programme_update(session, admin, programme_id=care.id, data=form_of(care, funder="B"),
                            version=care.version)
    assert programme_settings(session, care.id).funder == "A"


def test_editing_a_cap_does_not_change_an_approved_plan(session, admin, care):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage="plan_approved")
    plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=coord.id, agreed_with_person=True,
                agreed_with_organisation=True, caps_snapshot=care.snapshot())
    session.add(plan)
    session.flush()
    line = PlanLine(plan_id=plan.id, category="economic", subcategory="income_generating",
                    description="Sewing workshop", amount=Decimal("2400.00"), currency="EUR",
                    amount_programme=Decimal("2400.00"))
    session.add(line)
    session.flush()
    before_snapshot, before_line = dict(plan.caps_snapshot), (line.amount, line.amount_programme, line.version)

    pa.programme_update(session, admin, programme_id=care.id, data=with_cap(care, "economic", "1000.00"),
                        version=care.version)
    session.expire_all()
    plan, line = session.get(Plan, plan.id), session.get(PlanLine, line.id)
    assert plan.caps_snapshot == before_snapshot and plan.caps_snapshot["caps"]["economic"]["amount"] == "2500.00"
    assert (line.amount, line.amount_programme, line.version) == before_line
    assert plan.status == "approved" and plan.version == 1


def test_the_currency_is_frozen_once_plans_exist(session, admin, care):
    chvot = programme_settings(session, programme_id(session, "CH_VOT"))
    pa.programme_update(session, admin, programme_id=chvot.id, data=form_of(chvot, currency="eur"),
                        version=chvot.version)
    assert programme_settings(session, chvot.id).currency == "EUR"

    coord = make_actor(session, "coordinator")
    case = make_case(session)
    session.add(Plan(case_id=case.id, revision_no=1, author_id=coord.id))
    session.flush()
    with pytest.raises(DomainError, match="plans under this programme are in EUR") as err:
        pa.programme_update(session, admin, programme_id=care.id, data=form_of(care, currency="CHF"),
                            version=care.version)
    assert err.value.field == "currency"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"start_date": date(2016, 1, 1)}, "end_date"),
        ({"host_countries": ()}, "host_countries"),
        ({"host_countries": ("FR", "XX")}, "host_countries"),
        ({"return_countries": ()}, "return_countries"),
        ({"return_countries": ("NG", "RO")}, "return_countries"),  # Romania: EU member since 2007
        ({"return_countries": ("NG", "GB")}, "return_countries"),  # the UK was in the EU in 2013
        ({"target_people": -1}, "target_people"),
        ({"target_minors": 131}, "target_minors"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"cap_per_person": "-1"}, "cap_per_person"),
        ({"cap_per_person": "12.345"}, "cap_per_person"),
        ({"cap_per_person": "lots"}, "cap_per_person"),
        ({"cap_per_person": "1,5"}, "cap_per_person"),  # a French decimal comma, typed in English
        ({"caps": {"economic": ("-5", "")}}, "caps"),
        ({"caps": {"economic": ("", "0")}}, "caps"),
        ({"caps": {"economic": ("", "six")}}, "caps"),
        ({"caps": {"yachts": ("100", "")}}, "caps"),
        ({"followup_months": ""}, "followup_months"),
        ({"followup_months": "3, 1, 6"}, "followup_months"),
        ({"followup_months": "1, 3, 3"}, "followup_months"),
        ({"followup_months": "0, 3"}, "followup_months"),
        ({"followup_months": "one, three"}, "followup_months"),
        ({"followup_months_minor": "6, 2"}, "followup_months_minor"),
        ({"retention_months": 0}, "retention_months"),
    ],
)
def test_settings_are_validated(session, admin, care, fields, field):
    with pytest.raises(ValidationErrors) as err:
        pa.programme_update(session, admin, programme_id=care.id, data=form_of(care, **fields), version=care.version)
    assert list(err.value.errors) == [field]
    assert programme_settings(session, care.id).version == 1


def test_a_country_that_left_the_eu_may_be_a_return_country_after_it_left(session, admin, care):
    data = form_of(care, start_date=date(2021, 1, 1), end_date=date(2023, 12, 31),
                   return_countries=care.return_countries + ("GB",))
    pa.programme_update(session, admin, programme_id=care.id, data=data, version=care.version)
    assert "GB" in programme_settings(session, care.id).return_countries


def test_amounts_and_months_read_as_the_user_writes_them(session, admin, care):
    with use_language("fr"):
        data = replace(with_cap(care, "medical_care", "1 500,50", " 6 "), cap_per_person="4500,00",
                       followup_months="1; 3 6,12", followup_months_minor="")
        pa.programme_update(session, admin, programme_id=care.id, data=data, version=care.version)
    now = programme_settings(session, care.id)
    assert {c.category: (c.amount, c.max_months) for c in now.caps}["medical_care"] == (Decimal("1500.50"), 6)
    assert now.cap_per_person == Decimal("4500.00") and now.followup_months == (1, 3, 6, 12)
    # No schedule of its own for minors: the adults' one applies.
    assert now.followup_months_minor == (1, 3, 6, 12)
    with use_language("fr"):
        assert pa.amount_text(Decimal("1500.50")) == "1500,50"
    assert pa.amount_text(Decimal("1500.50")) == "1500.50" and pa.amount_text(None) == ""


def test_emptying_a_cap_removes_it(session, admin, care):
    pa.programme_update(session, admin, programme_id=care.id, data=with_cap(care, "psychosocial", ""),
                        version=care.version)
    caps = session.exec(select(BudgetCap.category).where(BudgetCap.programme_id == care.id)).all()
    assert "psychosocial" not in caps and "economic" in caps


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "manager"])
def test_only_an_administrator_edits_or_copies_programmes(session, care, role):
    other = make_actor(session, role, countries=("FR",))
    with pytest.raises(NotPermitted):
        pa.programme_update(session, other, programme_id=care.id, data=form_of(care, name="X"), version=1)
    with pytest.raises(NotPermitted):
        pa.programme_copy(session, other, source_id=care.id, code="NEW", name="New")
    with pytest.raises(NotPermitted):
        pa.programme_history(session, other, programme_id=care.id)


def test_a_copy_has_every_setting_and_starts_its_own_history(session, admin, care):
    new = pa.programme_copy(session, admin, source_id=care.id, code=" care_2027 ", name="CARE 2027")
    copy = programme_settings(session, new.id)
    assert (copy.code, copy.name, copy.version) == ("CARE_2027", "CARE 2027", 1)
    same = ("funder", "start_date", "end_date", "currency", "target_people", "target_minors", "cap_per_person",
            "followup_months", "followup_months_minor", "retention_months", "host_countries", "return_countries",
            "caps")
    assert {k: getattr(copy, k) for k in same} == {k: getattr(care, k) for k in same}
    assert [(h.version, h.snapshot["name"]) for h in history(session, new.id)] == [(1, "CARE 2027")]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "programme.create")).one()
    assert json.loads(event.detail) == {"code": "CARE_2027", "copied_from": "CARE"}
    # The source is untouched.
    assert len(session.exec(select(ProgrammeCountry).where(ProgrammeCountry.programme_id == care.id)).all()) == \
        len(care.host_countries) + len(care.return_countries)


@pytest.mark.parametrize(
    ("code", "name", "fields"),
    [("", "New", {"code"}), ("CARE", "New", {"code"}), ("9LIVES", "New", {"code"}), ("A B", "New", {"code"}),
     ("NEW", "", {"name"}), ("", "", {"code", "name"})],
)
def test_a_copy_needs_a_new_code_and_a_name(session, admin, care, code, name, fields):
    with pytest.raises(ValidationErrors) as err:
        pa.programme_copy(session, admin, source_id=care.id, code=code, name=name)
    assert set(err.value.errors) == fields


def test_the_history_says_what_each_version_changed(session, admin, care):
    pa.programme_update(session, admin, programme_id=care.id, data=form_of(care, funder="ERF"), version=1)
    pa.programme_update(session, admin, programme_id=care.id,
                        data=form_of(programme_settings(session, care.id), followup_months="1, 3, 6, 9, 12"),
                        version=2)
    entries = pa.programme_history(session, admin, programme_id=care.id)
    assert [e.version for e in entries] == [3, 2, 1]
    assert entries[0].changes == {"followup_months": [[1, 3, 6, 12], [1, 3, 6, 9, 12]]}
    assert list(entries[1].changes) == ["funder"] and entries[1].changed_by == "Noor Admin"
    assert entries[2].changes == {} and entries[2].changed_by == "Reference data"


def test_the_currency_picker_offers_currencies_in_use():
    codes = pa.currencies_in_use()
    assert {"EUR", "CHF", "NGN", "XOF"} <= set(codes) and "FRF" not in codes
