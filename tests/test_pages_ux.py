"""What users meet every day (issue 25): a locked account told so, pages offered only when usable,
typed tables, audit in words, first screens for managers and administrators, confirmations."""

from __future__ import annotations

from sqlmodel import delete, select
from streamlit.testing.v1 import AppTest

from db.engine import engine_for, session_scope
from db.models import LoginThrottle, User
from tests.test_pages import TIMEOUT, errors
from tests.test_pages_login import PASSWORD, REFUSED, try_login


def _set_user(url: str, username: str, **values) -> dict:
    with session_scope(engine_for(url)) as s:
        row = s.exec(select(User).where(User.username == username)).one()
        before = {k: getattr(row, k) for k in values}
        for k, v in values.items():
            setattr(row, k, v)
        s.add(row)
        s.exec(delete(LoginThrottle))
    return before


def test_a_locked_account_with_the_right_password_is_told_it_is_locked_and_whom_to_ask(demo_db_url):
    before = _set_user(demo_db_url, "coord2", locked=True)
    try:
        at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
        at.run()
        try_login(at, "coord2", PASSWORD)
        assert errors(at) == ["This account is locked, so it cannot log in. Ask an administrator to unlock it: "
                              "Noor Verhoeven."]
        try_login(at, "coord2", "a wrong password")  # a wrong password still learns nothing
        assert errors(at) == [REFUSED]
        _set_user(demo_db_url, "coord2", locked=False, is_active=False)
        try_login(at, "coord2", PASSWORD)
        assert errors(at) == ["This account is deactivated, so it cannot log in. Ask an administrator to "
                              "reactivate it: Noor Verhoeven."]
    finally:
        _set_user(demo_db_url, "coord2", is_active=True, failed_logins=0, locked_until=None, **before)
