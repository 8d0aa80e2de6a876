"""The login cookie: a signed token (JWT, HS256) naming the user and its expiry, kept by the browser.

Written with the public APIs of PyJWT and extra-streamlit-components' CookieManager, so an
upgrade of either cannot silently change what is signed or checked. The cookie only proposes
a user: the server resumes a sign-in only if its own record of that sign-in is still alive
(`login.sign_in_resume`), so a stolen or replayed cookie after a logout, a lock or idleness
opens nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import extra_streamlit_components as stx
import jwt
import streamlit as st

ALGORITHM = "HS256"
PENDING = "_login_cookie_pending"  # the token to set once the login form is gone


class LoginCookie:
    def __init__(self, name: str, key: str, expiry_days: float) -> None:
        self.name, self.key, self.expiry_days = name, key, expiry_days
        self._manager = stx.CookieManager(key="care_cookies")

    def token_for(self, username: str, now: datetime | None = None) -> str:
        """A new signed token for `username`, to be set in the browser (`set_pending`)."""
        expires = (now or datetime.now(UTC)) + timedelta(days=self.expiry_days)
        token = jwt.encode({"username": username, "exp_date": expires.timestamp()}, self.key, algorithm=ALGORITHM)
        st.session_state[PENDING] = (token, expires)
        return token

    def set_pending(self) -> None:
        """Send the token made at login to the browser (outside the login form, which is gone)."""
        pending = st.session_state.pop(PENDING, None)
        if pending and self.expiry_days:
            token, expires = pending
            self._manager.set(self.name, token, expires_at=expires.replace(tzinfo=None), key="set_after_login")

    def read(self) -> dict | None:
        """The browser's token, if its signature and expiry hold; None otherwise (or after a logout)."""
        if st.session_state.get("logout"):
            return None
        raw = st.context.cookies.get(self.name)
        if not raw:
            return None
        try:
            token = jwt.decode(raw, self.key, algorithms=[ALGORITHM])
        except jwt.PyJWTError:
            return None
        if "username" not in token or token.get("exp_date", 0) <= datetime.now(UTC).timestamp():
            return None
        return token

    def delete(self) -> None:
        if self.name in (self._manager.cookies or {}):
            self._manager.delete(self.name, key="delete_login_cookie")
