"""Reference lists: referring and partner organisations, and the training modules.

An entry is retired, never deleted: a retired one is no longer offered for new records,
and the records that already use it keep showing its name. The administrator maintains
the lists; coordinators and focal points may add an organisation they meet at intake
("pick from the ones known, or add one").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, SQLModel, col, func, select

from care.access import Actor, Role, may_add_organisation_in, require
from care.audit import audit_record
from care.concurrency import claim
from care.countries import is_country
from care.errors import NotPermitted, Problems
from care.i18n import _
from care.text import checked_text
from care.vocab import ORGANISATION_TYPES
from db.models import Organisation, TrainingModule

NAME_MAX = 200


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    org_type: str  # HTCDS organisation type
    country: str
    retired: bool
    version: int


@dataclass(frozen=True)
class ModuleRow:
    id: int
    name: str
    retired: bool
    version: int


def _org_row(o: Organisation) -> OrganisationRow:
    return OrganisationRow(o.id, o.name, o.org_type, o.country, o.retired, o.version)


def _module_row(m: TrainingModule) -> ModuleRow:
    return ModuleRow(m.id, m.name, m.retired, m.version)


def _same_name(name: str) -> str:
    """Names compared as people read them: case and spacing do not make a new entry."""
    return " ".join(name.split()).casefold()


def _check_name(problems: Problems, name: str) -> str:
    """The name with its spacing collapsed (a list entry is one line), checked by `care.text`."""
    return checked_text(problems, "name", " ".join((name or "").split()), limit=NAME_MAX,
                        required=_("The name is required."))


def _retire(session: Session, actor: Actor, model: type[SQLModel], row_id: int, retired: bool, version: int,
            entity: str) -> SQLModel:
    require(actor, Role.ADMIN)
    row = session.get(model, row_id)
    if row is None:
        raise NotPermitted(_("This record no longer exists."))
    if row.retired == retired:
        return row
    claim(session, actor, model, {"id": row_id}, version)
    row.retired = retired
    session.add(row)
    audit_record(session, actor, f"{entity}.retire" if retired else f"{entity}.unretire", entity=entity,
                 entity_id=row_id, detail={"name": row.name})
    return row


# --- organisations -------------------------------------------------------------------------


def organisations_list(session: Session, actor: Actor, *, country: str | None = None) -> list[OrganisationRow]:
    """Every organisation, retired ones too, for the administrator's list."""
    require(actor, Role.ADMIN)
    stmt = select(Organisation).order_by(Organisation.country, func.lower(Organisation.name))
    if country:
        stmt = stmt.where(Organisation.country == country.upper())
    return [_org_row(o) for o in session.exec(stmt).all()]


def organisations_for_choice(session: Session, actor: Actor, country: str | None = None) -> list[OrganisationRow]:
    """The organisations a new record may name: active ones, of one country if given."""
    require(actor, *Role)
    stmt = select(Organisation).where(Organisation.retired == False)  # noqa: E712
    if country:
        stmt = stmt.where(Organisation.country == country.upper())
    return [_org_row(o) for o in session.exec(stmt.order_by(func.lower(Organisation.name))).all()]


def organisation_name(session: Session, organisation_id: int | None) -> str:
    """The name an existing record shows, even if the organisation was retired since."""
    if organisation_id is None:
        return "—"
    org = session.get(Organisation, organisation_id)
    return org.name if org else "—"


def _org_duplicate(session: Session, problems: Problems, name: str, country: str, *, besides: int | None = None):
    rows = session.exec(select(Organisation).where(Organisation.country == country)).all()
    twin = next((o for o in rows if _same_name(o.name) == _same_name(name) and o.id != besides), None)
    if twin is None:
        return
    problems.add("name", _("This organisation is already in the list (retired: an administrator can bring it back).")
                 if twin.retired else _("This organisation is already in the list."))


def organisation_add(session: Session, actor: Actor, *, name: str, org_type: str, country: str) -> OrganisationRow:
    """Add an organisation. A focal point adds them in their own countries only."""
    require(actor, Role.ADMIN, Role.COORDINATOR, Role.FOCAL_POINT)
    problems = Problems()
    clean = _check_name(problems, name)
    if org_type not in ORGANISATION_TYPES:
        problems.add("org_type", _("Choose the type of organisation."))
    country = country.strip().upper()
    if not is_country(country):
        problems.add("country", _("Choose a country."))
    elif not may_add_organisation_in(actor, country):
        problems.add("country", _("You may add organisations in your own countries only."))
    if clean and "name" not in problems.errors and is_country(country):
        _org_duplicate(session, problems, clean, country)
    problems.raise_if_any()
    org = Organisation(name=clean, org_type=org_type, country=country, updated_by_id=actor.id)
    session.add(org)
    session.flush()
    audit_record(session, actor, "organisation.add", entity="organisation", entity_id=org.id,
                 detail={"name": clean, "org_type": org_type, "country": country})
    return _org_row(org)


def organisation_update(session: Session, actor: Actor, *, organisation_id: int, name: str, org_type: str,
                        version: int) -> OrganisationRow:
    """Rename an organisation or correct its type; every record that names it shows the new name."""
    require(actor, Role.ADMIN)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotPermitted(_("This record no longer exists."))
    problems = Problems()
    clean = _check_name(problems, name)
    if org_type not in ORGANISATION_TYPES:
        problems.add("org_type", _("Choose the type of organisation."))
    if clean and "name" not in problems.errors:
        _org_duplicate(session, problems, clean, org.country, besides=org.id)
    problems.raise_if_any()
    changes = {k: [getattr(org, k), v] for k, v in (("name", clean), ("org_type", org_type)) if getattr(org, k) != v}
    if not changes:
        return _org_row(org)
    claim(session, actor, Organisation, {"id": organisation_id}, version)
    org.name, org.org_type = clean, org_type
    session.add(org)
    audit_record(session, actor, "organisation.update", entity="organisation", entity_id=org.id,
                 detail={"changes": changes})
    return _org_row(org)


def organisation_retire(session: Session, actor: Actor, *, organisation_id: int, retired: bool,
                        version: int) -> OrganisationRow:
    """Retire an organisation (no longer offered), or bring it back."""
    return _org_row(_retire(session, actor, Organisation, organisation_id, retired, version, "organisation"))


# --- training modules --------------------------------------------------------------------


def training_modules_list(session: Session, actor: Actor) -> list[ModuleRow]:
    require(actor, Role.ADMIN)
    rows = session.exec(select(TrainingModule).order_by(col(TrainingModule.retired), TrainingModule.id)).all()
    return [_module_row(m) for m in rows]


def training_modules_for_choice(session: Session, actor: Actor) -> list[ModuleRow]:
    """The modules a new training may list: active ones, in the order they were added."""
    require(actor, *Role)
    rows = session.exec(select(TrainingModule).where(TrainingModule.retired == False)  # noqa: E712
                        .order_by(TrainingModule.id)).all()
    return [_module_row(m) for m in rows]


def training_module_name(session: Session, module_id: int | None) -> str:
    """The name an existing training shows, even if the module was retired since."""
    module = session.get(TrainingModule, module_id) if module_id is not None else None
    return module.name if module else "—"


def _module_duplicate(session: Session, problems: Problems, name: str, *, besides: int | None = None) -> None:
    rows = session.exec(select(TrainingModule)).all()
    if any(_same_name(m.name) == _same_name(name) and m.id != besides for m in rows):
        problems.add("name", _("A training module of this name is already in the list."))


def training_module_add(session: Session, actor: Actor, *, name: str) -> ModuleRow:
    require(actor, Role.ADMIN)
    problems = Problems()
    clean = _check_name(problems, name)
    if clean and "name" not in problems.errors:
        _module_duplicate(session, problems, clean)
    problems.raise_if_any()
    module = TrainingModule(name=clean, updated_by_id=actor.id)
    session.add(module)
    session.flush()
    audit_record(session, actor, "training_module.add", entity="training_module", entity_id=module.id,
                 detail={"name": clean})
    return _module_row(module)


def training_module_rename(session: Session, actor: Actor, *, module_id: int, name: str, version: int) -> ModuleRow:
    """Rename a module; the trainings that used it show the new name."""
    require(actor, Role.ADMIN)
    module = session.get(TrainingModule, module_id)
    if module is None:
        raise NotPermitted(_("This record no longer exists."))
    problems = Problems()
    clean = _check_name(problems, name)
    if clean and "name" not in problems.errors:
        _module_duplicate(session, problems, clean, besides=module.id)
    problems.raise_if_any()
    if clean == module.name:
        return _module_row(module)
    claim(session, actor, TrainingModule, {"id": module_id}, version)
    before, module.name = module.name, clean
    session.add(module)
    audit_record(session, actor, "training_module.rename", entity="training_module", entity_id=module.id,
                 detail={"changes": {"name": [before, clean]}})
    return _module_row(module)


def training_module_retire(session: Session, actor: Actor, *, module_id: int, retired: bool,
                           version: int) -> ModuleRow:
    """Retire a module (no longer offered for new trainings), or bring it back."""
    return _module_row(_retire(session, actor, TrainingModule, module_id, retired, version, "training_module"))
