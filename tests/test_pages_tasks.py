"""My tasks on Home and the case file's tasks, driven as a person would (AppTest, on a copy of the demo data)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from care import users
from db.engine import engine_for, session_scope
from db.models import AuditEvent, Case, Programme, Task
from tests.test_pages import errors
from tests.test_pages_intake import _button, db_url, open_page  # noqa: F401

TODAY = date.today()


def _case_and_tasks(url) -> tuple[int, str, int, int]:
    """A CARE case, with two tasks of the coordinator typed by hand: one overdue, one due in 20 days."""
    with session_scope(engine_for(url)) as s:
        coord = users.actor_load(s, "coord")
        care = s.exec(select(Programme.id).where(Programme.code == "CARE")).one()
        case = s.exec(select(Case).where(Case.programme_id == care, Case.stage == "assessed",
                                         Case.anonymised_at.is_(None)).order_by(Case.id)).first()
        late = Task(case_id=case.id, assignee_id=coord.id, due_on=TODAY - timedelta(days=3), text="Ring the shelter",
                    origin="manual", created_by_id=coord.id)
        later = Task(case_id=case.id, assignee_id=coord.id, due_on=TODAY + timedelta(days=20),
                     text="Book the interpreter", origin="manual", created_by_id=coord.id)
        s.add_all([late, later])
        s.flush()
        return case.id, case.code, late.id, later.id


def _table(at, column: str, value: str):
    """The dataframe that has `value` in `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns and value in list(d.value[column])]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_my_tasks_on_home_overdue_first_then_done(db_url):  # noqa: F811
    case_id, code, late_id, later_id = _case_and_tasks(db_url)
    at = open_page("coord", "home")
    assert not at.exception and not errors(at)
    assert "My tasks, overdue first" in [h.value for h in at.subheader]
    table = _table(at, "Task", "Ring the shelter")
    tasks = list(table["Task"])
    assert tasks.index("Ring the shelter") < tasks.index("Book the interpreter")
    overdue = ["overdue" in due for due in table["Due"]]
    assert overdue == sorted(overdue, reverse=True), "every overdue task comes before the others"
    row = tasks.index("Ring the shelter")
    assert table["Case"][row] == code and overdue[row]

    at.selectbox(key="task_close_home_task").set_value(late_id)
    at.radio(key="task_close_home_action").set_value("done")
    _button(at, "Save").click().run()
    assert not at.exception and not errors(at)
    with session_scope(engine_for(db_url)) as s:
        task = s.get(Task, late_id)
        assert (task.state, task.done_on) == ("done", TODAY)
        assert s.exec(select(AuditEvent.action).where(AuditEvent.entity == "task", AuditEvent.entity_id == str(late_id))
                      ).all() == ["task.done"]
    assert "Ring the shelter" not in list(_table(at, "Task", "Book the interpreter")["Task"])


def test_case_file_lists_the_case_tasks_and_adds_one(db_url):  # noqa: F811
    case_id, code, late_id, later_id = _case_and_tasks(db_url)
    at = open_page("coord", "case_file", case_id)
    assert not at.exception and not errors(at)
    table = _table(at, "Task", "Book the interpreter")
    assert {"Ring the shelter", "Book the interpreter"} <= set(table["Task"])
    assert "State" in table.columns and "Case" not in table.columns

    form = f"task_add_case_{case_id}"
    _button(at, "Add the task").click().run()  # nothing typed: said next to the fields, nothing saved
    assert "Say what is to be done." in errors(at) and "Give the day it is due." in errors(at)
    at.text_input(key=f"{form}_text").input("Send the flight details")
    at.date_input(key=f"{form}_due").set_value(TODAY + timedelta(days=5))
    _button(at, "Add the task").click().run()
    assert not at.exception and not errors(at)
    with session_scope(engine_for(db_url)) as s:
        added = s.exec(select(Task).where(Task.case_id == case_id, Task.origin == "manual")
                       .order_by(Task.id.desc())).first()
        assert (added.text, added.due_on, added.state) == ("Send the flight details", TODAY + timedelta(days=5), "open")
    assert "Send the flight details" in list(_table(at, "Task", "Send the flight details")["Task"])


def test_french_home_shows_my_tasks_in_french(db_url):  # noqa: F811
    _case_and_tasks(db_url)
    with session_scope(engine_for(db_url)) as s:
        from db.models import User

        user = s.exec(select(User).where(User.username == "coord")).one()
        user.language = "fr"
    at = open_page("coord", "home")
    assert not at.exception
    assert "Mes tâches, en retard d’abord" in [h.value for h in at.subheader]
    assert "en retard" in " ".join(_table(at, "Tâche", "Ring the shelter")["À faire"])


def test_admin_home_shows_the_reminders_not_sent(db_url):  # noqa: F811
    from db.models import EmailOutbox, User

    at = open_page("admin", "home")
    assert "Reminder e-mails not sent" not in [h.value for h in at.subheader]
    with session_scope(engine_for(db_url)) as s:
        coord = s.exec(select(User).where(User.username == "coord")).one()
        s.add(EmailOutbox(key="digest:test:1", kind="digest", user_id=coord.id, subject="CARE: your work",
                          body="Tasks due: 1", attempts=3, last_error="SMTPDataError: (451, b'Try again later')"))
    at = open_page("admin", "home")
    assert not at.exception and not errors(at)
    assert "Reminder e-mails not sent" in [h.value for h in at.subheader]
    table = _table(at, "User", "coord")
    assert list(table["Kind"]) == ["Daily digest"] and list(table["Tries"]) == [3]
    assert list(table["Last error"]) == ["SMTPDataError: (451, b'Try again later')"]
    assert "Tasks due: 1" not in str(table)  # the admin sees that an e-mail failed, not what it says


def test_my_account_turns_the_reminders_off_and_on(db_url):  # noqa: F811
    from db.models import ReminderOptOut, User

    at = open_page("coord", "account")
    assert not at.exception
    toggle = at.toggle(key="account_reminders")
    assert toggle.value is True
    toggle.set_value(False).run()
    with session_scope(engine_for(db_url)) as s:
        coord_id = s.exec(select(User.id).where(User.username == "coord")).one()
        assert s.get(ReminderOptOut, coord_id) is not None
    at.toggle(key="account_reminders").set_value(True).run()
    with session_scope(engine_for(db_url)) as s:
        assert s.get(ReminderOptOut, coord_id) is None
        assert s.exec(select(AuditEvent.action).where(AuditEvent.action.like("reminders.%"))
                      .order_by(AuditEvent.id)).all() == ["reminders.opt_out", "reminders.opt_in"]
