"""Widgets of the indicators and activities pages: programme picker, tables, exports."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import users
from care.access import Actor
from care.export import indicators_csv
from care.i18n import LANGUAGES, _, use_language
from care.indicator_charts import chart_for
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


def show_table(table: Table, currency: str) -> None:
    """A table's chart, its figures (as they may be shown) and what it counts."""
    st.subheader(table.title)
    chart = chart_for(table)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
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
