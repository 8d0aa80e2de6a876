"""Tasks on Home and in the case file, the reminders choice in My account, failed reminders for the admin."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import reminders, tasks
from care.access import Actor, Role
from care.errors import DomainError
from care.i18n import _, fmt_date
from care.tasks import STATES, TaskRow
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error, show_flash
from care.ui.phone import responsive_table
from care.vocab import label


def _table(rows: list[TaskRow], key: str, *, with_case: bool, with_state: bool) -> None:
    def row(t: TaskRow) -> dict:
        out = {_("Due"): fmt_date(t.due_on) + (" ⚠ " + _("overdue") if t.overdue else "")}
        if with_case:
            out[_("Case")] = t.case_code or "—"
        out[_("Task")] = t.what
        out[_("Assigned to")] = t.assignee
        if with_state:
            if t.state == "done":
                state = _("Done on {date} by {who}").format(date=fmt_date(t.done_on), who=t.done_by)
            elif t.state == "cancelled":
                state = _("Cancelled on {date}: {reason}").format(date=fmt_date(t.cancelled_on), reason=t.cancel_reason)
            else:
                state = label(STATES, t.state)
            out[_("State")] = state
        return out

    responsive_table([row(t) for t in rows], key)


def _close_form(actor: Actor, rows: list[TaskRow], key: str, *, today: date) -> None:
    """Complete or cancel one of the open tasks this user may change."""
    open_rows = {t.id: t for t in rows if t.may_change}
    if not open_rows:
        return
    form = f"task_close_{key}"
    with st.form(form):
        form_errors(form)
        task_id = st.selectbox(_("Task"), list(open_rows), index=None, key=f"{form}_task",
                               format_func=lambda i: f"{fmt_date(open_rows[i].due_on)} · "
                                                     f"{open_rows[i].case_code or '—'} · {open_rows[i].what}")
        field_error(form, "task")
        actions = {"done": _("Mark as done"), "cancel": _("Cancel the task")}
        action = st.radio(_("What happened"), list(actions), format_func=actions.get, horizontal=True,
                          key=f"{form}_action")
        reason = st.text_input(_("Reason, if cancelled"), max_chars=tasks.TEXT_MAX, key=f"{form}_reason")
        field_error(form, "reason")
        if st.form_submit_button(_("Save")):
            try:
                if task_id is None:
                    raise DomainError(_("Choose a task."), field="task")
                with db_session() as session:
                    version = open_rows[task_id].version
                    if action == "done":
                        tasks.task_complete(session, actor, task_id, today=today, expected_version=version)
                    else:
                        tasks.task_cancel(session, actor, task_id, reason=reason, today=today,
                                          expected_version=version)
            except DomainError as err:
                remember_error(form, err)
                st.rerun()
            clear_errors(form)
            flash(_("Task done.") if action == "done" else _("Task cancelled."))
            st.rerun()


def _add_form(actor: Actor, case_id: int | None, key: str, *, today: date) -> None:
    with db_session() as session:
        people = dict(tasks.task_assignees(session, actor, case_id))
    if not people:
        return
    form = f"task_add_{key}"
    with st.expander(_("Add a task")), st.form(form):
        form_errors(form)
        text = st.text_input(_("What is to be done"), max_chars=tasks.TEXT_MAX, key=f"{form}_text",
                             help=_("Short. Reminder e-mails never show it: they give case codes only."))
        field_error(form, "text")
        assignee = st.selectbox(_("Who does it"), list(people), format_func=people.get, key=f"{form}_assignee")
        field_error(form, "assignee")
        due_on = st.date_input(_("Due on"), value=None, min_value=today, key=f"{form}_due")
        field_error(form, "due_on")
        if st.form_submit_button(_("Add the task")):
            try:
                with db_session() as session:
                    tasks.task_add(session, actor, case_id=case_id, assignee_id=assignee, due_on=due_on, text=text,
                                   today=today)
            except DomainError as err:
                remember_error(form, err)
                st.rerun()
            clear_errors(form)
            for field in ("text", "due"):
                st.session_state.pop(f"{form}_{field}", None)
            flash(_("Task added."))
            st.rerun()


def home_section(actor: Actor, *, today: date) -> None:
    """Home: failed reminder e-mails for the administrator; "My tasks", overdue first, for case workers."""
    if actor.has(Role.ADMIN):
        failed_reminders(actor)
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return
    show_flash()
    with db_session() as session:
        rows = tasks.my_tasks(session, actor, today=today)
    st.subheader(_("My tasks, overdue first"))
    if rows:
        _table(rows, "home_tasks", with_case=True, with_state=False)
        _close_form(actor, rows, "home", today=today)
    else:
        st.caption(_("No open task is assigned to you."))
    _add_form(actor, None, "home", today=today)


def case_tasks_panel(actor: Actor, case_id: int, *, today: date) -> None:
    """The case file: the case's tasks (open first), with the forms to add, complete or cancel one."""
    with db_session() as session:
        rows = tasks.case_tasks(session, actor, case_id, today=today)
    st.subheader(_("Tasks"))
    if rows:
        _table(rows, f"case_tasks_{case_id}", with_case=False, with_state=True)
        _close_form(actor, rows, f"case_{case_id}", today=today)
    else:
        st.caption(_("No task on this case."))
    _add_form(actor, case_id, f"case_{case_id}", today=today)


def reminders_choice(actor: Actor) -> None:
    """My account: reminder e-mails (daily digest, alarms) on or off."""
    st.subheader(_("Reminder e-mails"))
    with db_session() as session:
        wanted = reminders.reminders_wanted(session, actor)
    choice = st.toggle(_("Send me the daily digest and the alarm e-mails"), value=wanted, key="account_reminders",
                       help=_("They give counts and case codes only, never a name."))
    if choice != wanted:
        with db_session() as session:
            reminders.reminders_set(session, actor, choice)
        st.rerun()


def failed_reminders(actor: Actor) -> None:
    """The administrator's Home: reminder e-mails the server refused, still waiting in the outbox."""
    with db_session() as session:
        rows = reminders.reminders_failed(session, actor)
    if not rows:
        return
    st.subheader(_("Reminder e-mails not sent"))
    st.warning(_("The mail server refused or did not answer. The e-mails are kept and tried again at the next "
                 "run of the digest or outbox command; check the mail server settings."))
    kinds = {"digest": _("Daily digest"), "alarm": _("Alarm")}
    responsive_table([{_("Written"): fmt_date(r.created_at), _("Kind"): kinds.get(r.kind, r.kind),
                       _("User"): r.username, _("Tries"): r.attempts, _("Last error"): r.last_error}
                      for r in rows], "home_failed_reminders")
