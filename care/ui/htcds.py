"""The form of a case's HTCDS details (trafficking history) on the data exchange page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from care.access import Actor
from care.countries import all_country_codes, country_name
from care.errors import DomainError
from care.htcds import EVENT_TYPES, LABOUR_INDUSTRIES, SEXUAL_EXPLOITATION_TYPES, WEBSITES
from care.htcds_details import EventInput, HtcdsDetails, htcds_details, htcds_details_save
from care.i18n import _
from care.ui.db import db_session
from care.ui.widgets import case_picker
from care.vocab import label


def _pick(title: str, vocabulary: dict, chosen: tuple[str, ...], key: str) -> list[str]:
    return st.multiselect(title, list(vocabulary), default=list(chosen), key=key,
                          format_func=lambda c: label(vocabulary, c))


def _cell(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _day(value) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


def details_form(actor: Actor) -> None:
    case_id = case_picker(actor, key="exchange_htcds_case")
    if case_id is None:
        return
    with db_session() as session:
        details = htcds_details(session, actor, case_id)
    key = f"htcds_{case_id}_{details.version}"
    countries = list(all_country_codes())
    with st.form(key):
        sexual = _pick(_("Type of sexual exploitation"), SEXUAL_EXPLOITATION_TYPES, details.sexual_exploitation_types,
                       f"{key}_sexual")
        industries = _pick(_("Labour industry (ISIC)"), LABOUR_INDUSTRIES, details.labour_industries, f"{key}_isic")
        recruitment = _pick(_("Recruitment websites and apps"), WEBSITES, details.recruitment_websites, f"{key}_rw")
        exploitation = _pick(_("Exploitation websites and apps"), WEBSITES, details.exploitation_websites,
                             f"{key}_ew")
        frame = pd.DataFrame([{"type": e.event_type, "country": e.country, "town": e.city, "on": e.on}
                              for e in details.events], columns=["type", "country", "town", "on"])
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=f"{key}_events", column_config={
            "type": st.column_config.SelectboxColumn(_("Event"), options=list(EVENT_TYPES), required=True),
            "country": st.column_config.SelectboxColumn(_("Country"), options=countries, required=True),
            "town": st.column_config.TextColumn(_("Town"), max_chars=200),
            "on": st.column_config.DateColumn(_("Date"), min_value=date(1950, 1, 1), max_value=date.today()),
        })
        st.caption(_("Events: Recruitment, Transit or Exploitation; countries as two-letter codes ({example}).").format(
            example=f"NG: {country_name('NG')}"))
        if not st.form_submit_button(_("Save")):
            return
    events = tuple(EventInput(_cell(r["type"]), _cell(r["country"]), _cell(r["town"]), _day(r["on"]))
                   for r in edited.to_dict("records"))
    try:
        with db_session() as session:
            htcds_details_save(session, actor, HtcdsDetails(
                case_id, details.version, tuple(sexual), tuple(industries), tuple(recruitment), tuple(exploitation),
                events), today=date.today())
    except DomainError as err:
        st.error(err.message, icon=":material/error:")
        return
    st.success(_("Saved."), icon=":material/check:")
