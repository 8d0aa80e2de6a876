"""Home's "my work" counts real rows, within what the user may see."""

from datetime import date

from db.models import FollowUp, Plan
from care.mywork import my_work
from tests.factories import make_actor, make_case

TODAY = date(2015, 6, 1)


def test_counts_follow_ups_and_pending_plans_in_scope(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    author = make_actor(session, "coordinator", programmes=("CARE",))
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    a = make_case(session, host="FR", ret="NG", stage="follow_up")
    b = make_case(session, host="ES", ret="MA", stage="assessed")
    make_case(session, host="IT", ret="AL", stage="closed")
    session.add_all([
        FollowUp(case_id=a.id, due_on=date(2015, 5, 20), months_after=3),  # overdue
        FollowUp(case_id=a.id, due_on=date(2014, 5, 20), months_after=1),  # long overdue
        FollowUp(case_id=a.id, due_on=date(2015, 6, 5), months_after=6),   # due within 7 days
        FollowUp(case_id=a.id, due_on=date(2015, 9, 5), months_after=12),  # later
        FollowUp(case_id=a.id, due_on=date(2015, 5, 1), status="done"),
        Plan(case_id=b.id, revision_no=1, status="submitted", author_id=author.id),
    ])
    session.flush()

    work = my_work(session, coord, today=TODAY)
    assert work.open_by_stage["follow_up"] == 1 and work.open_by_stage["assessed"] == 1
    assert "closed" not in work.open_by_stage
    assert [(f.due_on, f.overdue) for f in work.followups_due] == [
        (date(2015, 5, 20), True), (date(2014, 5, 20), True), (date(2015, 6, 5), False)]
    assert [(p.case_code, p.own) for p in work.plans_pending] == [(b.code, False)]
    assert my_work(session, author, today=TODAY).plans_pending[0].own is True

    fp_work = my_work(session, fp_es, today=TODAY)
    assert sum(fp_work.open_by_stage.values()) == 1 and fp_work.followups_due == []
    assert fp_work.plans_pending == []


def test_managers_have_no_case_work(session):
    manager = make_actor(session, "manager")
    make_case(session)
    assert my_work(session, manager, today=TODAY).sees_cases is False
