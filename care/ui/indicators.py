"""Widgets of the indicators and activities pages: programme picker, tables, exports."""

from __future__ import annotations

import hashlib
import pickle
from datetime import date

import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from care import users
from care.access import Actor
from care.audit import audit_latest_change_id
from care.export import indicators_csv
from care.i18n import LANGUAGES, _, current_language, use_language
from care.indicator_charts import chart_for
from care.indicators import Report, indicators_report
from care.pdf.indicators import indicators_pdf
from care.programmes import ProgrammeSettings, programmes_for
from care.smallcells import Table, cell_text
from care.ui.db import db_session


def programme_picker(actor: Actor, *, key: str) -> ProgrammeSettings | None:
    """One of the programmes this actor works in, those still running first."""
    with db_session() as session:
        programmes = sorted(programmes_for(session, actor), key=lambda p: (p.end_date, p.start_date), reverse=True)
    if not programmes:
        st.info(_("You do not belong to any programme yet. Ask an administrator."))
        return None
    by_id = {p.id: p for p in programmes}
    chosen = st.selectbox(_("Programme"), list(by_id), format_func=lambda pid: by_id[pid].name, key=key)
    return by_id[chosen]


REPORT_TTL_S = 120  # figures at most two minutes old; the page says as of which day


# How often a page asked for a report and how often it had to be computed: the benchmark's
# cold runs check that they computed every time (no hit), its warm runs that they did not.
CACHE_STATS = {"asked": 0, "computed": 0}


def cache_hits() -> int:
    return CACHE_STATS["asked"] - CACHE_STATS["computed"]


@st.cache_data(ttl=REPORT_TTL_S, max_entries=200, show_spinner=False)
def _report(_username: str, rights: tuple, programme_id: int, date_from: date, date_to: date, today: date,
            language: str, changed: int) -> Report:
    CACHE_STATS["computed"] += 1
    with use_language(language), db_session() as session:
        return indicators_report(session, users.actor_load(session, _username), programme_id=programme_id,
                                 date_from=date_from, date_to=date_to, today=today)


def report_for(actor: Actor, programme_id: int, date_from: date, date_to: date, today: date) -> Report:
    """The programme's indicators as this actor may see them, kept two minutes per set of rights.

    At 50,000 cases the report's queries take most of a second; a coordinator who changes tab
    or period and comes back should not wait for them again, nor should a second coordinator.
    The entry is shared by the users with the same rights (roles, programmes, countries are its
    key, not the username: a report depends on nothing else), so exact figures never reach a
    manager, and a user whose roles or programmes change gets another one. Refusals are not kept.

    The cache is per process, and a team runs several: the key also holds the newest change's
    audit id (`audit_latest_change_id`, one indexed read), so a change saved through any process
    drops the entry at the next click through every other; reads and logins do not.
    """
    rights = (tuple(sorted(actor.roles)), tuple(sorted(actor.programme_ids)), tuple(sorted(actor.countries)))
    with db_session() as session:
        changed = audit_latest_change_id(session)
    CACHE_STATS["asked"] += 1
    return _report(actor.username, rights, programme_id, date_from, date_to, today, current_language(), changed)


@st.cache_data(max_entries=1000, show_spinner=False)
def _chart_spec(key: str, _table: Table) -> dict | None:
    chart = chart_for(_table)
    return None if chart is None else _convert_altair_to_vega_lite_spec(chart)


def chart_spec(table: Table) -> dict | None:
    """The table's chart as a Vega-Lite spec, built once per table content and language.

    Building the Altair charts and validating them took 0.3 s per page view. The key is the
    table itself (as disclosed to the user, small counts hidden or not), so a spec is only
    ever reused for the very figures it draws.
    """
    key = hashlib.sha256(pickle.dumps((table, current_language()))).hexdigest()
    return _chart_spec(key, table)


def show_table(table: Table, currency: str) -> None:
    """A table's chart, its figures (as they may be shown) and what it counts."""
    st.subheader(table.title)
    spec = chart_spec(table)
    if spec is not None:
        st.vega_lite_chart(spec=spec, width="stretch")
    if not table.rows:
        st.caption(_("Nothing to count in this period."))
        return
    first = table.label_heading or " "
    st.dataframe(
        [{first: row.label, **{h: cell_text(c, table.currency or currency) for h, c in zip(table.headings, row.cells)}}
         for row in table.rows],
        hide_index=True, width="stretch",
        column_config={h: st.column_config.TextColumn(h, alignment="right") for h in table.headings},
    )
    if table.note:
        st.caption(table.note)


def _export(kind: str, username: str, programme_id: int, date_from: date, date_to: date, language: str) -> bytes:
    """Builds the file when the button is clicked (on a thread of its own): the actor is read
    again, so a user locked since the page was drawn gets nothing, and the export is audited."""
    with use_language(language), db_session() as session:
        actor = users.actor_load(session, username)
        build = indicators_pdf if kind == "pdf" else indicators_csv
        return build(session, actor, programme_id=programme_id, date_from=date_from, date_to=date_to,
                     today=date.today(), language=language)


@st.fragment
def export_buttons(actor: Actor, programme: ProgrammeSettings, date_from: date, date_to: date) -> None:
    """The PDF report and the CSV tables, in the language chosen, built only when asked for.
    A fragment: choosing the language does not recompute the page's figures."""
    languages = list(LANGUAGES)
    cols = st.columns([1, 1, 1])
    language = cols[0].selectbox(_("Language of the export"), languages, index=languages.index(actor.language),
                                 format_func=LANGUAGES.get, key="indicators_export_language")
    stem = f"indicators-{programme.code}-{date_from.isoformat()}-{date_to.isoformat()}"
    args = (actor.username, programme.id, date_from, date_to, language)
    cols[1].download_button(_("Report as PDF"), data=lambda: _export("pdf", *args), file_name=f"{stem}.pdf",
                            mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                            key="indicators_pdf")
    cols[2].download_button(_("Tables as CSV (zip)"), data=lambda: _export("csv", *args), file_name=f"{stem}.zip",
                            mime="application/zip", on_click="ignore", icon=":material/table_view:",
                            key="indicators_csv")
