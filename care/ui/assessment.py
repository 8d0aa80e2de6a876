"""The assessment form's rows and the display of a version (current or earlier).

The form opens at one version of an assessment and keeps it while the user types: its
widget keys carry that version, so a failed save keeps what was typed, a successful one
opens the new version, and a save after someone else's is refused, not merged.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from care import assessment as a
from care.ui.markdown import md_escape
from care.i18n import N_, _, fmt_date
from care.sections import Section, Table
from care.ui.messages import clear_errors, field_error
from care.ui.opened import forget_opened as _forget_opened
from care.ui.opened import opened_version as _opened_version
from care.vocab import Stage, label



def opened_version(kind: str, case_id: int, current: int) -> int:
    """The version the form was opened at, while its first widget stays on screen."""
    return _opened_version(f"{kind}_{case_id}", current, alive=lambda version: probe_key(kind, case_id, version))


def forget_opened(kind: str, case_id: int) -> None:
    _forget_opened(f"{kind}_{case_id}")


def prefix(kind: str, case_id: int, version: int) -> str:
    return f"{kind}_{case_id}_v{version}"


def probe_key(kind: str, case_id: int, version: int) -> str:
    return f"{prefix(kind, case_id, version)}_assessed_on"


def _index(options: list, value) -> int | None:
    return options.index(value) if value in options else None


def factor_rows(form_key: str, key: str, base: a.RiskView | None) -> tuple[a.FactorInput, ...]:
    """One row per factor: rating, source, note. A first assessment asks every rating anew."""
    ratings, sources = list(a.RATINGS), list(a.RISK_SOURCES)
    for column, heading in zip(st.columns([4, 3, 5]),
                               (_("Rating"), _("Source of the information"), _("Note"))):
        column.caption(heading)
    rows = []
    for code, text in a.RISK_FACTORS.items():
        before = base.factor(code) if base else None
        st.markdown("**" + _(text) + "**")
        c1, c2, c3 = st.columns([4, 3, 5])
        with c1:
            rating = st.selectbox(_(text), ratings, index=_index(ratings, before.rating if before else None),
                                  format_func=lambda r: label(a.RATINGS, r), placeholder=_("Rate this factor"),
                                  label_visibility="collapsed", key=f"{key}_{code}_rating")
            field_error(form_key, f"{code}.rating")
        with c2:
            source = st.selectbox(_("Source: {factor}").format(factor=_(text)), sources,
                                  index=_index(sources, before.source if before else None),
                                  format_func=lambda s: label(a.RISK_SOURCES, s), placeholder=_("Source"),
                                  label_visibility="collapsed", key=f"{key}_{code}_source")
            field_error(form_key, f"{code}.source")
        with c3:
            note = st.text_input(_("Note: {factor}").format(factor=_(text)), value=before.note if before else "",
                                 placeholder=_("Note"), label_visibility="collapsed", key=f"{key}_{code}_note")
            field_error(form_key, f"{code}.note")
        rows.append(a.FactorInput(code, rating, source, note))
    return tuple(rows)


def mitigations_editor(key: str, base: a.RiskView | None) -> tuple[a.MitigationInput, ...]:
    """Measures against the risk, one per row; rows left empty are ignored."""
    start = pd.DataFrame(
        [{"what": m.what, "who": m.who, "by_when": m.by_when} for m in (base.mitigations if base else ())],
        columns=["what", "who", "by_when"],
    ).astype({"what": "string", "who": "string"})
    start["by_when"] = pd.to_datetime(start["by_when"]).dt.date
    edited = st.data_editor(
        start, num_rows="dynamic", hide_index=True, key=f"{key}_mitigations", width="stretch",
        column_config={
            "what": st.column_config.TextColumn(_("What"), width="large"),
            "who": st.column_config.TextColumn(_("Who"), width="medium"),
            "by_when": st.column_config.DateColumn(_("By when"), format="YYYY-MM-DD"),
        },
    )
    measures = []
    for row in edited.to_dict("records"):
        what, who, by_when = _text(row.get("what")), _text(row.get("who")), _day(row.get("by_when"))
        if what or who or by_when:
            measures.append(a.MitigationInput(what, who, by_when))
    return tuple(measures)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _day(value) -> date | None:
    """The editor gives a date, a timestamp or an ISO string, depending on the column's data."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, datetime) else value


def need_rows(form_key: str, key: str, base: a.NeedsView | None) -> tuple[a.NeedInput, ...]:
    """Needs by dimension of the integrated approach: priority and note for each area."""
    priorities = list(a.PRIORITIES)
    rows = []
    for dimension, dimension_label in a.DIMENSIONS.items():
        st.markdown("##### " + _(dimension_label))
        for area, (dim, text) in a.NEED_AREAS.items():
            if dim != dimension:
                continue
            before = base.need(area) if base else None
            c0, c1, c2 = st.columns([3, 2, 5])
            c0.markdown(_(text))
            with c1:
                priority = st.selectbox(_(text), priorities,
                                        index=_index(priorities, before.priority if before else None),
                                        format_func=lambda p: label(a.PRIORITIES, p), label_visibility="collapsed",
                                        placeholder=_("Give a priority"), key=f"{key}_{area}_priority")
                field_error(form_key, f"{area}.priority")
            with c2:
                note = st.text_input(_("Note: {need}").format(need=_(text)), value=before.note if before else "",
                                     placeholder=_("Note"), label_visibility="collapsed", key=f"{key}_{area}_note")
            rows.append(a.NeedInput(area, priority, note))
    return tuple(rows)


def show_rows(rows: list[tuple[str, str]]) -> None:
    """Label and value pairs; values are the users' words, shown as plain text."""
    for name, value in rows:
        c1, c2 = st.columns([1, 3])
        c1.markdown("**" + md_escape(name) + "**")
        c2.text(value)


def show_table(table: Table) -> None:
    if table.rows:
        st.dataframe(pd.DataFrame(table.rows, columns=table.headings), hide_index=True, width="stretch")


def show_section(section: Section) -> None:
    show_rows(section.rows)
    for table in section.tables:
        show_table(table)


def stale_notice(kind: str, case_id: int, opened: int, current: a.RiskView | a.NeedsView | None, form_key: str) -> None:
    """Someone saved a newer version while this form was open: say so, and offer to start again from it."""
    if current is None or opened == current.version_no:
        return
    st.warning(_("{author} saved version {n} after you opened this form.").format(
        author=md_escape(current.author), n=current.version_no), icon=":material/sync_problem:")
    if st.button(_("Discard my changes and open version {n}").format(n=current.version_no),
                 key=f"{prefix(kind, case_id, opened)}_reload"):
        forget_opened(kind, case_id)
        clear_errors(form_key)
        st.rerun()


def show_history(file: a.AssessmentFile) -> None:
    """Every version, newest first, in full: what was known, by whom and when."""
    if not file.risk_versions and not file.needs_versions:
        st.info(_("No assessment yet."))
    for v in file.risk_versions:
        title = _("Risk assessment, version {n} of {day}").format(n=v.version_no, day=fmt_date(v.assessed_on))
        with st.expander(md_escape(title) + (" · " + _("current") if v.is_current else "")):
            show_rows(a.risk_rows(v))
            show_table(a.factors_table(v, all_factors=True))
            show_table(a.mitigations_table(v))
    for v in file.needs_versions:
        title = _("Needs assessment, version {n} of {day}").format(n=v.version_no, day=fmt_date(v.assessed_on))
        with st.expander(md_escape(title) + (" · " + _("current") if v.is_current else "")):
            show_rows(a.needs_rows(v))
            show_table(a.needs_table(v, all_areas=True))


NEEDS_TEXTS = (
    ("work_experience", N_("Work experience")),
    ("skills", N_("Skills")),
    ("languages", N_("Languages")),
    ("aspirations", N_("What the person wants to do after return")),
    ("opportunities", N_("Opportunities identified with the IOM office or peers in the return country")),
)


def skills_fields(form_key: str, key: str, base: a.NeedsView | None, languages_hint: str) -> dict[str, str]:
    """Skills and motivation in the person's words; languages start from what intake recorded."""
    texts = {}
    for field, title in NEEDS_TEXTS:
        start = getattr(base, field) if base else (languages_hint if field == "languages" else "")
        texts[field] = st.text_area(_(title), value=start, height=80, key=f"{key}_{field}")
        field_error(form_key, field)
    return texts


_TABS = "assessment_tab"
_GOTO = "_assessment_goto"


def tabs(labels: list[str]):
    """Tabs that keep the open one across reruns (an error shows in the form it belongs to),
    and that a save can switch to another on the next run."""
    goto = st.session_state.pop(_GOTO, None)
    if goto in labels:
        st.session_state[_TABS] = goto
    return st.tabs(labels, key=_TABS, on_change="rerun")


def open_tab_next(label_text: str) -> None:
    st.session_state[_GOTO] = label_text


def done_message(saved: str, file: a.AssessmentFile, kind: str) -> str:
    """A save's confirmation with what comes next: the other assessment, or marking the case as assessed."""
    other_missing = file.needs is None if kind == "risk" else file.risk is None
    if other_missing:
        return saved + " " + (_("Next: the needs assessment.") if kind == "risk" else _("Next: the risk assessment."))
    if file.stage == Stage.ELIGIBLE:
        return saved + " " + _("Next: mark the case as assessed.")
    return saved


def mark_assessed(actor, case_id: int, file: a.AssessmentFile) -> None:
    """Once both assessments are saved, the case moves on to the plan."""
    from care.ui.form import Form

    mark_key = f"mark_{case_id}"
    st.caption(_("The case is assessed once a risk assessment and a needs assessment are saved."))
    mark = Form(mark_key)
    if st.button(_("Mark as assessed"), type="secondary" if file.assessed_missing else "primary", key=mark_key):
        mark.submit(lambda s: a.assessment_mark_assessed(s, actor, case_id),
                    _("The case is now assessed. Next: the return plan."))
    mark.error("stage")
    mark.messages()
