"""Indicators: a programme's figures for a period, with charts, and the reports to export."""

from datetime import date

import streamlit as st

from care import indicators
from care.errors import DomainError, ValidationErrors
from care.i18n import _, fmt_date
from care.ui.dates import day_input
from care.ui.auth import page_gate
from care.ui.exchange import XLSX, indicators_workbook
from care.ui.indicators import export_buttons, programme_picker, report_for, show_table

actor = page_gate("indicators")
st.title(_("Indicators"))

programme = programme_picker(actor, key="indicators_programme")
if programme is None:
    st.stop()

with st.form("indicators_period"):
    left, right = st.columns(2)
    with left:
        date_from = day_input(_("Referred from"), programme.start_date, key=f"indicators_from_{programme.id}")
    from_error = left.empty()
    with right:
        date_to = day_input(_("Referred until"), programme.end_date, key=f"indicators_to_{programme.id}")
    to_error = right.empty()
    st.form_submit_button(_("Show"))

try:
    report = report_for(actor, programme.id, date_from, date_to, date.today())
except ValidationErrors as err:
    for field, slot in (("date_from", from_error), ("date_to", to_error)):
        if field in err.errors:
            slot.error(err.errors[field], icon=":material/error:")
    st.stop()
except DomainError as err:
    st.error(err.message, icon=":material/error:")
    st.stop()

st.caption(_("Cases referred from {start} to {end}; figures as of {today}.").format(
    start=fmt_date(report.date_from), end=fmt_date(report.date_to), today=fmt_date(report.as_of)))
if report.exact:
    st.info(_("You see the exact figures, as a coordinator of this programme."), icon=":material/visibility:")
else:
    st.info(_("Small counts are hidden so that no one can be singled out."), icon=":material/visibility_off:")
with st.expander(_("How small figures are hidden")):
    st.write(indicators.small_cells_rule())

export_buttons(actor, programme, report.date_from, report.date_to)
st.download_button(_("Tables as an Excel workbook"), on_click="ignore", icon=":material/grid_on:",
                   data=lambda: indicators_workbook(actor.username, programme.id, report.date_from, report.date_to),
                   file_name=f"indicators-{programme.code}-{report.date_from}-{report.date_to}.xlsx", mime=XLSX,
                   key="indicators_xlsx")

for title, tables in report.topics():
    st.header(title, divider="gray")
    for table in tables:
        show_table(table, report.currency)
