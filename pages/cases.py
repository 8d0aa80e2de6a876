"""Cases: the list of the cases I may see, with filters, search by code or name, and paging."""

from datetime import date

import streamlit as st

from care.casefile import RISK_LEVELS
from care.caselist import CaseFilter, cases_list
from care.contacts import days_since
from care.access import country_choices
from care.countries import country_name
from care.flags import flag_labels
from care.errors import DomainError
from care.i18n import _
from care.identity import may_search_names
from care.programmes import programmes_for
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.intake import by_name
from care.ui.tables import typed_table
from care.vocab import STAGE_LABELS, label, stage_label

PAGE_SIZE = 50
PAGE = "cases_page"

actor = page_gate("cases")
st.title(_("Cases"))

with db_session() as session:
    programmes = {p.id: p for p in programmes_for(session, actor)}
hosts = by_name(country_choices(actor, {c for p in programmes.values() for c in p.host_countries}, "host"))
returns = by_name(country_choices(actor, {c for p in programmes.values() for c in p.return_countries}, "return"))

col1, col2, col3, col4 = st.columns(4)
programme = col1.selectbox(_("Programme"), list(programmes), index=None, format_func=lambda i: programmes[i].code,
                           placeholder=_("All"), key="cases_programme")
host = col2.selectbox(_("Host country"), hosts, index=None, format_func=country_name, placeholder=_("All"),
                      key="cases_host")
ret = col3.selectbox(_("Return country"), returns, index=None, format_func=country_name, placeholder=_("All"),
                     key="cases_return")
minor = col4.selectbox(_("Minor"), [True, False], index=None, placeholder=_("All"),
                       format_func=lambda m: _("Minors only") if m else _("Adults only"), key="cases_minor")
col1, col2, col3 = st.columns([2, 1, 1])
stages = col1.multiselect(_("Stage"), list(STAGE_LABELS), format_func=stage_label, placeholder=_("All"),
                          key="cases_stages")
code = col2.text_input(_("Case code"), placeholder="CARE-FR-2014", key="cases_code")
name = col3.text_input(_("Name"), key="cases_name", help=_("Searching by name is recorded in the audit log."),
                       disabled=not may_search_names(actor))
overdue = st.checkbox(_("Only cases with an overdue follow-up"), key="cases_overdue")

flt = CaseFilter(programme_id=programme, host_country=host, return_country=ret, stages=tuple(stages), minor=minor,
                 code=code, name=name, overdue_on=date.today() if overdue else None)
if st.session_state.get("cases_filter") != flt:  # new filters start at the first page
    st.session_state["cases_filter"], st.session_state[PAGE] = flt, 0
page = st.session_state.get(PAGE, 0)
try:
    with db_session() as session:
        rows, total = cases_list(session, actor, flt, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
except DomainError as err:
    st.error(err.message)
    st.stop()

if not rows:
    st.info(_("No case matches."))
    st.stop()
st.caption(_("Cases {first} to {last} of {total}, alarms and high risk first.").format(
    first=page * PAGE_SIZE + 1, last=page * PAGE_SIZE + len(rows), total=total))
yes, today = _("Yes"), date.today()
table = typed_table(
    [{_("Case"): r.code, _("Flags"): flag_labels(r.flags), _("Programme"): r.programme,
      _("Host country"): country_name(r.host_country), _("Return country"): country_name(r.return_country),
      _("Stage"): stage_label(r.stage), _("Minor"): yes if r.is_minor else "",
      _("Risk"): label(RISK_LEVELS, r.risk_level) if r.risk_level else "", _("Alarm"): yes if r.alarm_open else "",
      _("Last contact"): r.last_contact, _("Days since last contact"): days_since(r.last_contact, today)
      if r.last_contact else None, _("Referral date"): r.referral_date} for r in rows],
    key="cases", cards=True, dates=(_("Last contact"), _("Referral date")),
    levels={_("Risk"): [label(RISK_LEVELS, k) for k in RISK_LEVELS],
            _("Stage"): [stage_label(k) for k in STAGE_LABELS]},
    numbers={_("Days since last contact"): "%d"}, widths={_("Case"): "medium"},
    link=lambda n: ("pages/case_file.py", {"case": str(rows[n].id)}, _("Open the case file")),
    on_select="rerun", selection_mode="single-row")
chosen = table.selection.rows
if chosen:
    row = rows[chosen[0]]
    st.page_link("pages/case_file.py", label=_("Open the case file {code}").format(code=row.code),
                 icon=":material/folder_open:", query_params={"case": str(row.id)})
else:
    st.caption(_("Select a row to open its case file."))

col1, col2, col3 = st.columns([1, 2, 1])
if col1.button(_("Previous page"), disabled=page == 0, icon=":material/chevron_left:"):
    st.session_state[PAGE] = page - 1
    st.rerun()
col2.caption(_("Page {page} of {pages}").format(page=page + 1, pages=(total - 1) // PAGE_SIZE + 1))
if col3.button(_("Next page"), disabled=(page + 1) * PAGE_SIZE >= total, icon=":material/chevron_right:"):
    st.session_state[PAGE] = page + 1
    st.rerun()
