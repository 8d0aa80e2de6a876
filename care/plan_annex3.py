"""The parts of IOM's reintegration plan template (Handbook, Annex 3) a plan line carries:
"referral needed?" with the directory's service, and the goods, equipment and services
itemised under the line with their estimated costs.

The rule for items (decided here, once): items are optional; when a line has items, their
estimated costs add up exactly, to the cent and in the line's currency, to the line's amount.
Otherwise the items are refused with both totals in words, and nothing is saved: the amount
is never rewritten from the items, nor the items scaled to the amount, behind the person's back.

Checks only build values and field errors; `care.plans` writes them with the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, delete, select

from care.budget import amount_problem, parse_decimal
from care.errors import Problems
from care.i18n import _, fmt_money
from care.text import checked_text
from care.vocab import ITEM_KINDS, PLAN_CATEGORIES, PLAN_SUBCATEGORIES, label
from db.models import Case, PartnerOrganisation, PartnerService, PlanLineItem

ITEM_DESCRIPTION_MAX = 300
MAX_ITEMS = 30


@dataclass(frozen=True)
class ItemInput:
    """One item as the form sends it: the cost as typed, checked here."""

    kind: str
    description: str
    cost: str | Decimal | None


@dataclass(frozen=True)
class ItemView:
    kind: str
    description: str
    cost: Decimal  # in the line's currency

    @property
    def kind_label(self) -> str:
        return label(ITEM_KINDS, self.kind)


def items_checked(problems: Problems, items: tuple[ItemInput, ...] | list[ItemInput], *, amount: Decimal | None,
                  currency: str) -> list[dict]:
    """The items' columns; a field error under "items" when one is incomplete or they do not add up."""
    rows = [i for i in items if (i.description or "").strip() or str(i.cost or "").strip()]  # blank rows: ignored
    if len(rows) > MAX_ITEMS:
        problems.add("items", _("A line has at most {n} items.").format(n=MAX_ITEMS))
        return []
    out = []
    for n, item in enumerate(rows, start=1):
        local = Problems()
        if item.kind not in ITEM_KINDS:
            local.add("items", _("Item {n}: choose goods, equipment or service.").format(n=n))
        description = checked_text(local, "items", item.description, limit=ITEM_DESCRIPTION_MAX,
                                   required=_("Item {n}: say what it is.").format(n=n))
        cost = parse_decimal(item.cost)
        if problem := amount_problem(cost):
            local.add("items", _("Item {n}: {problem}").format(n=n, problem=problem))
        if local.errors:
            problems.add("items", local.errors["items"])
            return []
        out.append({"position": n, "kind": item.kind, "description": description, "cost": cost})
    total = sum((r["cost"] for r in out), Decimal("0.00"))
    if out and amount is not None and total != amount:
        problems.add("items", _("The items add up to {items}, but the line's amount is {amount}: make them equal, "
                                "or leave the items out.").format(items=fmt_money(total, currency),
                                                                 amount=fmt_money(amount, currency)))
    return out


def referral_checked(problems: Problems, session: Session, case: Case, *, subcategory: str, needed: bool,
                     service_id: int | None) -> dict:
    """"Referral needed?" and the directory's service: an active service of an active partner of the
    case's return country, for the line's category. A referral may be needed with no partner in
    the directory (the service is then left empty)."""
    if service_id is not None:
        if not needed:
            problems.add("referral_service_id", _("Name a partner service only when a referral is needed."))
        service = session.get(PartnerService, service_id)
        partner = session.get(PartnerOrganisation, service.partner_id) if service else None
        if (service is None or partner is None or not service.active or not partner.active
                or partner.country != case.return_country):
            problems.add("referral_service_id",
                         _("Choose an active service of an active partner organisation of the return country."))
        elif subcategory in PLAN_SUBCATEGORIES and service.category != PLAN_SUBCATEGORIES[subcategory][0]:
            problems.add("referral_service_id", _("This partner service is for “{service}”; the line is for “{line}”.")
                         .format(service=label(PLAN_CATEGORIES, service.category),
                                 line=label(PLAN_CATEGORIES, PLAN_SUBCATEGORIES[subcategory][0])))
    return {"referral_needed": bool(needed), "referral_service_id": service_id}


def items_replace(session: Session, line_id: int, items: list[dict]) -> None:
    """The line's items become these (a draft's line is edited as a whole)."""
    session.execute(delete(PlanLineItem).where(PlanLineItem.line_id == line_id))
    session.add_all([PlanLineItem(line_id=line_id, **values) for values in items])
    session.flush()


def items_of(session: Session, line_ids: list[int]) -> dict[int, list[PlanLineItem]]:
    found: dict[int, list[PlanLineItem]] = {}
    if line_ids:
        for item in session.exec(select(PlanLineItem).where(col(PlanLineItem.line_id).in_(line_ids))
                                 .order_by(PlanLineItem.line_id, PlanLineItem.position, PlanLineItem.id)).all():
            found.setdefault(item.line_id, []).append(item)
    return found


def items_copy(session: Session, old_line_id: int, new_line_id: int) -> None:
    """A revision's line keeps the items of the line it continues."""
    items = items_of(session, [old_line_id]).get(old_line_id, [])
    session.add_all([PlanLineItem(line_id=new_line_id, position=i.position, kind=i.kind, description=i.description,
                                  cost=i.cost) for i in items])


def item_views(session: Session, line_ids: list[int]) -> dict[int, tuple[ItemView, ...]]:
    return {line_id: tuple(ItemView(i.kind, i.description, i.cost) for i in rows)
            for line_id, rows in items_of(session, line_ids).items()}


def _service_label(organisation: str, kind: str) -> str:
    service = _(PLAN_SUBCATEGORIES[kind][1]) if kind in PLAN_SUBCATEGORIES else kind
    return _("{organisation} · {service}").format(organisation=organisation, service=service)


def referral_services(session: Session, service_ids: set[int | None]) -> dict[int, str]:
    """id -> "organisation · kind of help", for the services lines name (retired ones too)."""
    wanted = [i for i in service_ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(PartnerService.id, PartnerService.kind, PartnerOrganisation.name)
                        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerService.partner_id)
                        .where(col(PartnerService.id).in_(wanted))).all()
    return {sid: _service_label(name, kind) for sid, kind, name in rows}


def services_for_case(session: Session, case: Case) -> dict[int, str]:
    """The services a line of this case may refer to: active ones of active partners of its return country,
    id -> "organisation · kind of help", by organisation."""
    rows = session.exec(select(PartnerService.id, PartnerService.kind, PartnerOrganisation.name)
                        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerService.partner_id)
                        .where(PartnerOrganisation.country == case.return_country,
                               PartnerOrganisation.active == True, PartnerService.active == True)  # noqa: E712
                        .order_by(PartnerOrganisation.name, PartnerService.kind)).all()
    return {sid: _service_label(name, kind) for sid, kind, name in rows}
