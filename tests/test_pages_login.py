"""The real login form (AppTest): the same answer for a known and an unknown name, no account
locked for good by strangers, the second factor asked with a real pyotp code, a name with
markdown shown as it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import delete, select
from streamlit.testing.v1 import AppTest

from care import second_factor, users
from db.engine import engine_for, session_scope
from db.models import LoginThrottle, SignIn, User
from tests.test_pages import TIMEOUT, errors, signed_in

PASSWORD = "Demo-only-2026!"
REFUSED = ("Username or password is incorrect, or the account must wait a few minutes after too many "
           "failed logins.")


@pytest.fixture
def fresh_client(demo_db_url):
    """Every AppTest comes from the same address ("local"): start and end with no failures counted."""
    def clear():
        with session_scope(engine_for(demo_db_url)) as s:
            s.exec(delete(LoginThrottle))
    clear()
    yield
    clear()


def try_login(at: AppTest, username: str, password: str) -> None:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()


def test_a_known_and_an_unknown_name_get_the_same_answer(demo_db_url, fresh_client):
    at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
    at.run()
    try_login(at, "coord", "not the password")
    known = errors(at)
    try_login(at, "no.such.person", "not the password")
    assert known == errors(at) == [REFUSED]


def test_strangers_cannot_lock_the_administrator_out_for_good(demo_db_url, fresh_client):
    at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
    at.run()
    for _ in range(5):
        try_login(at, "admin", "a wrong guess")
    with session_scope(engine_for(demo_db_url)) as s:
        row = s.exec(select(User).where(User.username == "admin")).one()
        assert not row.locked and row.locked_until is not None
        row.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # the minute has passed
        s.add(row)
        s.exec(delete(LoginThrottle))  # and so has the client's wait
    try_login(at, "admin", PASSWORD)
    assert not at.exception and at.session_state["authentication_status"] is True


def test_a_client_that_keeps_failing_is_told_to_wait(demo_db_url, fresh_client):
    at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
    at.run()
    for i in range(6):
        try_login(at, f"guess{i}", "x")
    try_login(at, "coord", PASSWORD)
    assert errors(at) == ["Too many failed logins from this computer: wait 1 seconds and try again."] or \
        errors(at) == ["Too many failed logins from this computer: wait 2 seconds and try again."]
    assert not at.session_state["authentication_status"]


def test_an_enrolled_user_gives_a_real_code_after_the_password(demo_db_url, fresh_client):
    secret = pyotp.random_base32()
    with session_scope(engine_for(demo_db_url)) as s:
        actor = users.actor_load(s, "fp.es")
        second_factor.enrol(s, actor, secret=secret, code=pyotp.TOTP(secret).now())
    try:
        at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
        at.run()
        try_login(at, "fp.es", PASSWORD)
        assert [t.value for t in at.title] == ["Second factor"]
        at.text_input[0].input("123456")
        at.button[0].click().run()
        assert errors(at) == ["This code is not right. Type the code your app shows now, or a recovery code."]
        assert [t.value for t in at.title] == ["Second factor"]
        # The next step's code: the enrolment already spent the current one.
        at.text_input[0].input(pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30)))
        at.button[0].click().run()
        assert not at.exception
        assert any(t.value == "My work" for t in at.title)
        with session_scope(engine_for(demo_db_url)) as s:
            row = s.get(SignIn, at.session_state["_sign_in"])
            assert row.second_factor_at is not None
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            users.second_factor_reset(s, None, "fp.es")


def test_enrolment_in_my_account_with_a_qr_code(demo_db_url, fresh_client):
    at = signed_in("../Home.py", "coord2")
    at.run()
    at.switch_page("pages/account.py")
    at.run()
    assert any(type(e).__name__ == "Image" for e in at.main), "the QR code is shown"
    key = "".join(at.code[0].value.split())
    assert len(key) == 32
    code_input = [t for t in at.text_input if t.label.startswith("2. The 6-digit code")][0]
    code_input.input(pyotp.TOTP(key).now())
    [b for b in at.button if b.label == "Turn on the second factor"][0].click().run()
    assert not at.exception
    try:
        assert [t.value for t in at.title][-1] == "Your recovery codes"
        codes = at.code[0].value.split("\n")
        assert len(codes) == 10
        with session_scope(engine_for(demo_db_url)) as s:
            uid = users.actor_load(s, "coord2").id
            assert second_factor.is_enrolled(s, uid)
            assert second_factor.verify(s, uid, codes[0])
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            users.second_factor_reset(s, None, "coord2")


def test_the_signed_in_name_is_not_read_as_markdown(demo_db_url):
    hostile = "![x](http://198.51.100.1/y.png) *Eve*"
    with session_scope(engine_for(demo_db_url)) as s:
        row = s.exec(select(User).where(User.username == "manager")).one()
        before, row.name = row.name, hostile
        s.add(row)
    try:
        at = signed_in("../Home.py", "manager")
        at.run()
        assert [c.value for c in at.sidebar.caption] == [
            "Signed in as \\!\\[x\\]\\(http\\://198\\.51\\.100\\.1/y\\.png\\) \\*Eve\\*"]
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            row = s.exec(select(User).where(User.username == "manager")).one()
            row.name = before
            s.add(row)
