"""Users in the administrator's hands: add with a one-time password, change roles, countries and
programmes, lock, deactivate, new password; every change audited, in effect at the next action."""

import json

import pytest
from sqlmodel import select

from care import users
from care.access import case_get
from care.caselist import cases_list
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.passwords import _ALPHABET, check_password, generate_password, password_problem
from db.models import AuditEvent, User
from tests.factories import PASSWORD, make_actor, make_case


def user(session, username) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def new_user(username="awa", **fields) -> users.NewUser:
    values = {"name": "Awa Diallo", "password": "", "roles": ("coordinator",), "programme_codes": ("CARE",),
              **fields}
    return users.NewUser(username=username, **values)


def change_of(row: users.UserRow, **fields) -> users.ProfileChange:
    values = {"name": row.name, "email": row.email, "roles": tuple(row.roles), "countries": tuple(row.countries),
              "programme_codes": tuple(row.programmes), **fields}
    return users.ProfileChange(**values)


def row_of(session, admin, username) -> users.UserRow:
    return next(r for r in users.users_list(session, actor=admin) if r.username == username)


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", name="Noor Admin", programmes=())


# --- adding a user ----------------------------------------------------------------------


def test_a_generated_password_is_returned_once_stored_only_as_a_hash(session, admin):
    once = users.user_add(session, admin, data=new_user(), generate=True)
    row = user(session, "awa")
    assert once and password_problem(once, username="awa", name="Awa Diallo") is None
    assert check_password(once, row.password_hash) and once not in row.password_hash
    assert row.must_change_password is True
    assert all(once not in e.detail for e in session.exec(select(AuditEvent)).all())
    event = events(session, "user.create")[-1]
    assert event.username == "root" and json.loads(event.detail)["roles"] == ["coordinator"]


def test_a_typed_password_must_be_changed_at_first_login(session, admin):
    assert users.user_add(session, admin, data=new_user(password="a-long-enough-secret")) is None
    assert user(session, "awa").must_change_password is True
    assert users.actor_load(session, "awa").must_change_password is True


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 12"), ("password1234", "too common"), ("awa-diallo-2026", "name or username"),
     ("Diallo-Paris-2026", "name or username")],
)
def test_a_typed_password_follows_the_rules(session, admin, password, message):
    with pytest.raises(ValidationErrors) as err:
        users.user_add(session, admin, data=new_user(password=password))
    assert message in err.value.errors["password"]
    assert session.exec(select(User).where(User.username == "awa")).first() is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"roles": ("focal_point",)}, "countries"), ({"countries": ("XX",)}, "countries"),
     ({"programme_codes": ("NOPE",)}, "programmes"), ({"email": "not an address"}, "email"),
     ({"roles": ("superuser",)}, "roles"), ({"name": "  "}, "name"), ({"language": "de"}, "language")],
)
def test_a_new_user_is_checked_field_by_field(session, admin, fields, field):
    with pytest.raises(ValidationErrors) as err:
        users.user_add(session, admin, data=new_user(password=PASSWORD, **fields))
    assert field in err.value.errors


def test_generated_passwords_are_strong_and_different():
    passwords = {generate_password(username="ada", name="Ada Lovelace") for _ in range(50)}
    assert len(passwords) == 50
    for p in passwords:
        assert len(p) == 19 and p.count("-") == 3
        assert set(p.replace("-", "")) <= set(_ALPHABET)


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "manager"])
def test_only_an_administrator_adds_changes_or_locks_users(session, role):
    other = make_actor(session, role, countries=("FR",) if role == "focal_point" else ())
    target = make_actor(session, "manager", username="target")
    with pytest.raises(NotPermitted):
        users.user_add(session, other, data=new_user(), generate=True)
    with pytest.raises(NotPermitted):
        users.user_update(session, other, username="target",
                          change=users.ProfileChange(name="X", email="", roles=("admin",)), version=1)
    for call in (lambda: users.user_set_locked(session, target.username, True, actor=other),
                 lambda: users.user_set_active(session, target.username, False, actor=other),
                 lambda: users.user_password_reset(session, other, username="target", generate=True),
                 lambda: users.users_list(session, actor=other)):
        with pytest.raises(NotPermitted):
            call()


# --- changing a user ----------------------------------------------------------------------


def test_a_focal_point_whose_countries_change_loses_the_old_cases_at_the_next_action(session, admin):
    es_case = make_case(session, host="ES", ret="MA")
    fr_case = make_case(session, host="FR", ret="NG")
    fp = make_actor(session, "focal_point", username="fp.x", countries=("ES",), programmes=("CARE",))
    assert case_get(session, fp, es_case.id).id == es_case.id

    row = row_of(session, admin, "fp.x")
    users.user_update(session, admin, username="fp.x", change=change_of(row, countries=("fr",)), version=row.version)

    # The actor the page held before the change still carries ES; the next action loads it again.
    fp = users.actor_load(session, "fp.x")
    assert fp.countries == frozenset({"FR"})
    with pytest.raises(NotPermitted):
        case_get(session, fp, es_case.id)
    assert [r.id for r in cases_list(session, fp)[0]] == [fr_case.id]
    event = events(session, "user.update")[-1]
    assert json.loads(event.detail)["changes"] == {"countries": [["ES"], ["FR"]]}
    assert event.username == "root"


def test_a_coordinator_removed_from_a_programme_no_longer_sees_its_cases(session, admin):
    tact = make_case(session, programme="TACT", host="CY", ret="AL")
    coord = make_actor(session, "coordinator", username="cx", programmes=("CARE", "TACT"))
    assert case_get(session, coord, tact.id)
    row = row_of(session, admin, "cx")
    users.user_update(session, admin, username="cx", change=change_of(row, programme_codes=("CARE",)),
                      version=row.version)
    with pytest.raises(NotPermitted):
        case_get(session, users.actor_load(session, "cx"), tact.id)


def test_roles_change_at_the_next_action(session, admin):
    make_actor(session, "manager", username="mgr")
    row = row_of(session, admin, "mgr")
    users.user_update(session, admin, username="mgr", change=change_of(row, roles=("manager", "coordinator")),
                      version=row.version)
    assert users.actor_load(session, "mgr").roles == {"manager", "coordinator"}


def test_an_edit_opened_before_another_save_is_refused_and_names_who_saved(session, admin):
    other_admin = make_actor(session, "admin", username="root2", name="Sam Second", programmes=())
    make_actor(session, "manager", username="mgr")
    row = row_of(session, admin, "mgr")
    users.user_update(session, other_admin, username="mgr", change=change_of(row, name="Renamed Once"),
                      version=row.version)
    with pytest.raises(StaleEdit, match="Sam Second"):
        users.user_update(session, admin, username="mgr", change=change_of(row, email="m@example.org"),
                          version=row.version)
    assert user(session, "mgr").email == ""


def test_saving_unchanged_values_writes_nothing(session, admin):
    make_actor(session, "manager", username="mgr")
    row = row_of(session, admin, "mgr")
    users.user_update(session, admin, username="mgr", change=change_of(row), version=row.version)
    assert user(session, "mgr").version == row.version and not events(session, "user.update")


def test_a_user_update_is_validated(session, admin):
    make_actor(session, "manager", username="mgr")
    row = row_of(session, admin, "mgr")
    with pytest.raises(ValidationErrors) as err:
        users.user_update(session, admin, username="mgr", version=row.version,
                          change=change_of(row, name="", roles=("focal_point",), programme_codes=("ZZZ",)))
    assert set(err.value.errors) == {"name", "countries", "programmes"}


# --- nobody shuts the door on everyone --------------------------------------------------------


def test_an_administrator_cannot_lock_deactivate_or_demote_themselves(session, admin):
    with pytest.raises(DomainError, match="your own account"):
        users.user_set_locked(session, "root", True, actor=admin)
    with pytest.raises(DomainError, match="your own account"):
        users.user_set_active(session, "root", False, actor=admin)
    row = row_of(session, admin, "root")
    with pytest.raises(ValidationErrors) as err:
        users.user_update(session, admin, username="root", change=change_of(row, roles=("manager",)),
                          version=row.version)
    assert "your own administrator role" in err.value.errors["roles"]
    assert users.actor_load(session, "root").has("admin")


def test_the_last_administrator_who_can_log_in_stays(session, admin):
    make_actor(session, "admin", username="root2", programmes=())
    stale = admin  # loaded before root2 deactivated root's account
    users.user_set_active(session, "root", False, actor=users.actor_load(session, "root2"))
    for call in (lambda: users.user_set_locked(session, "root2", True, actor=stale),
                 lambda: users.user_set_active(session, "root2", False, actor=stale)):
        with pytest.raises(DomainError, match="last administrator"):
            call()
    row = row_of(session, stale, "root2")
    with pytest.raises(ValidationErrors, match="last administrator"):
        users.user_update(session, stale, username="root2", change=change_of(row, roles=("manager",)),
                          version=row.version)


def test_the_command_line_may_lock_anyone(session, admin):
    users.user_set_locked(session, "root", True, actor=None)
    assert user(session, "root").locked


# --- lock, deactivate, new password ---------------------------------------------------------


def test_lock_and_deactivate_shut_the_user_out_and_keep_the_row(session, admin):
    make_actor(session, "coordinator", username="cy")
    users.user_set_locked(session, "cy", True, actor=admin)
    with pytest.raises(NotPermitted):
        users.actor_load(session, "cy")
    users.user_set_locked(session, "cy", False, actor=admin)
    assert users.actor_load(session, "cy").username == "cy"

    uid = user(session, "cy").id
    users.user_set_active(session, "cy", False, actor=admin)
    with pytest.raises(NotPermitted):
        users.actor_load(session, "cy")
    assert "cy" not in users.login_credentials(session)["usernames"]
    assert user(session, "cy").id == uid, "never deleted"
    assert [r.is_active for r in users.users_list(session, actor=admin) if r.username == "cy"] == [False]
    users.user_set_active(session, "cy", True, actor=admin)
    assert "cy" in users.login_credentials(session)["usernames"]
    assert [e.username for e in events(session, "user.lock")] == ["root"]
    assert [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(uid))).all()][-4:] \
        == ["user.lock", "user.unlock", "user.deactivate", "user.reactivate"]


def test_deactivation_refuses_the_users_login_cookies(session, admin):
    from datetime import UTC, datetime, timedelta

    make_actor(session, "coordinator", username="cz")
    issued = datetime.now(UTC) - timedelta(minutes=5)
    assert users.cookie_login_allowed(session, "cz", issued)
    users.user_set_active(session, "cz", False, actor=admin)
    users.user_set_active(session, "cz", True, actor=admin)
    assert not users.cookie_login_allowed(session, "cz", issued)


def test_a_new_password_from_the_administrator_replaces_the_old_one(session, admin):
    make_actor(session, "coordinator", username="cw")
    once = users.user_password_reset(session, admin, username="cw", generate=True)
    row = user(session, "cw")
    assert check_password(once, row.password_hash) and not check_password(PASSWORD, row.password_hash)
    assert row.must_change_password and row.sessions_revoked_at is not None
    with pytest.raises(DomainError, match="at least 12"):
        users.user_password_reset(session, admin, username="cw", password="short")
    assert users.user_password_reset(session, admin, username="cw", password="typed-by-the-admin") is None
    assert events(session, "user.set_password")[-1].username == "root"


def test_the_list_shows_what_the_administrator_needs(session, admin):
    make_actor(session, "focal_point", username="fp.q", countries=("NG", "ES"), programmes=("CARE", "TACT"))
    from care.login import login_attempt

    login_attempt(session, username="fp.q", password=PASSWORD)
    row = row_of(session, admin, "fp.q")
    assert (row.roles, row.countries, row.programmes, row.locked, row.is_active) == (
        ["focal_point"], ["ES", "NG"], ["CARE", "TACT"], False, True)
    assert row.last_login_at is not None and row.version >= 1
