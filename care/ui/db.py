"""The engine is shared by every user of the server (st.cache_resource); sessions are not."""

from __future__ import annotations

import streamlit as st

from care.config import settings
from db.engine import engine_for, session_scope


@st.cache_resource
def _engine(url: str):
    return engine_for(url)


def db_session():
    """A session for one user action (commit on success, rollback on error)."""
    return session_scope(_engine(settings().database_url))
