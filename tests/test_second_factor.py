"""The second factor (care/second_factor.py), with real codes from pyotp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from care import login, second_factor, users
from care.access import Role
from care.errors import DomainError
from care.login import LoginRefused
from db.models import AuditEvent, RecoveryCode, User
from tests.factories import make_actor

T0 = datetime(2026, 12, 6, 10, 0, 0, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrolled(session, role="coordinator", username=None):
    actor = make_actor(session, role, username=username, countries=("FR",) if role == "focal_point" else ())
    codes = second_factor.enrol(session, actor, secret=SECRET, code=pyotp.TOTP(SECRET).at(T0), now=T0)
    return actor, codes


@pytest.mark.parametrize(("roles", "demo", "is_enrolled", "required"), [
    ({Role.ADMIN}, False, False, True),
    ({Role.COORDINATOR}, False, False, True),
    ({Role.FOCAL_POINT}, False, False, True),
    ({Role.PARTNER}, False, False, True),
    ({Role.MANAGER}, False, False, False),   # reads no identity
    ({Role.COORDINATOR}, True, False, False),  # demo users may skip it, in demo mode only
    ({Role.MANAGER}, True, True, True),      # once enrolled, always asked
])
def test_who_must_give_a_second_factor(roles, demo, is_enrolled, required):
    from care.access import Actor

    actor = Actor(id=1, username="u", name="U", roles=frozenset(roles), countries=frozenset(),
                  programme_ids=frozenset(), language="en")
    assert second_factor.second_factor_required(actor, enrolled=is_enrolled, demo=demo) is required


def test_every_role_that_reads_identity_is_listed():
    assert {Role.ADMIN, Role.COORDINATOR, Role.FOCAL_POINT, Role.PARTNER} <= second_factor.SECOND_FACTOR_ROLES


def test_enrolment_needs_the_current_code_and_gives_ten_hashed_recovery_codes(session):
    actor = make_actor(session, "coordinator")
    with pytest.raises(DomainError):
        second_factor.enrol(session, actor, secret=SECRET, code=pyotp.TOTP(SECRET).at(T0 - timedelta(minutes=5)),
                            now=T0)
    actor2, codes = enrolled(session)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == actor2.id)).all()
    assert len(stored) == 10 and all(r.code_hash.startswith("$2") for r in stored)
    assert all(c not in r.code_hash for c in codes for r in stored)
    assert session.get(User, actor2.id).totp_enabled_at is not None


def test_a_code_is_accepted_once_and_only_near_its_time(session):
    actor, _codes = enrolled(session)
    totp = pyotp.TOTP(SECRET)
    later = T0 + timedelta(minutes=3)
    assert second_factor.verify(session, actor.id, totp.at(later), later)
    assert not second_factor.verify(session, actor.id, totp.at(later), later), "replayed"
    assert not second_factor.verify(session, actor.id, totp.at(later + timedelta(minutes=5)), later)
    assert not second_factor.verify(session, actor.id, "000000", later + timedelta(minutes=1))


def test_a_recovery_code_works_once(session):
    actor, codes = enrolled(session)
    assert second_factor.verify(session, actor.id, codes[3].upper(), T0)
    assert not second_factor.verify(session, actor.id, codes[3], T0)
    assert second_factor.recovery_codes_left(session, actor.id) == 9
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "second_factor.recovery_code")).first()


def test_the_code_completes_the_sign_in_and_wrong_codes_count_as_failed_logins(session):
    actor, _codes = enrolled(session, username="tess")
    sign_in = login.sign_in_start(session, actor, cookie_token="c")
    for i in range(5):
        with pytest.raises(LoginRefused):
            login.second_factor_attempt(session, user_id=actor.id, sign_in_id=sign_in, code="123456",
                                        client=f"198.51.100.{i}", now=T0 + timedelta(minutes=1))
    assert not login.sign_in_second_factor_given(session, sign_in)
    # The account now waits: even the right code is refused for a minute.
    with pytest.raises(LoginRefused, match="wait a few minutes"):
        login.second_factor_attempt(session, user_id=actor.id, sign_in_id=sign_in,
                                    code=pyotp.TOTP(SECRET).at(T0 + timedelta(minutes=1, seconds=30)),
                                    client="198.51.100.50", now=T0 + timedelta(minutes=1, seconds=30))
    right = T0 + timedelta(minutes=3)
    login.second_factor_attempt(session, user_id=actor.id, sign_in_id=sign_in, code=pyotp.TOTP(SECRET).at(right),
                                client="198.51.100.51", now=right)
    assert login.sign_in_second_factor_given(session, sign_in)


def test_an_administrator_resets_a_lost_second_factor(session):
    admin = make_actor(session, "admin")
    actor, _codes = enrolled(session, username="lost.phone")
    sign_in = login.sign_in_start(session, actor, cookie_token="c")
    users.second_factor_reset(session, admin, "lost.phone")
    assert not second_factor.is_enrolled(session, actor.id)
    assert second_factor.recovery_codes_left(session, actor.id) == 0
    assert login.sign_in_touch(session, sign_in) == "2fa reset"


def test_the_secret_is_encrypted_at_rest(session):
    from sqlalchemy import text

    actor, _codes = enrolled(session)
    raw = session.exec(text("SELECT totp_secret FROM app_user WHERE id = :i").bindparams(i=actor.id)).one()[0]
    assert SECRET not in raw and raw.startswith("gAAAAA")


def test_every_user_can_be_asked_for_it(monkeypatch):
    from care import config
    from care.access import Actor

    manager = Actor(id=1, username="m", name="M", roles=frozenset({Role.MANAGER}))
    monkeypatch.setenv("CARE_SECOND_FACTOR", "all")
    config.settings.cache_clear()
    try:
        assert second_factor.second_factor_required(manager, enrolled=False, demo=False)
    finally:
        monkeypatch.delenv("CARE_SECOND_FACTOR")
        config.settings.cache_clear()
    assert not second_factor.second_factor_required(manager, enrolled=False, demo=False)
