"""The service directory: administrators keep it, coordinators read it, every change audited."""

import json

import pytest
from sqlmodel import select

from care import partners
from care.errors import NotPermitted, StaleEdit, ValidationErrors
from db.models import AuditEvent, PartnerOrganisation
from tests.factories import make_actor, make_case


def org(name="Hope Shelter Lagos", kind="shelter", country="NG", **fields) -> partners.PartnerInput:
    return partners.PartnerInput(name=name, kind=kind, country=country, **fields)


def actions(session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", programmes=())


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


def test_an_administrator_adds_an_organisation_with_languages_and_contact(session, admin):
    row = partners.partner_create(session, admin, data=org(contact="12 Allen Avenue, Ikeja", languages=("yo", "en")))
    assert (row.name, row.country, row.kind, row.languages, row.active) == (
        "Hope Shelter Lagos", "NG", "shelter", ("en", "yo"), True)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "partner.create")).one()
    assert event.username == admin.username and json.loads(event.detail)["country"] == "NG"


@pytest.mark.parametrize("data, field, message", [
    (org(name="  "), "name", "The name is required."),
    (org(kind="church"), "kind", "Choose the kind of organisation."),
    (org(country="XX"), "country", "Choose a country."),
    (org(languages=("yo", "zz")), "languages", "Unknown language code: zz"),
])
def test_bad_input_is_refused_by_its_field(session, admin, data, field, message):
    with pytest.raises(ValidationErrors) as err:
        partners.partner_create(session, admin, data=data)
    assert err.value.errors[field] == message


def test_the_same_name_twice_in_one_country_is_refused_but_allowed_in_another(session, admin):
    partners.partner_create(session, admin, data=org())
    with pytest.raises(ValidationErrors) as err:
        partners.partner_create(session, admin, data=org(name="hope  shelter LAGOS"))
    assert err.value.errors["name"] == "This organisation is already in the directory for this country."
    assert partners.partner_create(session, admin, data=org(country="GH")).country == "GH"


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "manager", "partner"])
def test_only_an_administrator_writes(session, admin, role):
    other = make_actor(session, role, countries=("NG",) if role == "focal_point" else ())
    row = partners.partner_create(session, admin, data=org())
    for attempt in (
        lambda: partners.partner_create(session, other, data=org(name="Other")),
        lambda: partners.partner_edit(session, other, partner_id=row.id, data=org(name="New"), version=row.version),
        lambda: partners.partner_set_active(session, other, active=False, partner_id=row.id, version=row.version),
        lambda: partners.service_add(session, other, partner_id=row.id, kind="housing"),
    ):
        with pytest.raises(NotPermitted):
            attempt()


def test_an_edit_opened_before_another_save_is_refused(session, admin):
    row = partners.partner_create(session, admin, data=org())
    partners.partner_edit(session, admin, partner_id=row.id, data=org(name="Hope Shelter Ikeja"), version=row.version)
    with pytest.raises(StaleEdit):
        partners.partner_edit(session, admin, partner_id=row.id, data=org(name="Hope House"), version=row.version)
    assert session.get(PartnerOrganisation, row.id).name == "Hope Shelter Ikeja"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "partner.edit")).one()
    assert json.loads(event.detail)["changes"]["name"] == ["Hope Shelter Lagos", "Hope Shelter Ikeja"]


def test_retire_and_bring_back_are_audited_and_the_country_stays(session, admin):
    row = partners.partner_create(session, admin, data=org())
    retired = partners.partner_set_active(session, admin, active=False, partner_id=row.id, version=row.version)
    assert retired.active is False
    back = partners.partner_set_active(session, admin, active=True, partner_id=row.id, version=retired.version)
    assert back.active is True and back.country == "NG"
    assert actions(session)[-3:] == ["partner.create", "partner.retire", "partner.reactivate"]


def test_a_service_takes_its_category_from_the_plan_kind_and_is_not_offered_twice(session, admin):
    row = partners.partner_create(session, admin, data=org())
    service = partners.service_add(session, admin, partner_id=row.id, kind="temporary_housing", note="12 beds")
    assert (service.category, service.kind, service.note) == ("immediate", "temporary_housing", "12 beds")
    with pytest.raises(ValidationErrors) as err:
        partners.service_add(session, admin, partner_id=row.id, kind="temporary_housing")
    assert err.value.errors["kind"] == "This organisation already offers this service."
    with pytest.raises(ValidationErrors) as err:
        partners.service_add(session, admin, partner_id=row.id, kind="haircut")
    assert err.value.errors["kind"] == "Choose what kind of help this is."
    partners.service_retire(session, admin, service_id=service.id, version=service.version)
    again = partners.service_add(session, admin, partner_id=row.id, kind="temporary_housing")
    listed = partners.partners_list(session, admin)[0].services
    assert [(s.id, s.active) for s in listed] == [(service.id, False), (again.id, True)]
    assert actions(session).count("partner_service.retire") == 1


def test_the_list_filters_by_country_and_activity_and_is_read_by_coordinators(session, admin, coord):
    a = partners.partner_create(session, admin, data=org(name="Bravo"))
    partners.partner_create(session, admin, data=org(name="alpha"))
    partners.partner_create(session, admin, data=org(name="Accra Care", country="GH"))
    partners.partner_set_active(session, admin, active=False, partner_id=a.id, version=a.version)
    assert [p.name for p in partners.partners_list(session, coord)] == ["Accra Care", "alpha", "Bravo"]
    assert [p.name for p in partners.partners_list(session, coord, country="ng", active_only=True)] == ["alpha"]
    with pytest.raises(NotPermitted):
        partners.partners_list(session, make_actor(session, "manager"))


def test_partners_for_a_line_are_active_ones_of_the_return_country_offering_the_category(session, admin, coord):
    def add(name, country, kinds, active=True):
        row = partners.partner_create(session, admin, data=org(name=name, country=country))
        for kind in kinds:
            partners.service_add(session, admin, partner_id=row.id, kind=kind)
        if not active:
            partners.partner_set_active(session, admin, active=False, partner_id=row.id, version=row.version)
        return row

    add("Shelter NG", "NG", ["temporary_housing", "housing"])
    add("Clinic NG", "NG", ["medical_care"])
    add("Closed NG", "NG", ["housing"], active=False)
    add("Shelter GH", "GH", ["housing"])
    retired_service = add("Old NG", "NG", [])
    service = partners.service_add(session, admin, partner_id=retired_service.id, kind="housing")
    partners.service_retire(session, admin, service_id=service.id, version=service.version)
    case = make_case(session, ret="NG")
    assert [p.name for p in partners.partners_for_line(session, coord, case.id, "social")] == ["Clinic NG",
                                                                                              "Shelter NG"]
    assert [p.name for p in partners.partners_for_line(session, coord, case.id, "economic")] == []
    outsider = make_actor(session, "coordinator", programmes=("TACT",))
    with pytest.raises(NotPermitted):
        partners.partners_for_line(session, outsider, case.id, "social")
