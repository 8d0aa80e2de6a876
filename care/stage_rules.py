"""Every stage's entry rules, gathered: what must be done before a case enters a stage.

One function per rule, in the module that owns it. The module that moves a case into a
stage asks the same functions (e.g. `journey.departure_missing`), so the list here and the
refusal there cannot disagree (tests/test_path.py compares them). Listed explicitly (not
registered on import) so that no rule can silently drop out because its module was not
imported; nothing in care/ imports this module but the case file, so the import graph
has no circle (tests/test_import_graph.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from care import assessment, intake, journey, plans
from care.path import NEXT_ON_PATH
from care.vocab import Stage
from db.models import Case

Check = Callable[[Session, Case], list[str]]

# The full rule of each stage, as the module that makes the move asks it.
ENTRY_CHECKS: dict[Stage, Check] = {
    Stage.ELIGIBLE: intake.eligible_missing,
    Stage.ASSESSED: assessment.assessed_missing,
    Stage.PLAN_APPROVED: plans.plan_approval_all_missing,
    Stage.DEPARTED: journey.departure_missing,
    Stage.FOLLOW_UP: journey.follow_up_missing,
}


def missing_for(session: Session, case: Case, target: Stage) -> list[str]:
    """Everything still missing before `case` may enter `target`, in plain words."""
    check = ENTRY_CHECKS.get(target)
    return check(session, case) if check else []


def next_stage_missing(session: Session, case: Case) -> tuple[Stage | None, list[str]]:
    target = NEXT_ON_PATH.get(Stage(case.stage))
    if target is None:
        return None, []
    return target, missing_for(session, case, target)
