"""Form plumbing for the minors' page: the version a form was opened at, save, reload.

A form on this page edits a versioned row (the procedure, or one actor line). The version
is taken when the form is first drawn and kept across reruns, so a save made after someone
else's is refused (`StaleEdit`) instead of overwriting it; "Reload" then drops what was
typed and shows the latest. Keys are per case, so nothing typed leaks to another case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlmodel import Session

from care.errors import DomainError, StaleEdit
from care.i18n import _
from care.ui import dates
from care.ui.db import db_session
from care.ui.messages import clear_errors, flash, remember_error
from care.ui.opened import forget_opened



def key_for(case_id: int, name: str) -> str:
    return f"minors_{case_id}_{name}"


def names_key(case_id: int) -> str:
    return key_for(case_id, "names")


def fresh_key(base: str) -> str:
    """A form key that changes after each successful add, so the next entry starts empty."""
    return f"{base}{st.session_state.get(f'{base}__round', 0)}"


def submit(form_key: str, call: Callable[[Session], object], done: str, *, version_key: str | None = None,
           renew: str | None = None) -> None:
    """Run one domain call in its own session; keep the message for the next run, then rerun."""
    try:
        with db_session() as session:
            call(session)
    except DomainError as err:
        remember_error(form_key, err)
        if isinstance(err, StaleEdit):
            st.session_state[f"{form_key}__stale"] = True
    else:
        clear_errors(form_key)
        st.session_state.pop(f"{form_key}__stale", None)
        if version_key:
            forget_opened(version_key)
        if renew:
            st.session_state[f"{renew}__round"] = st.session_state.get(f"{renew}__round", 0) + 1
        flash(done)
    st.rerun()


def _reload(case_id: int) -> None:
    prefix, keep = key_for(case_id, ""), names_key(case_id)
    forget_opened(prefix, prefix=True)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and k != keep]:
        clear_errors(key)
        del st.session_state[key]


def reload_offer(form_key: str, case_id: int) -> None:
    """After a refused stale save: a button that shows the latest version (drops the typing)."""
    if st.session_state.get(f"{form_key}__stale"):
        clear = form_key
        st.button(_("Reload the latest version (what you typed here is dropped)"), key=f"{form_key}__reload",
                  on_click=lambda: (clear_errors(clear), _reload(case_id)), icon=":material/refresh:")


def day_input(text: str, value: date | None, key: str, *, today: date, visible: bool = True) -> date | None:
    """A date no earlier than 2000 and no later than today, empty allowed."""
    return dates.day_input(text, value, key=key, today=today, label_visibility="visible" if visible else "collapsed")


def fields_table(rows: list[tuple[str, str]]) -> None:
    """Recorded values, read-only, as plain text cells (never markdown)."""
    st.dataframe([{_("Item"): k, _("Recorded"): v} for k, v in rows], hide_index=True, width="stretch")
