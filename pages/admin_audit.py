"""Administration: the audit log (who did what, when, on which case), filtered, paged, as CSV."""

from datetime import date

import streamlit as st

from care import audit
from care.errors import DomainError
from care.i18n import _, fmt_number
from care.ui.dates import day_input
from care.audit_words import action_words, record_words
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, form_errors, remember_error
from care.ui.tables import typed_table

actor = page_gate("admin_audit")
st.title(_("Audit log"))
st.caption(_("Every change, every read of a person's identity, every export and every login. "
             "The log cannot be edited. Times are UTC."))

FILTER, PAGE, PAGE_SIZE = "_audit_filter", "audit_page", 50

with db_session() as session:
    usernames, actions = audit.audit_choices(session, actor)

form = "audit_filter_form"
with st.form(form):
    form_errors(form)
    left, right = st.columns(2)
    username = left.selectbox(_("User"), ["", *usernames], format_func=lambda u: u or _("Anyone"), key="audit_user")
    action = right.selectbox(_("Action"), ["", *actions], format_func=lambda a: action_words(a) if a else _("Any action"),
                             key="audit_action")
    left, right = st.columns(2)
    with left:
        date_from = day_input(_("From"), None, key="audit_from")
    with right:
        date_to = day_input(_("To"), None, key="audit_to", form=form, field="date_to")
    left, _right = st.columns(2)
    case_code = left.text_input(_("Case code"), key="audit_case", placeholder=_("For example CARE-FR-2014-0007"))
    with left:
        field_error(form, "case_code")
    if st.form_submit_button(_("Filter"), icon=":material/filter_alt:"):
        try:
            with db_session() as session:
                flt = audit.audit_filter(session, actor, username=username, case_code=case_code, action=action,
                                         date_from=date_from, date_to=date_to)
        except DomainError as err:
            remember_error(form, err)
        else:
            clear_errors(form)
            st.session_state[FILTER] = flt
            st.session_state[PAGE] = []
        st.rerun()

flt = st.session_state.get(FILTER, audit.AuditFilter())
# Keyset paging: the cursors of the pages above this one (where each ended), newest first.
cursors = st.session_state.setdefault(PAGE, [])
with db_session() as session:
    rows, total = audit.audit_events(session, actor, flt, limit=PAGE_SIZE, after=cursors[-1] if cursors else None)
shown = fmt_number(total) if total <= audit.COUNT_CAP else _("more than {n}").format(n=fmt_number(audit.COUNT_CAP))
st.caption(_("{total} events; page {page}, newest first.").format(total=shown, page=len(cursors) + 1))
typed_table([{_("Time"): r.at, _("User"): r.username, _("Action"): action_words(r.action),
              _("Case"): r.case_code, _("Record"): record_words(r.entity, r.entity_id), _("Detail"): r.detail}
             for r in rows], times=(_("Time"),), widths={_("Case"): "medium", _("Action"): "medium"})

left, middle, right = st.columns([1, 1, 3])
if left.button(_("Newer"), icon=":material/chevron_left:", disabled=not cursors, key="audit_newer"):
    cursors.pop()
    st.rerun()
if middle.button(_("Older"), icon=":material/chevron_right:", disabled=len(rows) < PAGE_SIZE, key="audit_older"):
    cursors.append(audit.AuditCursor(rows[-1].at, rows[-1].id))
    st.rerun()


def export() -> bytes:
    """Runs only when the button is clicked, so only a real download is audited as an export."""
    with db_session() as session:
        return audit.audit_csv(session, actor, flt)


right.download_button(_("Export these events as CSV"), data=export, file_name=f"audit-log-{date.today()}.csv",
                      mime="text/csv", on_click="ignore", icon=":material/download:")
