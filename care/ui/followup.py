"""The follow-up page's widgets: the overdue-first list, the case picker of the return side, the log form.

The log form is made to be filled in within a minute: the date is today, how the last
follow-up was done and where and with whom the person lived are already filled in, the
plan lines keep their last progress, and every answer is one tap.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import followups
from care.access import Actor
from care.followups import ALARMS, DIMENSIONS, MODES, PROGRESS, QUESTIONS, SCALE_HINT, SCORE_ITEMS, SCORES
from care.i18n import _, fmt_date
from care.schedule import state_label
from care.ui.db import db_session
from care.ui.journey import EARLIEST, date_format
from care.ui.messages import field_error
from care.ui.widgets import CASE_PARAM
from care.vocab import label, stage_label

FOLLOWUP_PARAM = "followup"
PICKER = "followup"
WORKLIST = "followup_worklist"


def _generation(name: str) -> int:
    return st.session_state.get(f"_gen_{name}", 0)


def _renew(name: str) -> None:
    """Draw the widgets of `name` anew (new keys), so that they start from the address, not from their
    last value: a browser keeps showing a widget's old choice when only its state is dropped."""
    st.session_state[f"_gen_{name}"] = _generation(name) + 1


def _open_from_worklist(items: list[followups.WorkItem]) -> None:
    rows = st.session_state[WORKLIST].selection.rows
    if not rows:
        return
    item = items[rows[0]]
    st.query_params[CASE_PARAM] = str(item.case_id)
    st.query_params[FOLLOWUP_PARAM] = str(item.followup_id)
    _renew(PICKER)
    _renew("choice")


def worklist(items: list[followups.WorkItem], total: int) -> None:
    """The user's follow-ups still to do, overdue first; choosing a row opens it below."""
    if not items:
        st.caption(_("No follow-up to do."))
        return
    st.dataframe(
        [{_("Case"): ("⚠ " if i.alarm_open else "") + i.case_code, _("Due on"): fmt_date(i.due_on),
          _("State"): state_label(i.state), _("Follow-up"): i.label} for i in items],
        hide_index=True, width="stretch", height=min(38 + 35 * len(items), 300), key=WORKLIST,
        on_select=lambda: _open_from_worklist(items), selection_mode="single-row",
    )
    caption = _("Choose a row to open it.")
    if total > len(items):
        caption += " " + _("Showing {n} of {total}.").format(n=len(items), total=total)
    st.caption(caption)


def case_picker(actor: Actor) -> int | None:
    """Like the shared case picker, but only the cases whose follow-ups this user works on."""
    gen = _generation(PICKER)
    query = st.text_input(_("Find a case by code"), key=f"{PICKER}_code_{gen}", placeholder="CH_VOT-CH-2026")
    with db_session() as session:
        rows, total = followups.followup_cases(session, actor, code=query)
    if not rows:
        st.info(_("No case in follow-up matches."))
        return None
    options = [r.id for r in rows]
    labels = {r.id: f"{r.code} · {stage_label(r.stage)}" + (" · ⚠" if r.alarm_open else "") for r in rows}
    wanted = st.query_params.get(CASE_PARAM)
    index = options.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in options else 0
    chosen = st.selectbox(_("Case"), options, index=index, format_func=labels.get, key=f"{PICKER}_select_{gen}")
    if total > len(rows):
        st.caption(_("Showing the {n} most urgent of {total} cases; type more of the code to narrow.").format(
            n=len(rows), total=total))
    st.query_params[CASE_PARAM] = str(chosen)
    return chosen


def schedule_table(view: followups.CaseFollowUps) -> None:
    st.dataframe(
        [{_("Follow-up"): r.label, _("Due on"): fmt_date(r.due_on), _("State"): state_label(r.state),
          _("Done on"): fmt_date(r.done_on) if r.done_on else "", _("Mode"): label(MODES, r.mode) if r.mode else "",
          _("Alarm signs"): followups.alarm_labels(r.alarms), _("Reason"): r.missed_reason}
         for r in view.rows],
        hide_index=True, width="stretch",
    )


def move_on() -> None:
    """Once a follow-up is logged (or missed), the next one to do comes up."""
    st.query_params.pop(FOLLOWUP_PARAM, None)
    _renew("choice")


def followup_choice(view: followups.CaseFollowUps) -> int | None:
    """The follow-up to log: the most urgent open one, unless one was chosen (here or in the worklist)."""
    rows = view.loggable
    if not rows:
        return None
    options = [r.id for r in rows]
    wanted = st.query_params.get(FOLLOWUP_PARAM)
    index = options.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in options else 0
    labels = {r.id: f"{r.label} · {fmt_date(r.due_on)} · {state_label(r.state)}" for r in rows}
    chosen = st.selectbox(_("Follow-up to log"), options, index=index, format_func=labels.get,
                          key=f"followup_choice_{view.case_id}_{_generation('choice')}")
    st.query_params[FOLLOWUP_PARAM] = str(chosen)
    return chosen


def log_fields(form: followups.FollowUpForm, lines: tuple[followups.LineRef, ...], prefix: str, form_key: str,
               *, today: date) -> followups.FollowUpEntry:
    """The log form's widgets, inside the current form; returns what they hold."""
    e = form.entry
    if form.from_previous:
        st.caption(_("Filled in from the follow-up of {date}: check and change what is different.").format(
            date=fmt_date(form.from_previous)))
    done_on = st.date_input(_("Date of the follow-up"), value=e.done_on or today, min_value=EARLIEST,
                            max_value=today, format=date_format(), key=f"{prefix}_done_on", width=180)
    field_error(form_key, "done_on")
    mode = st.segmented_control(_("How"), list(MODES), default=e.mode, format_func=lambda c: label(MODES, c),
                                key=f"{prefix}_mode")
    field_error(form_key, "mode")
    reached = st.toggle(_("Person reached"), value=e.reached, key=f"{prefix}_reached")
    living_where = st.text_input(_("Where the person lives"), value=e.living_where, key=f"{prefix}_living_where")
    field_error(form_key, "living_where")
    living_with = st.text_input(_("With whom"), value=e.living_with, key=f"{prefix}_living_with")
    field_error(form_key, "living_with")
    wellbeing = st.text_area(_("Health and wellbeing"), value=e.wellbeing, height=80, key=f"{prefix}_wellbeing")
    field_error(form_key, "wellbeing")

    progress = {}
    if lines:
        st.markdown("**" + _("Progress of the plan") + "**")
        for n, line in enumerate(lines, start=1):
            st.text(f"{n}. {line.label}")
            progress[line.id] = st.segmented_control(
                _("Progress of line {n}").format(n=n), list(PROGRESS), default=e.progress.get(line.id),
                format_func=lambda c: label(PROGRESS, c), key=f"{prefix}_progress_{line.id}",
                label_visibility="collapsed")
            field_error(form_key, f"progress_{line.id}")

    st.markdown("**" + _("Reintegration sustainability check") + "**")
    st.caption(_(SCALE_HINT))
    scores = {}
    for dimension, items in SCORE_ITEMS.items():
        st.markdown("*" + label(DIMENSIONS, dimension) + "*")
        for item in items:
            scores[item] = st.segmented_control(label(QUESTIONS, item), SCORES, default=e.scores.get(item),
                                                key=f"{prefix}_score_{item}")
            field_error(form_key, f"score_{item}")

    alarms = st.pills(_("Alarm signs"), list(ALARMS), selection_mode="multi", default=list(e.alarms),
                      format_func=lambda c: label(ALARMS, c), key=f"{prefix}_alarms")
    field_error(form_key, "alarms")
    alarm_note = st.text_area(_("What happened (with an alarm sign: the coordinators read this first)"),
                              value=e.alarm_note, height=80, key=f"{prefix}_alarm_note")
    field_error(form_key, "alarm_note")
    return followups.FollowUpEntry(
        done_on=done_on, mode=mode, reached=reached, living_where=living_where, living_with=living_with,
        wellbeing=wellbeing, scores=scores, progress=progress, alarms=tuple(alarms or ()), alarm_note=alarm_note)
