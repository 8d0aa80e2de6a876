"""What the plan page, the case file and the plan PDF show: read-only views of a case's plan.

Each view is built in one place, so the page, the case file and the PDF give the same
totals to the cent and the same verdict on the caps. A revision is shown against the caps
it is held to: those recorded at its approval once approved, the programme's own before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import get_territory_currencies
from sqlmodel import Session, col, select

from care.rss_scores import baseline_scores
from care.audit import audit_view
from care.access import Actor, Role, case_get, may_see_identity, require_programme
from care.budget import BudgetLine, BudgetRow, CapSet, budget_rows, cap_breaches, fmt_cap
from care.errors import NotPermitted
from care.identity import identity_read
from care.i18n import _, current_language, fmt_date, fmt_money
from care.partners import partners_for_line
from care.payments import paid_by_line
from care.plan_annex3 import ItemView, item_views, referral_services, services_for_case
from care.plans import (
    NEED_AREAS, OPEN_STATUSES, PLANNING_STAGES, NeedFlag, PlanStatus, budget_lines, contributors, needs_unanswered,
    paid_problems, plan_lines, status_label, subcategory_label,
)
from care.programmes import ProgrammeSettings, programme_settings
from care.sections import Section, Table
from care.vocab import DIMENSIONS, PLAN_CATEGORIES, Stage, label
from db.models import Case, FollowUp, Organisation, PartnerOrganisation, Payment, Plan, PlanLine, User


@dataclass(frozen=True)
class LineView:
    id: int
    version: int
    category: str
    subcategory: str
    description: str
    provider: str
    planned_on: date | None
    amount: Decimal
    currency: str
    rate: Decimal
    amount_programme: Decimal
    duration_months: int | None
    need_area: str | None
    paid: Decimal  # including what was paid on the earlier lines it continues
    partner_id: int | None = None  # the provider from the service directory
    partner_name: str = ""
    referral_needed: bool = False  # Annex 3 "referral needed?"
    referral_service_id: int | None = None
    referral_service: str = ""  # "organisation · kind of help", from the directory
    items: tuple[ItemView, ...] = ()  # in the line's currency; they add up to `amount`

    @property
    def left(self) -> Decimal:
        return self.amount_programme - self.paid

    @property
    def referral_label(self) -> str:
        """"No", or "Yes" with the directory's service when there is one."""
        if not self.referral_needed:
            return _("No")
        return _("Yes: {service}").format(service=self.referral_service) if self.referral_service else _("Yes")

    @property
    def provider_label(self) -> str:
        """The provider as screen and PDF show it: the directory's organisation, or the free text."""
        return self.partner_name or self.provider


@dataclass(frozen=True)
class PlanView:
    id: int
    version: int
    revision_no: int
    status: str
    author: str
    agreed_with_person: bool
    agreed_with_organisation: bool
    submitted_at: datetime | None
    decided_by: str
    decided_at: datetime | None
    decision_comment: str
    created_at: datetime
    caps_snapshot: dict
    lines: tuple[LineView, ...]
    # Annex 3, per dimension code (care.vocab.DIMENSIONS): a short summary, the expected improvement.
    summaries: dict[str, str] = field(default_factory=dict)
    improvements: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((ln.amount_programme for ln in self.lines), Decimal("0.00"))

    @property
    def paid(self) -> Decimal:
        return sum((ln.paid for ln in self.lines), Decimal("0.00"))

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class PaymentView:
    id: int
    line_id: int
    line_description: str
    revision_no: int
    paid_on: date
    amount: Decimal
    method: str
    receipt_ref: str
    recorded_by: str
    cancelled_at: datetime | None
    cancelled_by: str
    cancel_reason: str


@dataclass(frozen=True)
class PlanOverview:
    case_id: int
    case_code: str
    stage: str
    currency: str
    revisions: tuple[PlanView, ...]  # newest first
    latest: PlanView | None
    in_force: PlanView | None
    budget: tuple[BudgetRow, ...]  # of the latest revision, against the caps it is held to
    problems: tuple[str, ...]  # why the latest revision could not be approved as it stands
    needs: tuple[NeedFlag, ...]
    payments: tuple[PaymentView, ...]  # newest first
    currencies: tuple[str, ...]  # the programme's, then the return country's
    may_start: bool
    may_revise: bool
    may_decide: bool  # the latest revision waits for approval and the actor did not write it
    needs_organisation: bool  # the case has a referring organisation that must agree
    may_export: bool
    monitoring_due: date | None = None
    # The providers a line may name (care/partners.py `partners_for_line`): id -> "name · categories".
    partners: dict[int, str] = field(default_factory=dict)
    # The directory's services a line may refer the person to: id -> "organisation · kind of help".
    services: dict[int, str] = field(default_factory=dict)


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.name).where(col(User.id).in_(wanted))).all())


def _revisions(session: Session, case_id: int) -> list[PlanView]:
    plans = session.exec(select(Plan).where(Plan.case_id == case_id).order_by(col(Plan.revision_no).desc())).all()
    paid = paid_by_line(session, case_id)
    names = _names(session, {p.author_id for p in plans} | {p.decided_by_id for p in plans})
    partner_names = dict(session.exec(select(PartnerOrganisation.id, PartnerOrganisation.name).join(
        PlanLine, PlanLine.partner_id == PartnerOrganisation.id).join(Plan, Plan.id == PlanLine.plan_id)
        .where(Plan.case_id == case_id)).all())
    rows = {p.id: plan_lines(session, p.id) for p in plans}
    every = [ln for lines in rows.values() for ln in lines]
    items = item_views(session, [ln.id for ln in every])
    services = referral_services(session, {ln.referral_service_id for ln in every})
    views = []
    for p in plans:
        lines = tuple(LineView(
            ln.id, ln.version, ln.category, ln.subcategory, ln.description, ln.provider, ln.planned_on, ln.amount,
            ln.currency, ln.rate, ln.amount_programme, ln.duration_months, ln.need_area, paid.get(ln.id, Decimal("0.00")),
            ln.partner_id, partner_names.get(ln.partner_id, ""), ln.referral_needed, ln.referral_service_id,
            services.get(ln.referral_service_id, ""), items.get(ln.id, ()))
            for ln in rows[p.id])
        views.append(PlanView(
            p.id, p.version, p.revision_no, p.status, names.get(p.author_id, ""), p.agreed_with_person,
            p.agreed_with_organisation, p.submitted_at, names.get(p.decided_by_id, ""), p.decided_at,
            p.decision_comment, p.created_at, dict(p.caps_snapshot or {}), lines,
            {d: getattr(p, f"summary_{d}") for d in DIMENSIONS}, {d: getattr(p, f"improvement_{d}") for d in DIMENSIONS}))
    return views


def caps_of(view: PlanView, settings: ProgrammeSettings) -> CapSet:
    """An approved revision keeps the caps it was approved under; any other is held to today's."""
    if view.caps_snapshot and view.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        return CapSet.from_snapshot(view.caps_snapshot)
    return CapSet.of(settings)


def _budget_lines(view: PlanView) -> list[BudgetLine]:
    return [BudgetLine(ln.description, ln.category, ln.subcategory, ln.amount_programme, ln.duration_months)
            for ln in view.lines]


def _payments(session: Session, case_id: int) -> list[PaymentView]:
    rows = session.exec(
        select(Payment, PlanLine.description, Plan.revision_no)
        .join(PlanLine, PlanLine.id == Payment.plan_line_id).join(Plan, Plan.id == PlanLine.plan_id)
        .where(Plan.case_id == case_id)
        .order_by(col(Payment.paid_on).desc(), col(Payment.id).desc())
    ).all()
    names = _names(session, {p.recorded_by_id for p, _d, _r in rows} | {p.cancelled_by_id for p, _d, _r in rows})
    return [PaymentView(p.id, p.plan_line_id, description, revision, p.paid_on, p.amount, p.method, p.receipt_ref,
                        names.get(p.recorded_by_id, ""), p.cancelled_at, names.get(p.cancelled_by_id, ""),
                        p.cancel_reason) for p, description, revision in rows]


def _history(views: list[PlanView], currency: str) -> tuple[str, ...]:
    """One line per revision, newest first: what happened to it and its total."""
    out = []
    for v in views:
        text = _("Revision {n}: {status}, {total}, written by {author}").format(
            n=v.revision_no, status=v.status_label.lower(), total=fmt_money(v.total, currency), author=v.author)
        if v.decided_at:
            text += "; " + _("decided on {day} by {name}").format(day=fmt_date(v.decided_at, "short"),
                                                                 name=v.decided_by)
        if v.decision_comment:
            text += ": " + v.decision_comment
        out.append(text)
    return tuple(out)


def _monitoring_due(session: Session, case_id: int) -> date | None:
    return session.exec(select(FollowUp.due_on).where(FollowUp.case_id == case_id, FollowUp.kind == "monitoring",
                                                      FollowUp.status == "planned")).first()


def plan_overview(session: Session, actor: Actor, *, case_id: int) -> PlanOverview:
    """Everything the plan page shows for one case, read once."""
    case = case_get(session, actor, case_id)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    audit_view(session, actor, "plan.open", case_id=case.id, entity="case")
    settings = programme_settings(session, case.programme_id)
    views = _revisions(session, case.id)
    latest = views[0] if views else None
    in_force = next((v for v in views if v.status == PlanStatus.APPROVED), None)
    budget, problems = (), ()
    if latest is not None:
        caps = caps_of(latest, settings)
        budget = tuple(budget_rows(_budget_lines(latest), caps))
        if latest.status in OPEN_STATUSES:
            plan = session.get(Plan, latest.id)
            lines = plan_lines(session, plan.id)
            problems = tuple(cap_breaches(budget_lines(lines), caps) + paid_problems(session, case, plan, lines))
    is_open = case.stage not in (Stage.CLOSED, Stage.INELIGIBLE)
    may_decide = bool(latest and latest.status == PlanStatus.SUBMITTED
                      and actor.id not in contributors(session, session.get(Plan, latest.id)))
    currencies = [settings.currency] + [c for c in get_territory_currencies(case.return_country)
                                        if c != settings.currency]
    return PlanOverview(
        case_id=case.id, case_code=case.code, stage=case.stage, currency=settings.currency,
        revisions=tuple(views), latest=latest, in_force=in_force, budget=budget, problems=problems,
        needs=tuple(needs_unanswered(session, case)), payments=tuple(_payments(session, case.id)),
        currencies=tuple(currencies),
        may_start=latest is None and case.stage in PLANNING_STAGES,
        may_revise=bool(is_open and latest and latest.status not in OPEN_STATUSES),
        may_decide=may_decide, needs_organisation=case.organisation_id is not None,
        may_export=latest is not None and may_see_identity(actor, case),
        monitoring_due=_monitoring_due(session, case.id),
        partners=_line_partners(session, actor, case) if latest is not None else {},
        services=services_for_case(session, case) if latest is not None else {},
    )


def _line_partners(session: Session, actor: Actor, case: Case) -> dict[int, str]:
    """The directory's organisations a line of this case may name, each with the plan categories
    it serves (the line form cannot follow the kind chosen in it, so it lists them all)."""
    offered: dict[int, tuple[str, list[str]]] = {}
    for category in PLAN_CATEGORIES:
        for p in partners_for_line(session, actor, case.id, category):
            offered.setdefault(p.id, (p.name, []))[1].append(label(PLAN_CATEGORIES, category))
    return {pid: f"{name} · {', '.join(cats)}" for pid, (name, cats) in
            sorted(offered.items(), key=lambda item: item[1][0].casefold())}


# --- the case file ------------------------------------------------------------------


def _money_rows(view: PlanView, currency: str) -> list[list[str]]:
    return [[subcategory_label(ln.subcategory), ln.description, ln.provider_label, label(NEED_AREAS, ln.need_area),
             fmt_date(ln.planned_on), fmt_money(ln.amount, ln.currency), fmt_money(ln.amount_programme, currency),
             fmt_money(ln.paid, currency)] for ln in view.lines]


def budget_table(rows: tuple[BudgetRow, ...] | list[BudgetRow], currency: str) -> Table:
    return Table(
        [_("Budget"), _("Planned"), _("Cap"), _("Over the cap by")],
        [[r.label, fmt_money(r.planned, currency), fmt_cap(r, currency),
          fmt_money(r.over_by, currency) if r.over_by else "—"] for r in rows])


def plan_section(session: Session, actor: Actor, case: Case) -> Section | None:
    case = case_get(session, actor, case.id)
    views = _revisions(session, case.id)
    if not views:
        return None
    settings = programme_settings(session, case.programme_id)
    currency = settings.currency
    in_force = next((v for v in views if v.status == PlanStatus.APPROVED), None)
    shown = in_force or views[0]
    rows = [(_("Plan in force"), _("Revision {n}, approved on {day} by {name}").format(
        n=in_force.revision_no, day=fmt_date(in_force.decided_at, "short"), name=in_force.decided_by)
        if in_force else _("None yet"))]
    if views[0] is not in_force:
        rows.append((_("Latest revision"), _("Revision {n}: {status}").format(
            n=views[0].revision_no, status=views[0].status_label.lower())))
    rows += [(_("Total planned"), fmt_money(shown.total, currency)),
             (_("Paid so far"), fmt_money(sum((p.amount for p in _payments(session, case.id) if not p.cancelled_at),
                                              Decimal("0.00")), currency))]
    needs = needs_unanswered(session, case)
    if needs:
        rows.append((_("High or urgent needs without a line"), ", ".join(n.label for n in needs)))
    rows += [(_("Summary: {dimension}").format(dimension=label(DIMENSIONS, d)), shown.summaries[d])
             for d in DIMENSIONS if shown.summaries.get(d)]
    lines = Table([_("Kind"), _("What"), _("Provider"), _("Need answered"), _("Planned on"), _("Amount"),
                   _("In {currency}").format(currency=currency), _("Paid")], _money_rows(shown, currency))
    budget = budget_table(budget_rows(_budget_lines(shown), caps_of(shown, settings)), currency)
    return Section(title=_("Reintegration plan"), rows=rows, tables=[lines, budget],
                   history=list(_history([v for v in views if v is not shown], currency)))


# --- the plan to be signed ----------------------------------------------------------


def _baseline(session: Session, case_id: int) -> "BaselineScores | None":
    """The case's baseline survey as the plan prints it (the case was read through access above)."""
    got = baseline_scores(session, case_id)
    if got is None:
        return None
    return BaselineScores(dimensions={"economic": got.economic, "social": got.social, "psychosocial": got.psychosocial},
                          composite=got.composite, weights=got.weights_source, weights_version=got.weights_version,
                          partial=got.partial, taken_on=got.taken_on)


@dataclass(frozen=True)
class BaselineScores:
    """The sustainability survey's baseline as the plan prints it (Annex 3, section 5).

    Scores lie between 0 and 1 (None: not computed); `partial` says the survey was not
    complete, `weights` and `weights_version` which weights produced the scores."""

    dimensions: dict[str, float | None]  # per dimension code (care.vocab.DIMENSIONS)
    composite: float | None
    weights: str
    weights_version: int | str
    partial: bool = False
    taken_on: date | None = None


@dataclass(frozen=True)
class PlanExport:
    case_code: str
    person_name: str
    programme: str
    currency: str
    return_country: str
    organisation: str
    plan: PlanView
    budget: tuple[BudgetRow, ...]
    baseline: BaselineScores | None = None  # None: no baseline survey recorded yet


def plan_export(session: Session, actor: Actor, *, case_id: int) -> PlanExport:
    """The latest revision with the person's name, for signing; the export is audited."""
    case = case_get(session, actor, case_id)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if not may_see_identity(actor, case):
        raise NotPermitted(_("You may not see this person's name, so you cannot export the plan."))
    views = _revisions(session, case.id)
    if not views:
        raise NotPermitted(_("This case has no plan yet."))
    settings = programme_settings(session, case.programme_id)
    latest = views[0]
    organisation = session.get(Organisation, case.organisation_id) if case.organisation_id else None
    # The name comes through the identity module, which audits the read as this export.
    identity = identity_read(session, actor, case.id, purpose="export.plan_pdf",
                             detail={"plan": latest.id, "revision": latest.revision_no, "language": current_language()})
    name = " ".join(part for part in (identity.given_names.strip(), identity.family_names.strip()) if part)
    return PlanExport(
        case_code=case.code, person_name=name, programme=settings.name,
        currency=settings.currency, return_country=case.return_country,
        organisation=organisation.name if organisation else "",
        plan=latest, budget=tuple(budget_rows(_budget_lines(latest), caps_of(latest, settings))),
        baseline=_baseline(session, case.id))
