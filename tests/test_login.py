"""Login rules (care/login.py): temporary locks that grow, slower tries from a failing client,
one message and one cost for every refusal, sign-ins whose idle time lives on the server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from care import login, users
from care.login import LoginRefused
from db.models import AuditEvent, SignIn, User
from tests.factories import PASSWORD, make_actor

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
REFUSED = ("Username or password is incorrect, or the account must wait a few minutes after too many "
           "failed logins.")


def attempt(session, username, password, *, at, client="203.0.113.7"):
    return login.login_attempt(session, username=username, password=password, client=client, now=at)


def refused(session, username, password, *, at, client="203.0.113.7") -> str:
    with pytest.raises(LoginRefused) as err:
        attempt(session, username, password, at=at, client=client)
    return err.value.message


def user(session, username) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def test_failures_make_the_account_wait_longer_each_time_never_for_good(session):
    make_actor(session, "admin", username="ines")
    # Each failure from another address: the account rule alone is at work here.
    for i in range(5):
        assert refused(session, "ines", "wrong-guess", at=T0, client=f"198.51.100.{i}") == REFUSED
    row = user(session, "ines")
    assert not row.locked, "failures never lock the account for good"
    # Even the right password waits out the minute, with the same message.
    assert refused(session, "ines", PASSWORD, at=T0 + timedelta(seconds=59), client="198.51.100.9") == REFUSED
    assert attempt(session, "ines", PASSWORD, at=T0 + timedelta(seconds=61), client="198.51.100.9").username == "ines"
    # A new series of failures right after: 1 minute again (a success starts over)...
    for i in range(5):
        refused(session, "ines", "wrong-guess", at=T0 + timedelta(minutes=2), client=f"198.51.100.{20 + i}")
    assert refused(session, "ines", PASSWORD, at=T0 + timedelta(minutes=2, seconds=59), client="198.51.100.40") \
        == REFUSED
    # ...and a second lock in a row waits 2 minutes, a third 4 minutes.
    for i in range(5):
        refused(session, "ines", "wrong-guess", at=T0 + timedelta(minutes=3, seconds=1), client=f"198.51.100.{50 + i}")
    assert refused(session, "ines", PASSWORD, at=T0 + timedelta(minutes=4, seconds=59), client="198.51.100.60") \
        == REFUSED
    assert attempt(session, "ines", PASSWORD, at=T0 + timedelta(minutes=5, seconds=2), client="198.51.100.61")
    locks = session.exec(select(AuditEvent).where(AuditEvent.action == "user.lock")).all()
    assert len(locks) == 3


def test_tries_during_the_wait_do_not_lengthen_it(session):
    make_actor(session, "coordinator", username="omar")
    for i in range(5):
        refused(session, "omar", "wrong-guess", at=T0, client=f"198.51.100.{i}")
    for i in range(30):  # an attacker hammering from many addresses during the wait
        refused(session, "omar", "wrong-guess", at=T0 + timedelta(seconds=30), client=f"192.0.2.{i}")
    assert attempt(session, "omar", PASSWORD, at=T0 + timedelta(seconds=61), client="198.51.100.99")


def test_a_client_that_keeps_failing_waits_longer_before_any_password_is_checked(session):
    make_actor(session, "coordinator", username="lea")
    client = "203.0.113.50"
    for i in range(5):  # five names tried: free
        refused(session, f"guess{i}", "x", at=T0, client=client)
    refused(session, "guess5", "x", at=T0, client=client)  # the sixth failure: 1 s to wait
    message = refused(session, "lea", PASSWORD, at=T0 + timedelta(seconds=0.5), client=client)
    assert message == "Too many failed logins from this computer: wait 1 seconds and try again."
    refused(session, "guess6", "x", at=T0 + timedelta(seconds=1.1), client=client)  # then 2 s
    assert login.client_wait(session, client, T0 + timedelta(seconds=1.1)) == pytest.approx(2.0)
    at = T0 + timedelta(seconds=4)
    for i in range(12):  # the wait doubles up to 15 minutes
        refused(session, f"more{i}", "x", at=at, client=client)
        at += timedelta(seconds=login.client_wait(session, client, at) + 0.1)
    assert login.client_wait(session, client, at - timedelta(seconds=0.1)) == 0
    refused(session, "again", "x", at=at, client=client)
    assert login.client_wait(session, client, at) == pytest.approx(900)
    assert refused(session, "lea", PASSWORD, at=at + timedelta(minutes=5), client=client) == \
        "Too many failed logins from this computer: wait 10 minutes and try again."
    # Another client is not slowed down, and the account itself was never touched.
    assert attempt(session, "lea", PASSWORD, at=at, client="198.51.100.1").username == "lea"


def test_an_unknown_name_and_a_wrong_password_read_the_same(session):
    make_actor(session, "coordinator", username="nadia")
    known = [refused(session, "nadia", "wrong-guess", at=T0, client=f"198.51.100.{i}") for i in range(6)]
    unknown = [refused(session, "nobody-here", "wrong-guess", at=T0, client=f"192.0.2.{i}") for i in range(6)]
    assert set(known) == set(unknown) == {REFUSED}
    users.user_set_active(session, "nadia", False, actor=None)
    # The right password for a deactivated account: whoever typed it is told so (issue 25).
    assert refused(session, "nadia", PASSWORD, at=T0 + timedelta(hours=1), client="192.0.2.200").startswith(
        "This account is deactivated, so it cannot log in.")


def test_an_unknown_name_costs_a_password_check_like_a_real_one(session, monkeypatch):
    """At a real cost (bcrypt rounds 10, about 60 ms a check), an unknown name is not faster."""
    monkeypatch.setenv("CARE_BCRYPT_ROUNDS", "10")
    login._dummy_hash.cache_clear()
    try:
        make_actor(session, "coordinator", username="real.user")

        def median(username: str) -> float:
            times = []
            for i in range(5):
                start = time.perf_counter()
                refused(session, username, "wrong-guess", at=T0 + timedelta(hours=i), client=f"{username}{i}")
                times.append(time.perf_counter() - start)
            return sorted(times)[2]

        known, unknown = median("real.user"), median("no.such.user")
        assert known > 0.02
        assert unknown > 0.6 * known, (known, unknown)
    finally:
        login._dummy_hash.cache_clear()


def test_a_failed_login_for_an_unknown_name_keeps_a_keyed_hash_of_it_and_the_client(session):
    refused(session, "Tried.Name", "x", at=T0, client="203.0.113.9")
    refused(session, "tried.name", "x", at=T0, client="203.0.113.10")
    refused(session, "other.name", "x", at=T0, client="203.0.113.11")
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
    import json

    details = [json.loads(e.detail) for e in events]
    assert [d["client"] for d in details] == ["203.0.113.9", "203.0.113.10", "203.0.113.11"]
    tried = [d["tried"] for d in details]
    assert tried[0] == tried[1] != tried[2] and len(tried[0]) == 16
    assert all("tried.name" not in e.detail.lower() for e in events)


@pytest.mark.parametrize(("forwarded", "peer", "expected"), [
    ("203.0.113.5", None, "203.0.113.5"),                      # through the local proxy
    ("10.9.9.9, 203.0.113.5", None, "203.0.113.5"),            # the client wrote the first entry itself
    ("", None, "local"),                                       # on this machine, no proxy
    ("203.0.113.5", "198.51.100.4", "198.51.100.4"),           # not through our proxy: its header is ignored
])
def test_the_client_address_is_the_one_the_proxy_saw(forwarded, peer, expected):
    assert login.client_address(forwarded, peer) == expected


def test_a_sign_in_ends_after_the_idle_time_on_the_server_whatever_the_browser_does(session, monkeypatch):
    from care import config

    monkeypatch.setenv("CARE_IDLE_MINUTES", "30")
    config.settings.cache_clear()
    actor = make_actor(session, "coordinator", username="sara")
    sid = login.sign_in_start(session, actor, cookie_token="cookie-A", client="203.0.113.1")
    row = session.get(SignIn, sid)
    row.last_seen_at = T0
    assert login.sign_in_touch(session, sid, T0 + timedelta(minutes=29)) is None
    # The same cookie in a reopened browser resumes the sign-in while it is alive...
    assert login.sign_in_resume(session, "sara", "cookie-A", T0 + timedelta(minutes=58)).sign_in_id == sid
    assert login.sign_in_resume(session, "sara", "cookie-B", T0 + timedelta(minutes=58)) is None
    # ...and not after 30 minutes without activity, nor afterwards.
    assert login.sign_in_resume(session, "sara", "cookie-A", T0 + timedelta(minutes=88, seconds=1)) is None
    assert session.get(SignIn, sid).ended_reason == "idle"
    assert login.sign_in_resume(session, "sara", "cookie-A", T0 + timedelta(minutes=89)) is None
    config.settings.cache_clear()


def test_logout_ends_every_sign_in_of_the_user(session):
    actor = make_actor(session, "coordinator", username="yara")
    one = login.sign_in_start(session, actor, cookie_token="c1")
    two = login.sign_in_start(session, actor, cookie_token="c2")
    users.logout_record(session, actor)
    assert login.sign_in_touch(session, one) == "user" and login.sign_in_touch(session, two) == "user"
    assert login.sign_in_resume(session, "yara", "c1") is None
