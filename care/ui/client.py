"""The client's address, for the failed-login counts (apart so both sign-in forms use it)."""

from __future__ import annotations

import streamlit as st

from care import login


def client() -> str:
    """The client's address as the proxy passes it (see `login.client_address` for what is trusted)."""
    peer = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For")
    return login.client_address(forwarded if isinstance(forwarded, str) else None,
                                peer if isinstance(peer, str) else None)  # not strings under AppTest
