"""The service directory page as the administrator uses it (on a private copy of the demo database)."""

from __future__ import annotations

from sqlmodel import select

from db.models import AuditEvent, PartnerOrganisation, PartnerService
from tests.form_keys import widget
from tests.test_pages import errors
from tests.test_pages_admin import admin_db, admin_page, button, db, successes  # noqa: F401


def test_a_partner_is_added_given_a_service_and_retired(admin_db):  # noqa: F811
    at = admin_page("admin_partners")
    button(at, "Add").click().run()
    assert errors(at) == ["Choose a country.", "The name is required."]
    widget(at, "text_input", "partner_add", "name").input("Maison Espoir Dakar (demo)")
    widget(at, "selectbox", "partner_add", "country").set_value("SN")
    widget(at, "selectbox", "partner_add", "kind").set_value("shelter")
    widget(at, "multiselect", "partner_add", "languages").set_value(["fr", "wo"])
    widget(at, "text_area", "partner_add", "contact").input("Rue 10, Dakar")
    button(at, "Add").click().run()
    assert not errors(at) and "Partner organisation added." in successes(at)

    at.selectbox(key="partner_country").set_value("SN").run()
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == "Maison Espoir Dakar (demo)"]
    assert list(row.iloc[0]) == ["Maison Espoir Dakar (demo)", "Senegal", "Shelter", "French, Wolof", "", "In use"]
    with db(admin_db) as s:
        org = s.exec(select(PartnerOrganisation).where(PartnerOrganisation.name == "Maison Espoir Dakar (demo)")).one()
    pick = at.selectbox(key="partner_pick")
    pick.set_value(org.id).run()
    widget(at, "selectbox", f"service_add_{org.id}", "kind").set_value("temporary_housing")
    button(at, "Add the service").click().run()
    assert "Service added." in successes(at)
    at.selectbox(key=f"service_add_{org.id}_1_kind").set_value("temporary_housing")
    button(at, "Add the service").click().run()
    assert errors(at) == ["This organisation already offers this service."]

    button(at, "Retire").click().run()
    assert "Saved." in successes(at)
    table = at.dataframe[0].value
    assert list(table[table.iloc[:, 0] == "Maison Espoir Dakar (demo)"].iloc[:, 5]) == ["Retired"]
    with db(admin_db) as s:
        assert s.exec(select(PartnerService.kind).where(PartnerService.partner_id == org.id)).all() == [
            "temporary_housing"]
        logged = s.exec(select(AuditEvent.action).where(AuditEvent.entity.in_(
            ["partner_organisation", "partner_service"]), AuditEvent.username == "admin")).all()
        assert logged == ["partner.create", "partner_service.add", "partner.retire"]


def test_an_edit_made_by_someone_else_meanwhile_is_not_overwritten(admin_db):  # noqa: F811
    from care import partners, users

    with db(admin_db) as s:
        org = s.exec(select(PartnerOrganisation).order_by(PartnerOrganisation.id)).first()
        oid, name = org.id, org.name
    at = admin_page("admin_partners")
    at.selectbox(key="partner_pick").set_value(oid).run()
    at.text_input(key=f"partner_edit_{oid}_v1_name").input(name + " (typed)")
    with db(admin_db) as s:
        admin = users.actor_load(s, "admin")
        row = partners.partners_list(s, admin)
        current = next(p for p in row if p.id == oid)
        partners.partner_edit(s, admin, partner_id=oid, version=current.version, data=partners.PartnerInput(
            name=name + " (saved first)", kind=current.kind, contact=current.contact, languages=current.languages))
    button(at, "Save").click().run()
    assert len(errors(at)) == 1 and "saved this record on" in errors(at)[0]
    assert at.text_input(key=f"partner_edit_{oid}_v1_name").value == name + " (typed)"
