"""The path of a case: which stage may follow which, and moving a case along it.

Each stage module owns the rule for entering its stage (what must be done first) and
calls `stage_move` with the list of what is missing; this module refuses the move if the
list is not empty or the step is not on the path, and records it. It imports no stage
module: the stages depend on the path, never the other way round. `care.stage_rules`
gathers every stage's rules so the case file can say what is still missing.
"""

from __future__ import annotations

from sqlmodel import Session

from care.access import Actor
from care.audit import audit_record
from care.errors import DomainError
from care.i18n import _
from care.vocab import Stage, stage_label
from db.models import Case, utcnow

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.REFERRED: frozenset({Stage.ELIGIBLE, Stage.INELIGIBLE, Stage.CLOSED}),
    Stage.ELIGIBLE: frozenset({Stage.ASSESSED, Stage.CLOSED}),
    Stage.ASSESSED: frozenset({Stage.PLAN_APPROVED, Stage.CLOSED}),
    Stage.PLAN_APPROVED: frozenset({Stage.DEPARTED, Stage.CLOSED}),
    Stage.DEPARTED: frozenset({Stage.ARRIVED, Stage.CLOSED}),
    Stage.ARRIVED: frozenset({Stage.FOLLOW_UP, Stage.CLOSED}),
    Stage.FOLLOW_UP: frozenset({Stage.CLOSED}),
    Stage.INELIGIBLE: frozenset(),
    Stage.CLOSED: frozenset(),
}

# The stage a case normally goes to next (the one the case file explains).
NEXT_ON_PATH: dict[Stage, Stage] = {
    Stage.REFERRED: Stage.ELIGIBLE,
    Stage.ELIGIBLE: Stage.ASSESSED,
    Stage.ASSESSED: Stage.PLAN_APPROVED,
    Stage.PLAN_APPROVED: Stage.DEPARTED,
    Stage.DEPARTED: Stage.ARRIVED,
    Stage.ARRIVED: Stage.FOLLOW_UP,
}

def stage_move(session: Session, actor: Actor, case: Case, target: Stage, *, missing: list[str],
               detail: dict | None = None) -> Case:
    """Move `case` to `target` if the step is on the path and nothing is `missing` (what the
    stage's own rules, `care.stage_rules.ENTRY_CHECKS`, say is still to do)."""
    current = Stage(case.stage)
    if target not in TRANSITIONS[current]:
        raise DomainError(_("A case at stage “{current}” cannot move to “{target}”.").format(
            current=stage_label(current), target=stage_label(target)))
    if missing:
        raise DomainError(_("Not yet: {missing}").format(missing="; ".join(missing)), field="stage")
    case.stage = target.value
    case.stage_changed_at = utcnow()
    session.add(case)
    audit_record(session, actor, "case.stage", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"from": current.value, "to": target.value, **(detail or {})})
    return case
