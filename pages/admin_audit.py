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
            st.session_state[PAGE] = 1
        st.rerun()

flt = st.session_state.get(FILTER, audit.AuditFilter())
page = st.session_state.get(PAGE, 1)
with db_session() as session:
    rows, total = audit.audit_events(session, actor, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
pages = max(1, -(-total // PAGE_SIZE))
if page > pages:  # the filter narrowed the log since this page was chosen
    st.session_state[PAGE] = pages
    st.rerun()

st.caption(_("{total} events; page {page} of {pages}, newest first.").format(
    total=fmt_number(total), page=page, pages=pages))
typed_table([{_("Time"): r.at, _("User"): r.username, _("Action"): action_words(r.action),
              _("Case"): r.case_code, _("Record"): record_words(r.entity, r.entity_id), _("Detail"): r.detail}
             for r in rows], times=(_("Time"),), widths={_("Case"): "medium", _("Action"): "medium"})

left, right = st.columns([1, 3])
left.number_input(_("Page"), min_value=1, max_value=pages, step=1, key=PAGE)


def export() -> bytes:
    """Runs only when the button is clicked, so only a real download is audited as an export."""
    with db_session() as session:
        return audit.audit_csv(session, actor, flt)


right.download_button(_("Export these events as CSV"), data=export, file_name=f"audit-log-{date.today()}.csv",
                      mime="text/csv", on_click="ignore", icon=":material/download:")
