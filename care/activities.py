"""What a programme does besides cases: information meetings, trainings, brochures, and
the register of referrals received.

The coordination team records them; the indicators count them. A training records the
professionals trained by kind of organisation, so that a report can say who was reached,
and the modules covered (a reference list the admin maintains: a retired module still
shows on the trainings that covered it). A referral is registered even when no case may
be opened (no consent, not eligible, declined), because programmes report every referral
received; the referrals that became cases are registered by intake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_get, require, require_programme
from care.audit import audit_record
from care.concurrency import claim
from care.countries import country_name
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _
from care.programmes import ProgrammeSettings, programme_settings
from care.text import NOTE_MAX, checked_text
from care.days import check_day
from db.models import Activity, ActivityModule, ActivityParticipants, Case, Organisation, Referral, TrainingModule

ACTIVITY_KINDS = {
    "meeting": N_("Information meeting"),
    "training": N_("Training"),
    "brochures": N_("Brochures"),
}

# Kinds of organisation of the professionals trained (CARE+ trainings).
ORG_KINDS = {
    "immigration_office": N_("Immigration office"),
    "child_welfare": N_("Child welfare"),
    "police": N_("Police"),
    "border_police": N_("Border police"),
    "gendarmerie": N_("Gendarmerie"),
    "justice": N_("Justice"),
    "ngo": N_("NGO"),
    "other": N_("Other"),
}

REFERRAL_OUTCOMES = {
    "case": N_("Became a case"),
    "not_eligible": N_("Not eligible"),
    "declined": N_("Declined by the person"),
    "no_consent": N_("No consent to data processing"),
    "pending": N_("Pending"),
}
# "case" is set by intake when it opens the case; this register records the others.
OUTCOMES_RECORDED_HERE = ("pending", "not_eligible", "declined", "no_consent")

MAX_PARTICIPANTS = 10_000
MAX_BROCHURES = 1_000_000
MAX_TEXT = 200


@dataclass(frozen=True)
class ModuleRef:
    id: int
    name: str
    retired: bool


@dataclass(frozen=True)
class ActivityRow:
    id: int
    version: int
    kind: str
    held_on: date
    place: str
    audience: str
    participants: int
    quantity: int
    note: str
    modules: tuple[ModuleRef, ...] = ()
    by_org_kind: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganisationRef:
    id: int
    name: str
    country: str


@dataclass(frozen=True)
class ReferralRow:
    id: int
    referral_date: date
    host_country: str
    organisation: str
    outcome: str
    case_code: str
    note: str


# --- reading ------------------------------------------------------------------------


def activities_list(session: Session, actor: Actor, *, programme_id: int, kind: str) -> list[ActivityRow]:
    """The programme's activities of one kind, the most recent first, for the coordination team."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    rows = session.exec(
        select(Activity).where(Activity.programme_id == programme_id, Activity.kind == kind)
        .order_by(col(Activity.held_on).desc(), col(Activity.id).desc())
    ).all()
    ids = [a.id for a in rows]
    modules: dict[int, list[ModuleRef]] = {}
    counts: dict[int, dict[str, int]] = {}
    if ids and kind == "training":
        for activity_id, module in session.exec(
            select(ActivityModule.activity_id, TrainingModule)
            .join(TrainingModule, TrainingModule.id == ActivityModule.module_id)
            .where(col(ActivityModule.activity_id).in_(ids)).order_by(TrainingModule.id)
        ).all():
            modules.setdefault(activity_id, []).append(ModuleRef(module.id, module.name, module.retired))
        for p in session.exec(select(ActivityParticipants).where(col(ActivityParticipants.activity_id).in_(ids))).all():
            counts.setdefault(p.activity_id, {})[p.org_kind] = p.count
    return [
        ActivityRow(a.id, a.version, a.kind, a.held_on, a.place, a.audience, a.participants, a.quantity, a.note,
                    tuple(modules.get(a.id, ())), {k: counts.get(a.id, {}).get(k, 0) for k in ORG_KINDS}
                    if kind == "training" else {})
        for a in rows
    ]


def training_modules(session: Session, actor: Actor, *, keep_ids: tuple[int, ...] = ()) -> list[ModuleRef]:
    """Modules a training may cover: the current ones, and any retired one it already covers."""
    require(actor, Role.COORDINATOR)
    stmt = select(TrainingModule).where((TrainingModule.retired == False) | col(TrainingModule.id).in_(keep_ids))  # noqa: E712
    return [ModuleRef(m.id, m.name, m.retired) for m in session.exec(stmt.order_by(TrainingModule.id)).all()]


def organisations_for_referral(session: Session, actor: Actor, *, programme_id: int) -> list[OrganisationRef]:
    """Organisations in the programme's host countries that may refer someone (not retired)."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    hosts = programme_settings(session, programme_id).host_countries
    orgs = session.exec(
        select(Organisation).where(col(Organisation.country).in_(hosts), Organisation.retired == False)  # noqa: E712
        .order_by(Organisation.country, Organisation.name)
    ).all()
    return [OrganisationRef(o.id, o.name, o.country) for o in orgs]


def referrals_list(session: Session, actor: Actor, *, programme_id: int,
                   limit: int = 500) -> tuple[list[ReferralRow], int]:
    """The register of referrals received, the most recent first, and how many there are in all."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    total = session.exec(select(func.count()).where(Referral.programme_id == programme_id)).one()
    rows = session.exec(
        select(Referral.id, Referral.referral_date, Referral.host_country, Organisation.name, Referral.outcome,
               Case.code, Referral.note)
        .outerjoin(Organisation, Organisation.id == Referral.organisation_id)
        .outerjoin(Case, Case.id == Referral.case_id)
        .where(Referral.programme_id == programme_id)
        .order_by(col(Referral.referral_date).desc(), col(Referral.id).desc())
        .limit(limit)
    ).all()
    return [ReferralRow(rid, day, host, org or "", outcome, code or "", note or "")
            for rid, day, host, org, outcome, code, note in rows], int(total)


# --- recording activities -----------------------------------------------------------


def _check_day(problems: Problems, settings: ProgrammeSettings, day: date | None, today: date,
               field_name: str = "held_on") -> None:
    check_day(problems, field_name, day, label=_("The date"), today=today,
              earliest=settings.start_date, after=_("the programme's start"),
              latest=settings.end_date, before=_("the programme's end"))


def _check_count(problems: Problems, field_name: str, value, *, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        problems.add(field_name, _("Enter a whole number from {low} to {high}.").format(low=low, high=high))
        return 0
    return value


def _validated(session: Session, settings: ProgrammeSettings, kind: str, values: dict, today: date,
               allowed_retired: frozenset[int] = frozenset()) -> dict:
    """The activity's fields, checked for its kind; raises every problem at once."""
    problems = Problems()
    if kind not in ACTIVITY_KINDS:
        raise DomainError(_("Unknown kind of activity."))
    _check_day(problems, settings, values.get("held_on"), today)
    place, audience = (checked_text(problems, k, values.get(k), limit=MAX_TEXT) for k in ("place", "audience"))
    note = checked_text(problems, "note", values.get("note"), limit=NOTE_MAX, multiline=True)
    out = {"held_on": values.get("held_on"), "place": place, "audience": audience, "note": note,
           "participants": 0, "quantity": 0, "module_ids": (), "by_org_kind": {}}
    if kind == "meeting":
        if not place:
            problems.add("place", _("Say where the meeting was held."))
        if not audience:
            problems.add("audience", _("Say who the meeting was for."))
        out["participants"] = _check_count(problems, "participants", values.get("participants"), low=1,
                                           high=MAX_PARTICIPANTS)
    elif kind == "training":
        if not place:
            problems.add("place", _("Say in which city the training was held."))
        out["module_ids"] = _checked_modules(session, problems, values.get("module_ids") or (), allowed_retired)
        out["by_org_kind"] = _checked_counts(problems, values.get("by_org_kind") or {})
        out["participants"] = sum(out["by_org_kind"].values())
    else:
        if not audience:
            problems.add("audience", _("Say to whom the brochures were given."))
        out["quantity"] = _check_count(problems, "quantity", values.get("quantity"), low=1, high=MAX_BROCHURES)
    problems.raise_if_any()
    return out


def _checked_modules(session: Session, problems: Problems, module_ids, allowed_retired: frozenset[int]) -> tuple:
    ids = tuple(sorted({int(m) for m in module_ids}))
    if not ids:
        problems.add("module_ids", _("Choose the modules the training covered."))
        return ()
    found = {m.id: m for m in session.exec(select(TrainingModule).where(col(TrainingModule.id).in_(ids))).all()}
    if set(ids) - set(found) or any(found[i].retired and i not in allowed_retired for i in ids):
        problems.add("module_ids", _("A module chosen is not on the list of training modules."))
    return ids


def _checked_counts(problems: Problems, by_org_kind: Mapping[str, int]) -> dict[str, int]:
    unknown = set(by_org_kind) - set(ORG_KINDS)
    counts = {k: by_org_kind.get(k, 0) for k in ORG_KINDS}
    if unknown or any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_PARTICIPANTS
                      for v in counts.values()):
        problems.add("by_org_kind", _("Enter, for each kind of organisation, a whole number from 0 to {high}.").format(
            high=MAX_PARTICIPANTS))
    elif sum(counts.values()) == 0:
        problems.add("by_org_kind", _("Enter how many professionals were trained."))
    return counts


def _write_training_details(session: Session, activity_id: int, values: dict) -> None:
    session.execute(delete(ActivityParticipants).where(ActivityParticipants.activity_id == activity_id))
    session.execute(delete(ActivityModule).where(ActivityModule.activity_id == activity_id))
    for kind, count in values["by_org_kind"].items():
        if count:
            session.add(ActivityParticipants(activity_id=activity_id, org_kind=kind, count=count))
    for module_id in values["module_ids"]:
        session.add(ActivityModule(activity_id=activity_id, module_id=module_id))


def _summary(kind: str, values: dict) -> dict:
    """What the audit log keeps of an activity: its figures, not its free text."""
    out = {"kind": kind, "held_on": values["held_on"], "place": values["place"],
           "participants": values["participants"], "quantity": values["quantity"]}
    if kind == "training":
        out |= {"modules": list(values["module_ids"]), "by_org_kind": {k: v for k, v in values["by_org_kind"].items() if v}}
    return out


def activity_record(session: Session, actor: Actor, *, programme_id: int, kind: str, today: date,
                    held_on: date | None, place: str = "", audience: str = "", participants: int = 0,
                    quantity: int = 0, note: str = "", module_ids: tuple[int, ...] = (),
                    by_org_kind: Mapping[str, int] | None = None) -> Activity:
    """Record a meeting, a training or a distribution of brochures that has taken place."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    settings = programme_settings(session, programme_id)
    values = _validated(session, settings, kind, {
        "held_on": held_on, "place": place, "audience": audience, "participants": participants,
        "quantity": quantity, "note": note, "module_ids": module_ids, "by_org_kind": by_org_kind}, today)
    activity = Activity(programme_id=programme_id, kind=kind, held_on=values["held_on"], place=values["place"],
                        audience=values["audience"], participants=values["participants"],
                        quantity=values["quantity"], note=values["note"], created_by_id=actor.id,
                        updated_by_id=actor.id)
    session.add(activity)
    session.flush()
    if kind == "training":
        _write_training_details(session, activity.id, values)
    audit_record(session, actor, "activity.record", entity="activity", entity_id=activity.id,
                 detail={"programme_id": programme_id, **_summary(kind, values)})
    session.flush()
    return activity


def _activity_of(session: Session, actor: Actor, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or not (actor.has(Role.COORDINATOR) and activity.programme_id in actor.programme_ids):
        raise NotPermitted(_("No such activity, or you are not permitted to see it."))
    return activity


def activity_update(session: Session, actor: Actor, *, activity_id: int, expected_version: int, today: date,
                    held_on: date | None, place: str = "", audience: str = "", participants: int = 0,
                    quantity: int = 0, note: str = "", module_ids: tuple[int, ...] = (),
                    by_org_kind: Mapping[str, int] | None = None) -> Activity:
    """Correct a recorded activity; refused if someone saved it since it was opened."""
    activity = _activity_of(session, actor, activity_id)
    settings = programme_settings(session, activity.programme_id)
    kept = frozenset(session.exec(select(ActivityModule.module_id)
                                  .where(ActivityModule.activity_id == activity_id)).all())
    values = _validated(session, settings, activity.kind, {
        "held_on": held_on, "place": place, "audience": audience, "participants": participants,
        "quantity": quantity, "note": note, "module_ids": module_ids, "by_org_kind": by_org_kind}, today,
        allowed_retired=kept)
    claim(session, actor, Activity, {"id": activity_id}, expected_version)
    session.execute(update(Activity).where(Activity.id == activity_id).values(
        held_on=values["held_on"], place=values["place"], audience=values["audience"],
        participants=values["participants"], quantity=values["quantity"], note=values["note"])
        .execution_options(synchronize_session=False))
    if activity.kind == "training":
        _write_training_details(session, activity_id, values)
    audit_record(session, actor, "activity.update", entity="activity", entity_id=activity_id,
                 detail={"programme_id": activity.programme_id, **_summary(activity.kind, values)})
    session.flush()
    session.refresh(activity)
    return activity


def activity_delete(session: Session, actor: Actor, *, activity_id: int, expected_version: int) -> None:
    """Remove an activity recorded by mistake; the audit log keeps what it said."""
    activity = _activity_of(session, actor, activity_id)
    claim(session, actor, Activity, {"id": activity_id}, expected_version)
    modules = session.exec(select(ActivityModule.module_id).where(ActivityModule.activity_id == activity_id)).all()
    counts = {p.org_kind: p.count for p in session.exec(
        select(ActivityParticipants).where(ActivityParticipants.activity_id == activity_id)).all()}
    session.execute(delete(ActivityParticipants).where(ActivityParticipants.activity_id == activity_id))
    session.execute(delete(ActivityModule).where(ActivityModule.activity_id == activity_id))
    session.execute(delete(Activity).where(Activity.id == activity_id))
    audit_record(session, actor, "activity.delete", entity="activity", entity_id=activity_id, detail={
        "programme_id": activity.programme_id, **_summary(activity.kind, {
            "held_on": activity.held_on, "place": activity.place, "participants": activity.participants,
            "quantity": activity.quantity, "module_ids": list(modules), "by_org_kind": counts})})
    session.flush()


# --- the register of referrals ------------------------------------------------------


def referral_record(session: Session, actor: Actor, *, programme_id: int, today: date,
                    referral_date: date | None, host_country: str, organisation_id: int | None,
                    outcome: str = "pending", note: str = "") -> Referral:
    """Register a referral received, whatever became of it."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    settings = programme_settings(session, programme_id)
    problems = Problems()
    check_day(problems, "referral_date", referral_date, label=_("The date of the referral"), today=today,
              earliest=settings.start_date, after=_("the programme's start"),
              latest=settings.end_date, before=_("the programme's end"))
    note = checked_text(problems, "note", note, limit=NOTE_MAX, multiline=True)
    if host_country not in settings.host_countries:
        problems.add("host_country", _("Choose one of the programme's host countries."))
    if organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or org.retired:
            problems.add("organisation_id", _("This organisation is not on the list."))
        elif host_country in settings.host_countries and org.country != host_country:
            problems.add("organisation_id", _("This organisation works in {country}, not in {host}.").format(
                country=country_name(org.country), host=country_name(host_country)))
    if outcome not in OUTCOMES_RECORDED_HERE:
        problems.add("outcome", _("A referral becomes a case when intake opens the case; choose another outcome here."))
    problems.raise_if_any()
    referral = Referral(programme_id=programme_id, host_country=host_country, organisation_id=organisation_id,
                        referral_date=referral_date, outcome=outcome, note=note, created_by_id=actor.id)
    session.add(referral)
    session.flush()
    audit_record(session, actor, "referral.record", entity="referral", entity_id=referral.id, detail={
        "programme_id": programme_id, "referral_date": referral_date, "host_country": host_country,
        "outcome": outcome})
    return referral


def referral_outcome_set(session: Session, actor: Actor, *, referral_id: int, outcome: str,
                         expected_outcome: str) -> None:
    """Record what became of a referral; refused if its outcome changed since it was shown."""
    referral = session.get(Referral, referral_id)
    if referral is None or not (actor.has(Role.COORDINATOR) and referral.programme_id in actor.programme_ids):
        raise NotPermitted(_("No such referral, or you are not permitted to see it."))
    if referral.case_id is not None:
        raise DomainError(_("This referral became a case: its outcome is kept by the case."), field="outcome")
    if outcome not in OUTCOMES_RECORDED_HERE:
        raise DomainError(_("A referral becomes a case when intake opens the case; choose another outcome here."),
                          field="outcome")
    # The outcome it was shown with works as the version: a concurrent change is not overwritten.
    result = session.execute(
        update(Referral).where(Referral.id == referral_id, Referral.outcome == expected_outcome)
        .values(outcome=outcome).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(_("Someone changed this referral after you opened it. Nothing was overwritten: "
                            "reload to see the change."))
    audit_record(session, actor, "referral.outcome", entity="referral", entity_id=referral_id,
                 case_id=referral.case_id, detail={"from": expected_outcome, "to": outcome})
    session.flush()
    session.refresh(referral)


def referral_case_link(session: Session, actor: Actor, *, referral_id: int, case_id: int,
                       expected_outcome: str = "pending") -> None:
    """Mark a registered referral as the one a new case came from (for intake), so that the
    person is counted once: the register keeps one row per referral received."""
    case = case_get(session, actor, case_id)  # whoever may work on the case (intake: coordinators, focal points)
    referral = session.get(Referral, referral_id)
    if referral is None or referral.programme_id != case.programme_id:
        raise NotPermitted(_("No such referral, or you are not permitted to see it."))
    if referral.host_country != case.host_country:
        raise DomainError(_("This referral was received in {country}, not in the case's host country.").format(
            country=country_name(referral.host_country)), field="referral_id")
    if referral.case_id is not None:
        raise DomainError(_("This referral became a case: its outcome is kept by the case."), field="referral_id")
    result = session.execute(
        update(Referral).where(Referral.id == referral_id, Referral.outcome == expected_outcome,
                               col(Referral.case_id).is_(None))
        .values(outcome="case", case_id=case_id).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(_("Someone changed this referral after you opened it. Nothing was overwritten: "
                            "reload to see the change."))
    audit_record(session, actor, "referral.case", case_id=case_id, entity="referral", entity_id=referral_id,
                 detail={"from": expected_outcome, "to": "case"})
    session.flush()
    session.refresh(referral)
