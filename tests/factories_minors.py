"""A minor's case ready to depart, built through the domain functions as a coordinator would."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from care import minors_write as record
from care.access import Actor
from db.models import Case, MinorActor, MinorProcedure
from tests.factories import make_case

TODAY = date(2015, 6, 1)
REFERRAL = date(2014, 3, 10)


def procedure(session: Session, case: Case) -> MinorProcedure:
    return session.get(MinorProcedure, case.id)


def actor_row(session: Session, case: Case, code: str) -> MinorActor:
    return session.exec(select(MinorActor).where(MinorActor.case_id == case.id, MinorActor.actor == code)).one()


def make_minor_case(session: Session, **fields) -> Case:
    fields = {"stage": "plan_approved", "referral_date": REFERRAL, "birth_date": date(1998, 9, 14), "host": "FR",
              "ret": "NG", **fields}
    return make_case(session, is_minor=True, **fields)


def ready_minor(session: Session, coord: Actor, **fields) -> Case:
    """Guardian, a decision for return, a positive family assessment, every required actor
    coordinated (the judge is not involved) and the guardian as escort: nothing is missing."""
    case = make_minor_case(session, **fields)
    complete_procedure(session, coord, case)
    return case


def complete_procedure(session: Session, coord: Actor, case: Case, *, on: date | None = None) -> None:
    """Take `case` (a minor's) through the whole minors' procedure, as `ready_minor` describes.

    The steps are spread over 2014 (family assessment requested 2 May, done 20 August, decision
    15 September, actors contacted 1 October), or all taken on the day `on` when it is given
    (for a case referred later, or one that departs earlier)."""
    today = on or TODAY
    record.minor_procedure_open(session, coord, case_id=case.id)
    record.minor_guardian_set(session, coord, case_id=case.id, version=procedure(session, case).version,
                              name="Guardian Test", organisation="Aide sociale à l'enfance (test)",
                              contact="+33 6 12 34 56 78")
    record.minor_family_assessment_record(
        session, coord, case_id=case.id, version=procedure(session, case).version,
        requested_on=on or date(2014, 5, 2), done_on=on or date(2014, 8, 20), done_by="IOM office, Benin City",
        outcome="positive", documents="Family assessment report", today=today)
    record.minor_bid_record(session, coord, case_id=case.id, version=procedure(session, case).version,
                            decided_on=on or date(2014, 9, 15), body="Child welfare panel (test)",
                            person="Panel Chair", outcome="return",
                            reasons="Family able to care; the child wishes to return.", today=today)
    for row in session.exec(select(MinorActor).where(MinorActor.case_id == case.id)).all():
        if row.required:
            record.minor_actor_update(session, coord, minor_actor_id=row.id, version=row.version, required=True,
                                      contacted_on=on or date(2014, 10, 1), agreed="Agrees with the return.",
                                      today=today)
    record.minor_escort_set(session, coord, case_id=case.id, version=procedure(session, case).version,
                            kind="guardian", name="")
    session.flush()
