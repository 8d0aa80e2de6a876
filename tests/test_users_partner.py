"""Partner users: one partner organisation each, no country or programme, set by an administrator."""

import json

import pytest
from sqlmodel import select

from care import users
from care.errors import ValidationErrors
from db.models import AuditEvent, User
from tests.factories import make_actor, make_partner


def new_partner_user(username="kemi", **fields) -> users.NewUser:
    values = {"name": "Kemi Adeyemi", "password": "", "roles": ("partner",), **fields}
    return users.NewUser(username=username, **values)


def row_of(session, admin, username) -> users.UserRow:
    return next(r for r in users.users_list(session, actor=admin) if r.username == username)


def change_of(row: users.UserRow, **fields) -> users.ProfileChange:
    values = {"name": row.name, "email": row.email, "roles": tuple(row.roles), "countries": tuple(row.countries),
              "programme_codes": tuple(row.programmes), "partner_id": row.partner_id, **fields}
    return users.ProfileChange(**values)


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", programmes=())


def test_a_partner_user_is_created_for_an_organisation_and_acts_for_it(session, admin):
    org = make_partner(session, country="NG")
    users.user_add(session, admin, data=new_partner_user(partner_id=org.id), generate=True)
    actor = users.actor_load(session, "kemi")
    assert actor.partner_id == org.id and actor.countries == frozenset() and actor.programme_ids == frozenset()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                  AuditEvent.entity_id == str(actor.id))).one()
    assert json.loads(event.detail)["partner_id"] == org.id


@pytest.mark.parametrize("fields, field, message", [
    ({}, "partner_id", "Choose the partner organisation this user works for."),
    ({"partner_id": 99999}, "partner_id", "Choose an active partner organisation."),
    ({"countries": ("NG",)}, "countries", "A partner user has no countries: they see only what is referred to them."),
    ({"programme_codes": ("CARE",)}, "programmes",
     "A partner user has no programmes: they see only what is referred to them."),
    ({"roles": ("partner", "coordinator")}, "roles", "A partner user has the partner role only."),
])
def test_a_partner_user_needs_an_organisation_and_nothing_else(session, admin, fields, field, message):
    org = make_partner(session)
    data = new_partner_user(**({"partner_id": org.id, **fields} if fields else {}))
    with pytest.raises(ValidationErrors) as err:
        users.user_add(session, admin, data=data, generate=True)
    assert err.value.errors[field] == message
    assert session.exec(select(User).where(User.username == "kemi")).first() is None


def test_a_retired_organisation_takes_no_new_user(session, admin):
    org = make_partner(session)
    org.active = False
    session.add(org)
    with pytest.raises(ValidationErrors) as err:
        users.user_add(session, admin, data=new_partner_user(partner_id=org.id), generate=True)
    assert err.value.errors["partner_id"] == "Choose an active partner organisation."


def test_other_roles_refuse_an_organisation(session, admin):
    org = make_partner(session)
    data = users.NewUser(username="awa", name="Awa Diallo", password="", roles=("coordinator",),
                         programme_codes=("CARE",), partner_id=org.id)
    with pytest.raises(ValidationErrors) as err:
        users.user_add(session, admin, data=data, generate=True)
    assert err.value.errors["partner_id"] == "Only a partner user belongs to a partner organisation."


def test_moving_a_partner_user_to_another_organisation_is_audited_and_takes_effect(session, admin):
    first, second = make_partner(session, name="Hope NG"), make_partner(session, name="Care GH", country="GH")
    users.user_add(session, admin, data=new_partner_user(partner_id=first.id), generate=True)
    row = row_of(session, admin, "kemi")
    assert row.partner_id == first.id
    users.user_update(session, admin, username="kemi", change=change_of(row, partner_id=second.id), version=row.version)
    assert users.actor_load(session, "kemi").partner_id == second.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert json.loads(event.detail)["changes"]["partner_id"] == [first.id, second.id]


def test_a_partner_user_becoming_staff_leaves_the_organisation(session, admin):
    org = make_partner(session)
    users.user_add(session, admin, data=new_partner_user(partner_id=org.id), generate=True)
    row = row_of(session, admin, "kemi")
    with pytest.raises(ValidationErrors) as err:
        users.user_update(session, admin, username="kemi", version=row.version,
                          change=change_of(row, roles=("coordinator",), programme_codes=("CARE",)))
    assert err.value.errors["partner_id"] == "Only a partner user belongs to a partner organisation."
    users.user_update(session, admin, username="kemi", version=row.version,
                      change=change_of(row, roles=("coordinator",), programme_codes=("CARE",), partner_id=None))
    actor = users.actor_load(session, "kemi")
    assert actor.partner_id is None and {r.value for r in actor.roles} == {"coordinator"}
