"""Widgets several pages share."""

from __future__ import annotations

import streamlit as st

from care.access import Actor
from care.caselist import CaseFilter, cases_list
from care.i18n import _
from care.ui.db import db_session
from care.vocab import stage_label

CASE_PARAM = "case"


def case_picker(actor: Actor, *, key: str, stages: tuple[str, ...] = (), minor: bool | None = None) -> int | None:
    """Pick one case by code among those the actor may see; remembers it across pages.

    The choice is kept in the address (?case=ID) so a case file link opens the same case
    on another stage's page.
    """
    query = st.text_input(_("Find a case by code"), key=f"{key}_code", placeholder=_("For example FR-2014"))
    wanted = st.query_params.get(CASE_PARAM)
    with db_session() as session:
        rows, total = cases_list(session, actor, CaseFilter(code=query, stages=stages, minor=minor), limit=50)
        shown = len(rows)
        if wanted and wanted.isdigit() and int(wanted) not in {r.id for r in rows} and not query:
            # A link to a case beyond the 50 most urgent: offer it too (if the actor may see it).
            rows = cases_list(session, actor, CaseFilter(ids=(int(wanted),), stages=stages, minor=minor))[0] + rows
    # A link (?case=ID) to a case this user may not open, or that does not exist: say so and
    # choose nothing, never another case in its place (work could be recorded on the wrong person).
    unknown = bool(wanted) and not query and not (wanted.isdigit() and int(wanted) in {r.id for r in rows})
    if unknown:
        st.warning(_("No case with this reference that you can open."))
    if not rows:
        st.info(_("No case matches."))
        return None
    options = [r.id for r in rows]
    labels = {r.id: f"{r.code} · {stage_label(r.stage)}" + (" · ⚠" if r.alarm_open else "") for r in rows}
    index = options.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in options else 0
    chosen = st.selectbox(_("Case"), options, index=None if unknown else index, format_func=labels.get,
                          key=f"{key}_select", placeholder=_("Choose a case"))
    if total > shown:
        st.caption(_("Showing the {n} most urgent of {total} cases; type more of the code to narrow.").format(
            n=shown, total=total))
    if chosen is None:
        return None
    st.query_params[CASE_PARAM] = str(chosen)
    return chosen
