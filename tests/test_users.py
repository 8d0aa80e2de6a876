"""Users: creation rules, login counting and lock-out, changes at the next action."""

import pytest
from sqlmodel import select

from care import users
from care.errors import DomainError, NotPermitted, ValidationErrors
from care.passwords import password_problem
from db.models import AuditEvent, User, UserCountry
from tests.factories import PASSWORD, make_actor


def actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short", False), ("password1234", False), ("azertyuiop", False), ("Ada-Lovelace-2026", False),
     ("1qaz2wsx3edc", False), ("Jennifer1987!", False),  # a keyboard walk, a first name and a year (zxcvbn)
     ("correct-horse-battery-staple", True), ("Демо-пароль-надёжный", True)],
)
def test_password_rules(password, ok):
    assert (password_problem(password, username="ada", name="Ada Lovelace") is None) is ok


def test_user_create_validates_every_field_at_once(session):
    with pytest.raises(ValidationErrors) as err:
        users.user_create(session, users.NewUser(username="bad name!", name="", password="x", roles=(),
                                                 countries=("ZZ",)), actor=None)
    assert set(err.value.errors) == {"username", "name", "roles", "countries", "password"}


def test_focal_point_needs_a_country(session):
    with pytest.raises(ValidationErrors) as err:
        users.user_create(session, users.NewUser(username="fp", name="F P", password=PASSWORD,
                                                 roles=("focal_point",)), actor=None)
    assert "countries" in err.value.errors


def test_only_admins_create_users(session):
    coord = make_actor(session, "coordinator")
    with pytest.raises(NotPermitted):
        users.user_create(session, users.NewUser(username="x1", name="X", password=PASSWORD,
                                                 roles=("manager",)), actor=coord)


def test_an_administrator_lock_holds_until_unlocked(session):
    make_actor(session, "coordinator", username="maria")
    users.user_set_locked(session, "maria", True, actor=None)
    assert "maria" not in users.login_credentials(session)["usernames"]
    with pytest.raises(NotPermitted):
        users.actor_load(session, "maria")
    users.user_set_locked(session, "maria", False, actor=None)
    assert "maria" in users.login_credentials(session)["usernames"]
    assert "user.lock" in actions(session) and "user.unlock" in actions(session)


def test_country_change_takes_effect_at_next_load(session):
    make_actor(session, "focal_point", username="fp.es", countries=("ES",))
    uid = session.exec(select(User.id).where(User.username == "fp.es")).one()
    session.exec(select(UserCountry)).all()
    row = session.get(UserCountry, (uid, "ES"))
    session.delete(row)
    session.add(UserCountry(user_id=uid, country="PT"))
    session.flush()
    assert users.actor_load(session, "fp.es").countries == frozenset({"PT"})


def test_own_password_change_checks_the_current_one(session):
    actor = make_actor(session, "manager", username="lea", name="Léa Martin")
    with pytest.raises(ValidationErrors) as err:
        users.own_password_change(session, actor, "wrong", "another-long-passphrase", "different")
    assert set(err.value.errors) == {"current", "repeat"}
    users.own_password_change(session, actor, PASSWORD, "another-long-passphrase", "another-long-passphrase")
    assert users.login_credentials(session)["usernames"]["lea"]["password"].startswith("$2")


def test_language_choice_is_remembered(session):
    actor = make_actor(session, "manager", username="jo")
    users.own_language_set(session, actor, "fr")
    assert users.actor_load(session, "jo").language == "fr"
    with pytest.raises(DomainError):
        users.own_language_set(session, actor, "xx")


def test_logout_and_lock_revoke_every_login_cookie(session):
    from datetime import UTC, datetime, timedelta

    actor = make_actor(session, "coordinator", username="nadia")
    before = datetime.now(UTC) - timedelta(minutes=1)
    assert users.cookie_login_allowed(session, "nadia", before)
    users.logout_record(session, actor)
    assert not users.cookie_login_allowed(session, "nadia", before)
    assert users.cookie_login_allowed(session, "nadia", datetime.now(UTC) + timedelta(seconds=1))
    users.user_set_locked(session, "nadia", True, actor=None)
    assert not users.cookie_login_allowed(session, "nadia", datetime.now(UTC) + timedelta(seconds=1))
