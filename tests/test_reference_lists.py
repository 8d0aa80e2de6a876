"""Organisations and training modules: add, rename, retire; a retired entry stays on old records."""

import json

import pytest
from sqlmodel import select

from care import reference_lists as rl
from care.errors import NotPermitted, StaleEdit, ValidationErrors
from db.models import AuditEvent
from tests.factories import make_actor, make_case


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", name="Noor Admin", programmes=())


def actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def names(rows):
    return [r.name for r in rows]


# --- organisations ----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "countries"), [("admin", ()), ("coordinator", ()), ("focal_point", ("FR",))])
def test_staff_who_meet_organisations_may_add_one(session, role, countries):
    actor = make_actor(session, role, countries=countries)
    org = rl.organisation_add(session, actor, name="  Association   Le Relais ", org_type="NGO", country="fr")
    assert (org.name, org.country, org.retired) == ("Association Le Relais", "FR", False)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.add")).one()
    assert event.username == actor.username and json.loads(event.detail)["country"] == "FR"


def test_a_focal_point_adds_organisations_in_their_own_countries_only(session):
    fp = make_actor(session, "focal_point", countries=("FR",))
    with pytest.raises(ValidationErrors) as err:
        rl.organisation_add(session, fp, name="Fundación Norte", org_type="NGO", country="ES")
    assert "own countries" in err.value.errors["country"]


def test_a_manager_adds_no_organisation(session):
    with pytest.raises(NotPermitted):
        rl.organisation_add(session, make_actor(session, "manager"), name="X", org_type="NGO", country="FR")


@pytest.mark.parametrize(
    ("name", "org_type", "country", "fields"),
    [("", "NGO", "FR", {"name"}), ("x" * 201, "NGO", "FR", {"name"}), ("Ok", "Church", "FR", {"org_type"}),
     ("Ok", "NGO", "XX", {"country"}), ("", "", "", {"name", "org_type", "country"})],
)
def test_an_organisation_is_checked(session, admin, name, org_type, country, fields):
    with pytest.raises(ValidationErrors) as err:
        rl.organisation_add(session, admin, name=name, org_type=org_type, country=country)
    assert set(err.value.errors) == fields


def test_the_same_organisation_is_not_added_twice(session, admin):
    rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="FR")
    with pytest.raises(ValidationErrors, match="already in the list"):
        rl.organisation_add(session, admin, name="refuge  AURORE", org_type="NGO", country="FR")
    # The same name in another country is another organisation.
    rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="BE")


def test_a_retired_organisation_is_not_offered_but_stays_on_its_records(session, admin):
    org = rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="FR")
    other = rl.organisation_add(session, admin, name="Centre Horizon", org_type="HealthServiceOrganisation",
                                country="FR")
    case = make_case(session, organisation_id=org.id)
    coord = make_actor(session, "coordinator")
    rl.organisation_retire(session, admin, organisation_id=org.id, retired=True, version=org.version)

    assert names(rl.organisations_for_choice(session, coord, country="FR")) == ["Centre Horizon"]
    assert rl.organisation_name(session, case.organisation_id) == "Refuge Aurore"
    assert [o.retired for o in rl.organisations_list(session, admin, country="FR") if o.id == org.id] == [True]
    with pytest.raises(ValidationErrors, match="retired"):
        rl.organisation_add(session, coord, name="Refuge Aurore", org_type="NGO", country="FR")

    retired = next(o for o in rl.organisations_list(session, admin) if o.id == org.id)
    rl.organisation_retire(session, admin, organisation_id=org.id, retired=False, version=retired.version)
    assert names(rl.organisations_for_choice(session, coord, country="FR")) == ["Centre Horizon", "Refuge Aurore"]
    assert names(rl.organisations_for_choice(session, coord, country="BE")) == []
    assert other.id in {o.id for o in rl.organisations_for_choice(session, coord)}
    assert actions(session)[-2:] == ["organisation.retire", "organisation.unretire"]


def test_renaming_an_organisation_renames_it_on_its_records(session, admin):
    org = rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="FR")
    case = make_case(session, organisation_id=org.id)
    renamed = rl.organisation_update(session, admin, organisation_id=org.id, name="Refuge Aurore Lyon",
                                     org_type="LegalService", version=org.version)
    assert (renamed.name, renamed.org_type, renamed.version) == ("Refuge Aurore Lyon", "LegalService", 2)
    assert rl.organisation_name(session, case.organisation_id) == "Refuge Aurore Lyon"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.update")).one()
    assert json.loads(event.detail)["changes"]["name"] == ["Refuge Aurore", "Refuge Aurore Lyon"]
    assert rl.organisation_name(session, None) == "—"


def test_a_rename_opened_before_another_change_is_refused(session, admin):
    org = rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="FR")
    rl.organisation_retire(session, admin, organisation_id=org.id, retired=True, version=org.version)
    with pytest.raises(StaleEdit, match="Noor Admin"):
        rl.organisation_update(session, admin, organisation_id=org.id, name="Other", org_type="NGO",
                               version=org.version)


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "manager"])
def test_only_an_administrator_renames_retires_or_lists_everything(session, admin, role):
    org = rl.organisation_add(session, admin, name="Refuge Aurore", org_type="NGO", country="FR")
    module = rl.training_module_add(session, admin, name="Psychological first aid")
    other = make_actor(session, role, countries=("FR",))
    for call in (
        lambda: rl.organisation_update(session, other, organisation_id=org.id, name="X", org_type="NGO", version=1),
        lambda: rl.organisation_retire(session, other, organisation_id=org.id, retired=True, version=1),
        lambda: rl.organisations_list(session, other),
        lambda: rl.training_module_add(session, other, name="X"),
        lambda: rl.training_module_rename(session, other, module_id=module.id, name="X", version=1),
        lambda: rl.training_module_retire(session, other, module_id=module.id, retired=True, version=1),
        lambda: rl.training_modules_list(session, other),
    ):
        with pytest.raises(NotPermitted):
            call()
    # Everyone may pick from the active entries.
    assert names(rl.organisations_for_choice(session, other, country="FR")) == ["Refuge Aurore"]
    assert "Psychological first aid" in names(rl.training_modules_for_choice(session, other))


# --- training modules ---------------------------------------------------------------------------


def test_training_modules_add_rename_retire(session, admin):
    seeded = names(rl.training_modules_for_choice(session, admin))
    assert seeded[0] == "Definitions, legal framework, facts and figures"
    module = rl.training_module_add(session, admin, name="Working with interpreters")
    with pytest.raises(ValidationErrors, match="already in the list"):
        rl.training_module_add(session, admin, name="working with  interpreters")
    with pytest.raises(ValidationErrors):
        rl.training_module_add(session, admin, name=" ")

    module = rl.training_module_rename(session, admin, module_id=module.id, name="Interpreters in interviews",
                                       version=module.version)
    with pytest.raises(StaleEdit):
        rl.training_module_rename(session, admin, module_id=module.id, name="Again", version=1)
    rl.training_module_retire(session, admin, module_id=module.id, retired=True, version=module.version)
    assert names(rl.training_modules_for_choice(session, admin)) == seeded
    assert rl.training_module_name(session, module.id) == "Interpreters in interviews"
    assert [m.retired for m in rl.training_modules_list(session, admin) if m.id == module.id] == [True]
    assert actions(session)[-3:] == ["training_module.add", "training_module.rename", "training_module.retire"]


def test_retiring_what_is_already_retired_changes_nothing(session, admin):
    module = rl.training_module_add(session, admin, name="Working with interpreters")
    rl.training_module_retire(session, admin, module_id=module.id, retired=True, version=module.version)
    again = rl.training_module_retire(session, admin, module_id=module.id, retired=True, version=module.version)
    assert again.version == 2 and actions(session).count("training_module.retire") == 1
