"""The minors' rules of the path: what a child's plan and departure wait for.

Apart from `care.minors` (which reads and shows the procedure) so that the stages that move
a case -- plans for "plan approved", journey for "departed" -- ask these rules without
importing the minors' page logic, and the import graph stays without a circle.
"""

from __future__ import annotations

from sqlmodel import Session, select

from care.i18n import N_, _
from care.vocab import label
from db.models import Case, MinorActor, MinorProcedure

# --- codes (canonical home; the demo data uses the same values) ----------------------

MINOR_ACTORS = {
    "guardian": N_("Guardian"),
    "child_protection_host": N_("Child-protection services, host country"),
    "child_protection_return": N_("Child-protection services, return country"),
    "judge_or_prosecutor": N_("Judge or prosecutor"),
    "partner_organisation": N_("Partner organisation"),
}


# --- the rules -------------------------------------------------------------


def return_stopped(session: Session, case: Case) -> bool:
    """The best-interests decision says the child must not return."""
    if not case.is_minor:
        return False
    proc = session.get(MinorProcedure, case.id)
    return proc is not None and proc.bid_outcome == "no_return"


def _stopped_message() -> str:
    return _("the return is stopped: the best-interests decision says return is not in the child's best "
             "interests (the case may stay open in the host country, or be closed)")


def _coordinated(row: MinorActor) -> bool:
    return row.contacted_on is not None and bool(row.agreed.strip())


def _actor_rows(session: Session, case_id: int) -> list[MinorActor]:
    order = {code: i for i, code in enumerate(MINOR_ACTORS)}
    rows = session.exec(select(MinorActor).where(MinorActor.case_id == case_id)).all()
    return sorted(rows, key=lambda r: (order.get(r.actor, len(order)), r.id))


def plan_approved_missing(session: Session, case: Case) -> list[str]:
    """No plan for a return that the best-interests decision has stopped."""
    return [_stopped_message()] if return_stopped(session, case) else []


def departed_missing(session: Session, case: Case) -> list[str]:
    """Everything a child's departure still waits for, in plain words (nothing for adults)."""
    if not case.is_minor:
        return []
    proc = session.get(MinorProcedure, case.id)
    if proc is None:
        return [_("best-interests decision not recorded"), _("family assessment in the return country not done"),
                _("coordination with the actors in both countries not recorded"), _("no escort named")]
    missing: list[str] = []
    if proc.bid_outcome is None:
        missing.append(_("best-interests decision not recorded"))
    elif proc.bid_outcome == "no_return":
        missing.append(_stopped_message())
    if proc.family_outcome is None or proc.family_done_on is None:
        missing.append(_("family assessment in the return country not done"))
    elif proc.family_outcome == "negative":
        missing.append(_("family assessment negative: the family cannot receive the child"))
    for row in _actor_rows(session, case.id):
        if row.required and not _coordinated(row):
            missing.append(_("{actor} not yet coordinated").format(
                actor=label(MINOR_ACTORS, row.actor)))
    if not (proc.escort_kind and proc.escort_name.strip()):
        missing.append(_("no escort named"))
    return missing
