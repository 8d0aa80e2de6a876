"""Showing the domain's answers: a success, an error, or errors next to their fields."""

from __future__ import annotations

import streamlit as st

from care.errors import DomainError, ValidationErrors

ERRORS_KEY = "_field_errors"


def field_error(form_key: str, field: str) -> None:
    """Call right after a widget: shows the error the last save found on that field."""
    message = st.session_state.get(ERRORS_KEY, {}).get(form_key, {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def clear_errors(form_key: str) -> None:
    st.session_state.setdefault(ERRORS_KEY, {}).pop(form_key, None)


def remember_error(form_key: str, err: DomainError) -> None:
    """Keep a failed save's errors for the form's next render; the inputs keep their values."""
    errors = err.errors if isinstance(err, ValidationErrors) else {err.field or "_form": err.message}
    st.session_state.setdefault(ERRORS_KEY, {})[form_key] = errors


def form_errors(form_key: str) -> None:
    """Errors that belong to no single field, shown at the top of the form."""
    message = st.session_state.get(ERRORS_KEY, {}).get(form_key, {}).get("_form")
    if message:
        st.error(message, icon=":material/error:")


def flash(message: str) -> None:
    """A success message that survives the rerun that follows a save."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    """The last save's message: at the top of the page, and as a toast where the user is looking (a phone
    shows only a part of a long form: the top of the page may be screens away)."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:", duration="long")
