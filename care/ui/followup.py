"""The follow-up page's widgets: the overdue-first list, the case picker of the return side, the log form.

The log form is made to be filled in within a minute: the date is today, how the last
follow-up was done and where and with whom the person lived are already filled in, the
plan lines keep their last progress, and every answer is one tap.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from care import followups
from care.access import Actor
from care.contacts import days_since
from care.flags import flag_labels
from care.followups import ALARMS, MODES, PROGRESS, QUESTIONS, SCALE_HINT, SCORE_ITEMS, SCORES
from care.i18n import N_, _, fmt_date
from care.schedule import state_label
from care.ui.dates import day_input
from care.ui import confirm
from care.ui.db import db_session
from care.ui.messages import field_error, form_errors
from care.ui.form import Form, forget
from care.ui.opened import save
from care.ui.tables import typed_table
from care.ui.widgets import CASE_PARAM
from care.vocab import DIMENSIONS, label, stage_label

FOLLOWUP_PARAM = "followup"
PICKER = "followup"
WORKLIST = "followup_worklist"


def _generation(name: str) -> int:
    return Form(f"followup_round_{name}").round


def _renew(name: str) -> None:
    """Draw the widgets of `name` anew (new keys), so that they start from the address, not from their
    last value: a browser keeps showing a widget's old choice when only its state is dropped."""
    forget(f"followup_round_{name}")


def _open_from_worklist(items: list[followups.WorkItem]) -> None:
    rows = st.session_state[WORKLIST].selection.rows
    if not rows:
        return
    item = items[rows[0]]
    st.query_params[CASE_PARAM] = str(item.case_id)
    st.query_params[FOLLOWUP_PARAM] = str(item.followup_id)
    _renew(PICKER)
    _renew("choice")


def _open(case_id: int, followup_id: int) -> None:
    st.query_params[CASE_PARAM] = str(case_id)
    st.query_params[FOLLOWUP_PARAM] = str(followup_id)
    _renew(PICKER)
    _renew("choice")


def worklist(items: list[followups.WorkItem], total: int) -> None:
    """The user's follow-ups still to do, overdue first; choosing a row (a button on a phone) opens it below."""
    if not items:
        st.caption(_("No follow-up to do."))
        return
    with st.container(key="wide_worklist"):
        typed_table(
            [{_("Case"): ("⚠ " if i.alarm_open else "") + i.case_code, _("Due on"): i.due_on,
              _("State"): state_label(i.state), _("Follow-up"): i.label} for i in items], dates=(_("Due on"),),
            height=min(38 + 35 * len(items), 300), key=WORKLIST,
            on_select=lambda: _open_from_worklist(items), selection_mode="single-row",
        )
    with st.container(key="cards_worklist"):
        for i in items[:20]:
            st.button(" · ".join([("⚠ " if i.alarm_open else "") + i.case_code, i.label, fmt_date(i.due_on),
                                  state_label(i.state)]), key=f"worklist_open_{i.followup_id}", width="stretch",
                      on_click=_open, args=(i.case_id, i.followup_id))
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
    typed_table(
        [{_("Follow-up"): r.label, _("Due on"): r.due_on, _("State"): state_label(r.state),
          _("Done on"): r.done_on, _("Mode"): label(MODES, r.mode) if r.mode else "",
          _("Alarm signs"): followups.alarm_labels(r.alarms), _("Reason"): r.missed_reason}
         for r in view.rows], key=f"schedule_{view.case_id}", cards=True, dates=(_("Due on"), _("Done on")))


def case_actions(actor: Actor, view: followups.CaseFollowUps, *, today: date) -> None:
    """Close the alarm (coordinators), plan the follow-ups, record that consent was withdrawn."""
    case_id = view.case_id
    if view.may_close_alarm:
        key = f"alarm_close_{case_id}"
        with st.expander(_("Close the alarm")), st.form(key):
            note = st.text_area(_("How the alarm was dealt with"), key=f"{key}_note")
            field_error(key, "close_note")
            form_errors(key)
            if st.form_submit_button(_("Close the alarm")):
                save(key, _("The alarm is closed."),
                     lambda s: followups.case_alarm_close(s, actor, case_id, note=note, today=today))
    if view.closed_reason:
        return
    if view.may_plan:
        key = f"plan_{case_id}"
        with st.form(key):
            st.caption(_("No follow-up is planned for this case yet."))
            form_errors(key)
            if st.form_submit_button(_("Plan the follow-ups")):
                save(key, _("The follow-ups are planned."), lambda s: followups.followups_plan(s, actor, case_id))
    key = f"withdraw_{case_id}"
    with st.expander(_("The person withdrew consent to follow-up")), st.form(key):
        st.caption(_("The remaining follow-ups are cancelled and nobody contacts the person any more."))
        withdrawn_on = day_input(_("Consent withdrawn on"), None, key=f"{key}_date", form=key, field="withdrawn_on",
                                 today=today)
        form_errors(key)
        if st.form_submit_button(_("Withdraw consent and cancel the follow-ups")):
            confirm.ask(key)
    confirm.confirm(key, title=_("Withdraw consent to follow-up"),
                    confirm_label=_("Withdraw consent and cancel the follow-ups"),
                    what_happens=_("The remaining follow-ups are cancelled and nobody contacts the person any more."),
                    action=lambda: save(key, _("Consent withdrawn: the remaining follow-ups are cancelled."),
                                        lambda s: followups.followup_consent_withdraw(
                                            s, actor, case_id, withdrawn_on=withdrawn_on, today=today)))


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


SECTIONS = (N_("Contact"), N_("Plan"), N_("Check"), N_("Alarms"))


# The follow-up's free-text answers (widget keys `{prefix}_{name}`): kept in the draft while typed.
TEXT_FIELDS = ("living_where", "living_with", "wellbeing", "alarm_note")


def log_fields(form: followups.FollowUpForm, lines: tuple[followups.LineRef, ...], prefix: str, form_key: str,
               *, today: date) -> followups.FollowUpEntry:
    """The log form's widgets in four short sections (tabs: one tap jumps to a section); returns what they hold."""
    e = form.entry
    if form.from_previous:
        st.caption(_("Filled in from the follow-up of {date}: check and change what is different.").format(
            date=fmt_date(form.from_previous)))
    contact, plan, check, alarm = st.tabs([_(s) for s in SECTIONS])
    with contact:
        done_on = day_input(_("Date of the follow-up"), e.done_on or today, key=f"{prefix}_done_on", form=form_key,
                            field="done_on", today=today, width=180)
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
    with plan:
        if not lines:
            st.caption(_("No approved plan line."))
        for n, line in enumerate(lines, start=1):
            st.text(f"{n}. {line.label}")
            progress[line.id] = st.segmented_control(
                _("Progress of line {n}").format(n=n), list(PROGRESS), default=e.progress.get(line.id),
                format_func=lambda c: label(PROGRESS, c), key=f"{prefix}_progress_{line.id}",
                label_visibility="collapsed")
            field_error(form_key, f"progress_{line.id}")

    scores = {}
    with check:
        st.caption(_(SCALE_HINT))
        for dimension, items in SCORE_ITEMS.items():
            st.markdown("*" + label(DIMENSIONS, dimension) + "*")
            for item in items:
                scores[item] = st.segmented_control(label(QUESTIONS, item), SCORES, default=e.scores.get(item),
                                                    key=f"{prefix}_score_{item}")
                field_error(form_key, f"score_{item}")

    with alarm:
        alarms = st.pills(_("Alarm signs"), list(ALARMS), selection_mode="multi", default=list(e.alarms),
                          format_func=lambda c: label(ALARMS, c), key=f"{prefix}_alarms")
        field_error(form_key, "alarms")
        alarm_note = st.text_area(_("What happened (with an alarm sign: the coordinators read this first)"),
                                  value=e.alarm_note, height=80, key=f"{prefix}_alarm_note")
        field_error(form_key, "alarm_note")
    return followups.FollowUpEntry(
        done_on=done_on, mode=mode, reached=reached, living_where=living_where, living_with=living_with,
        wellbeing=wellbeing, scores=scores, progress=progress, alarms=tuple(alarms or ()), alarm_note=alarm_note)


def entry_values(followup_id: int, e: followups.FollowUpEntry) -> dict:
    """The form's values as a draft (JSON)."""
    return {"followup_id": followup_id, "done_on": e.done_on.isoformat() if e.done_on else None, "mode": e.mode,
            "reached": e.reached, "living_where": e.living_where, "living_with": e.living_with,
            "wellbeing": e.wellbeing, "scores": dict(e.scores), "progress": {str(k): v for k, v in e.progress.items()},
            "alarms": list(e.alarms), "alarm_note": e.alarm_note}


def from_draft(form: followups.FollowUpForm, values: dict) -> followups.FollowUpForm:
    """The opened form, with what the draft held."""
    entry = followups.FollowUpEntry(
        done_on=date.fromisoformat(values["done_on"]) if values.get("done_on") else None, mode=values.get("mode"),
        reached=bool(values.get("reached", True)), living_where=values.get("living_where", ""),
        living_with=values.get("living_with", ""), wellbeing=values.get("wellbeing", ""),
        scores={k: v for k, v in (values.get("scores") or {}).items()},
        progress={int(k): v for k, v in (values.get("progress") or {}).items()},
        alarms=tuple(values.get("alarms") or ()), alarm_note=values.get("alarm_note", ""))
    return replace(form, entry=entry, from_previous=None)

HOME_LINKS = 10  # follow-ups listed on Home; the follow-up page lists them all


def _go(page: str, params: dict) -> None:
    st.switch_page(page, query_params=params)


def worklist_links(items, flags: dict[int, list[str]], last_contact: dict, *, today: date) -> None:
    """Home's follow-ups to do, one button each: a tap opens the follow-up's log form.

    Buttons rather than links: a page run on its own (the benchmark's AppTest) has no navigation to
    resolve a link against; a button looks the page up only when it is tapped."""
    for item in items[:HOME_LINKS]:
        when = (_("overdue since {date}") if item.overdue else _("due {date}")).format(date=fmt_date(item.due_on))
        parts = [item.case_code, item.label, when]
        if marks := flag_labels(flags.get(item.case_id, ())):
            parts.append(marks)
        last = last_contact.get(item.case_id)
        parts.append(_("last contact {days} days ago").format(days=days_since(last, today)) if last
                     else _("no contact yet"))
        if st.button(" · ".join(parts), icon=":material/warning:" if item.overdue else ":material/event:",
                     key=f"home_followup_{item.followup_id}", width="stretch", type="tertiary"):
            _go("pages/followup.py", {CASE_PARAM: str(item.case_id), FOLLOWUP_PARAM: str(item.followup_id)})
    if len(items) > HOME_LINKS:
        if st.button(_("All {n} follow-ups to do").format(n=len(items)), icon=":material/list:",
                     key="home_followups_all", type="tertiary"):
            _go("pages/followup.py", {})
