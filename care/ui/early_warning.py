"""Home's early-warning panel: the coordinator's cases raised for re-trafficking risk, each closed with a note."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import early_warning as ew
from care.errors import DomainError
from care.i18n import _, fmt_date
from care.ui.db import db_session
from care.ui.markdown import md_escape
from care.ui.messages import clear_errors, field_error, flash, remember_error

SHOWN = 10


def early_warning_panel(actor, *, today: date) -> None:
    """Raise what the sweep finds, list the open early warnings, and a form to close one with a note."""
    with db_session() as session:
        ew.early_warning_sweep(session, actor, today=today)
        rows = ew.early_warnings_open(session, actor)
    if not rows:
        return
    st.subheader(_("Early warning: risk of re-trafficking"))
    for w in rows[:SHOWN]:
        st.warning(f"**{md_escape(w.case_code)}** · {md_escape(w.reason)} · "
                   + _("raised on {date}").format(date=fmt_date(w.raised_on)), icon=":material/crisis_alert:")
    if len(rows) > SHOWN:
        st.caption(_("The {shown} latest of {total}; every one is in the list below.").format(shown=SHOWN,
                                                                                            total=len(rows)))
    key = "early_warning_close"
    with st.form(key):
        chosen = st.selectbox(_("Close an early warning"), [w.id for w in rows],
                              format_func={w.id: f"{w.case_code} · {w.reason}" for w in rows}.get, key=f"{key}_id")
        note = st.text_area(_("What was done"), key=f"{key}_note", max_chars=ew.NOTE_MAX)
        field_error(key, "close_note")
        if st.form_submit_button(_("Close it")):
            try:
                with db_session() as session:
                    ew.early_warning_close(session, actor, chosen, note=note, today=today)
                clear_errors(key)
                st.session_state.pop(f"{key}_note", None)
                flash(_("Early warning closed."))
                st.rerun()
            except DomainError as err:
                remember_error(key, err)
                st.rerun()
