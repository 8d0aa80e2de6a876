"""Programme settings in the administrator's hands: edit them with a history, copy a programme.

Each change writes a new `ProgrammeHistory` version and an audit event with what changed.
It never rewrites what was decided under earlier settings: an approved plan keeps the
caps it was approved under (`Plan.caps_snapshot`), payments keep their amounts, follow-ups
already scheduled keep their dates. The currency is the one setting that would silently
change the meaning of stored amounts, so it is frozen once a plan exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.numbers import NumberFormatError, format_decimal, get_territory_currencies, list_currencies, parse_decimal
from sqlmodel import Session, col, delete, select

from care.access import Actor, Role, require
from care.audit import audit_record
from care.budget import MAX_AMOUNT
from care.concurrency import claim
from care.countries import all_country_codes, country_name, is_country, is_eu_member
from care.errors import DomainError, Problems
from care.ui.markdown import md_escape
from care.i18n import _, current_language, fmt_date
from care.programmes import ProgrammeSettings, programme_settings, programmes_for
from care.rss import rss_settings_copy
from care.text import checked_text
from care.vocab import PLAN_CATEGORIES, PLAN_SUBCATEGORIES
from db.models import BudgetCap, Case, Plan, Programme, ProgrammeCountry, ProgrammeHistory, User, utcnow

CAP_CODES = tuple(PLAN_CATEGORIES) + tuple(PLAN_SUBCATEGORIES)
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")

Amount = str | Decimal | None
NAME_MAX, FUNDER_MAX = 200, 300  # the columns' lengths
MONTHS_MAX = 1200  # a hundred years: any longer is a typing slip (and would not fit the column)
TARGET_MAX = 10_000_000
EARLIEST, LATEST = date(1990, 1, 1), date(2200, 12, 31)


@dataclass(frozen=True)
class ProgrammeInput:
    """A programme's settings as the edit form gives them (amounts and months may be text)."""

    name: str
    funder: str
    start_date: date
    end_date: date
    host_countries: tuple[str, ...]
    return_countries: tuple[str, ...]
    target_people: int
    target_minors: int
    currency: str
    cap_per_person: Amount
    followup_months: str | Sequence[int]
    followup_months_minor: str | Sequence[int]
    retention_months: int
    # plan category or sub-category code -> (amount, max months); empty or missing: no cap
    caps: Mapping[str, tuple[Amount, str | int | None]] = field(default_factory=dict)


# --- text the form shows and reads back -------------------------------------------------


def amount_text(amount: Decimal | None) -> str:
    """An amount as the user's language writes it, without grouping, so it reads back exactly."""
    return "" if amount is None else format_decimal(amount, format="0.00", locale=current_language())


def months_text(months: Sequence[int]) -> str:
    return ", ".join(str(m) for m in months)


def programme_input_of(settings: ProgrammeSettings) -> ProgrammeInput:
    """The current settings, as the edit form starts with them."""
    return ProgrammeInput(
        name=settings.name, funder=settings.funder, start_date=settings.start_date, end_date=settings.end_date,
        host_countries=settings.host_countries, return_countries=settings.return_countries,
        target_people=settings.target_people, target_minors=settings.target_minors, currency=settings.currency,
        cap_per_person=amount_text(settings.cap_per_person), followup_months=months_text(settings.followup_months),
        followup_months_minor=months_text(settings.followup_months_minor),
        retention_months=settings.retention_months,
        caps={c.category: (amount_text(c.amount), "" if c.max_months is None else str(c.max_months))
              for c in settings.caps},
    )


@lru_cache(maxsize=1)
def currencies_in_use() -> tuple[str, ...]:
    """ISO 4217 codes some country uses today (Babel's data), for the currency picker."""
    today = date.today()
    codes = {code for country in all_country_codes() for code in get_territory_currencies(country, today)}
    return tuple(sorted(codes))


# --- parsing and validation ------------------------------------------------------------


def _amount(value: Amount, problems: Problems, field_name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Decimal):
        amount = value
    else:
        try:  # spaces group thousands however they were typed; strict refuses "1,5" in English
            amount = parse_decimal("".join(value.split()), locale=current_language(), strict=True)
        except NumberFormatError:
            problems.add(field_name, _("“{value}” is not an amount.").format(value=md_escape(value.strip())))
            return None
    if not amount.is_finite():  # Babel reads "NaN" and "Infinity" as numbers
        problems.add(field_name, _("“{value}” is not an amount.").format(value=md_escape(str(value).strip())))
        return None
    if amount >= MAX_AMOUNT:  # before quantize, which cannot hold more than 28 digits
        problems.add(field_name, _("This amount is too large."))
    elif amount < 0:
        problems.add(field_name, _("An amount cannot be negative."))
    elif amount != amount.quantize(Decimal("0.01")):
        problems.add(field_name, _("An amount has at most two decimals."))
    return amount


def _whole(value: str | int | None, problems: Problems, field_name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.add(field_name, _("“{value}” is not a whole number.").format(value=md_escape(str(value).strip())))
        return None
    if number <= 0:
        problems.add(field_name, _("A number of months must be at least 1."))
    elif number > MONTHS_MAX:
        problems.add(field_name, _("At most {n} months.").format(n=MONTHS_MAX))
    return number


def _months(value: str | Sequence[int], problems: Problems, field_name: str, *, required: bool) -> list[int]:
    """Follow-up months after return: whole numbers, at least 1, in increasing order."""
    parts = re.split(r"[,;\s]+", value.strip()) if isinstance(value, str) else list(value)
    parts = [p for p in parts if p != ""]
    if not parts:
        if required:
            problems.add(field_name, _("Give at least one follow-up month, for example 1, 3, 6, 12."))
        return []
    try:
        months = [int(p) for p in parts]
    except (TypeError, ValueError):
        problems.add(field_name, _("Write the months as whole numbers separated by commas, for example 1, 3, 6, 12."))
        return []
    if any(m <= 0 for m in months):
        problems.add(field_name, _("Follow-up months count from the return: each is at least 1."))
    elif any(m > MONTHS_MAX for m in months):
        problems.add(field_name, _("At most {n} months.").format(n=MONTHS_MAX))
    elif any(b <= a for a, b in zip(months, months[1:])):
        problems.add(field_name, _("List the follow-up months in increasing order, each once."))
    return months


def _countries(codes: Sequence[str], problems: Problems, field_name: str, empty_message: str) -> list[str]:
    normal = sorted({c.strip().upper() for c in codes if c.strip()})
    if not normal:
        problems.add(field_name, empty_message)
    bad = [c for c in normal if not is_country(c)]
    if bad:
        problems.add(field_name, _("Unknown country code: {codes}").format(codes=md_escape(", ".join(bad))))
    return normal


@dataclass(frozen=True)
class _Clean:
    values: dict
    hosts: list[str]
    returns: list[str]
    caps: dict[str, tuple[Decimal | None, int | None]]


def _clean(data: ProgrammeInput) -> _Clean:
    """Validate every field at once; the values as they will be stored."""
    problems = Problems()
    name = checked_text(problems, "name", data.name, limit=NAME_MAX, required=_("The name is required."))
    funder = checked_text(problems, "funder", data.funder, limit=FUNDER_MAX)
    if data.start_date < EARLIEST:
        problems.add("start_date", _("Check the year: a programme starts in {year} or later.").format(
            year=EARLIEST.year))
    if data.start_date > data.end_date:
        problems.add("end_date", _("The period ends before it starts."))
    elif data.end_date > LATEST:
        problems.add("end_date", _("Check the year: a programme ends by {year}.").format(year=LATEST.year))
    hosts = _countries(data.host_countries, problems, "host_countries", _("Choose at least one host country."))
    returns = _countries(data.return_countries, problems, "return_countries",
                         _("Choose at least one eligible return country."))
    in_eu = [c for c in returns if is_eu_member(c, data.start_date)]
    if in_eu:
        problems.add("return_countries", _("Return is to a country outside the EU; these were EU members on {day}: "
                                           "{names}").format(day=fmt_date(data.start_date),
                                                             names=", ".join(country_name(c) for c in in_eu)))
    for name_ in ("target_people", "target_minors"):
        if getattr(data, name_) < 0:
            problems.add(name_, _("A target cannot be negative."))
        elif getattr(data, name_) > TARGET_MAX:
            problems.add(name_, _("A target is at most {n}.").format(n=TARGET_MAX))
    if "target_minors" not in problems.errors and 0 < data.target_people < data.target_minors:
        problems.add("target_minors", _("The minors are part of the people assisted: at most {n}.").format(
            n=data.target_people))
    currency = data.currency.strip().upper()
    if currency not in list_currencies():
        problems.add("currency", _("Choose an ISO 4217 currency code, such as EUR or CHF."))
    cap_per_person = _amount(data.cap_per_person, problems, "cap_per_person")
    caps: dict[str, tuple[Decimal | None, int | None]] = {}
    for code, (amount_in, months_in) in data.caps.items():
        if code not in CAP_CODES:
            problems.add("caps", _("Unknown budget category: {code}").format(code=md_escape(code)))
            continue
        amount, months = _amount(amount_in, problems, "caps"), _whole(months_in, problems, "caps")
        if amount is not None or months is not None:
            caps[code] = (amount, months)
    followup = _months(data.followup_months, problems, "followup_months", required=True)
    followup_minor = _months(data.followup_months_minor, problems, "followup_months_minor", required=False)
    if data.retention_months <= 0:
        problems.add("retention_months", _("A number of months must be at least 1."))
    elif data.retention_months > MONTHS_MAX:
        problems.add("retention_months", _("At most {n} months.").format(n=MONTHS_MAX))
    problems.raise_if_any()
    values = {
        "name": name, "funder": funder, "start_date": data.start_date,
        "end_date": data.end_date, "currency": currency, "target_people": data.target_people,
        "target_minors": data.target_minors, "cap_per_person": cap_per_person, "followup_months": followup,
        "followup_months_minor": followup_minor, "retention_months": data.retention_months,
    }
    return _Clean(values, hosts, returns, caps)


# --- snapshots and history ----------------------------------------------------------------


def _snapshot(values: dict, hosts: list[str], returns: list[str], caps: dict) -> dict:
    """The settings of one version, as JSON (the same shape the reference seed writes)."""
    def text(amount):
        return None if amount is None else str(amount)

    return {
        "name": values["name"], "funder": values["funder"], "start_date": values["start_date"].isoformat(),
        "end_date": values["end_date"].isoformat(), "currency": values["currency"],
        "target_people": values["target_people"], "target_minors": values["target_minors"],
        "cap_per_person": text(values["cap_per_person"]), "followup_months": list(values["followup_months"]),
        "followup_months_minor": list(values["followup_months_minor"]),
        "retention_months": values["retention_months"], "hosts": sorted(hosts), "returns": sorted(returns),
        "caps": {k: [text(a), m] for k, (a, m) in sorted(caps.items())},
    }


def _snapshot_of(settings: ProgrammeSettings) -> dict:
    values = {
        "name": settings.name, "funder": settings.funder, "start_date": settings.start_date,
        "end_date": settings.end_date, "currency": settings.currency, "target_people": settings.target_people,
        "target_minors": settings.target_minors, "cap_per_person": settings.cap_per_person,
        "followup_months": list(settings.followup_months),
        "followup_months_minor": list(settings.followup_months_minor), "retention_months": settings.retention_months,
    }
    caps = {c.category: (c.amount, c.max_months) for c in settings.caps}
    return _snapshot(values, list(settings.host_countries), list(settings.return_countries), caps)


def _diff(old: dict, new: dict) -> dict[str, list]:
    """What changed between two snapshots; caps compared one category at a time."""
    def same(key):
        if key in ("hosts", "returns"):
            return sorted(old.get(key) or []) == sorted(new.get(key) or [])
        return old.get(key) == new.get(key)

    changes = {k: [old.get(k), new.get(k)] for k in new if k != "caps" and not same(k)}
    old_caps, new_caps = old.get("caps", {}), new.get("caps", {})
    for code in sorted(set(old_caps) | set(new_caps)):
        if old_caps.get(code) != new_caps.get(code):
            changes[f"caps.{code}"] = [old_caps.get(code), new_caps.get(code)]
    return changes


def _write_settings(session: Session, programme: Programme, clean: _Clean) -> None:
    for key, value in clean.values.items():
        setattr(programme, key, value)
    session.add(programme)
    session.exec(delete(ProgrammeCountry).where(ProgrammeCountry.programme_id == programme.id))
    session.exec(delete(BudgetCap).where(BudgetCap.programme_id == programme.id))
    for kind, codes in (("host", clean.hosts), ("return", clean.returns)):
        session.add_all(ProgrammeCountry(programme_id=programme.id, kind=kind, country=c) for c in codes)
    session.add_all(BudgetCap(programme_id=programme.id, category=code, cap_amount=amount, max_months=months)
                    for code, (amount, months) in clean.caps.items())
    session.flush()


def _has_plans(session: Session, programme_id: int) -> bool:
    return session.exec(
        select(Plan.id).join(Case, Case.id == Plan.case_id).where(Case.programme_id == programme_id).limit(1)
    ).first() is not None


# --- the administrator's functions ---------------------------------------------------------


def programmes_all(session: Session, actor: Actor) -> list[ProgrammeSettings]:
    """Every programme, oldest first, for the administration page."""
    require(actor, Role.ADMIN)
    return programmes_for(session, actor)


def programme_update(session: Session, actor: Actor, *, programme_id: int, data: ProgrammeInput,
                     version: int) -> dict[str, list]:
    """Save new settings as the next version; returns what changed (empty: nothing to save)."""
    require(actor, Role.ADMIN)
    current = programme_settings(session, programme_id)
    clean = _clean(data)
    if clean.values["currency"] != current.currency and _has_plans(session, programme_id):
        raise DomainError(_("The currency cannot change: plans under this programme are in {currency}.").format(
            currency=current.currency), field="currency")
    new = _snapshot(clean.values, clean.hosts, clean.returns, clean.caps)
    changes = _diff(_snapshot_of(current), new)
    if not changes:
        return {}
    claim(session, actor, Programme, {"id": programme_id}, version)
    programme = session.get(Programme, programme_id)
    _write_settings(session, programme, clean)
    session.add(ProgrammeHistory(programme_id=programme_id, version=programme.version, snapshot=new,
                                 changed_by_id=actor.id, changed_at=utcnow()))
    audit_record(session, actor, "programme.update", entity="programme", entity_id=programme_id,
                 detail={"code": programme.code, "version": programme.version, "changes": changes})
    return changes


def programme_copy(session: Session, actor: Actor, *, source_id: int, code: str, name: str) -> Programme:
    """A new programme with every setting of an existing one, at its own version 1."""
    require(actor, Role.ADMIN)
    source = programme_settings(session, source_id)
    problems = Problems()
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        problems.add("code", _("A code has 2 to 20 capital letters, digits or underscores, starting with a letter."))
    elif session.exec(select(Programme.id).where(Programme.code == code)).first() is not None:
        problems.add("code", _("This code is taken."))
    name = checked_text(problems, "name", name, limit=NAME_MAX, required=_("The name is required."))
    problems.raise_if_any()
    snapshot = {**_snapshot_of(source), "name": name}
    programme = Programme(
        code=code, name=name, funder=source.funder, start_date=source.start_date, end_date=source.end_date,
        currency=source.currency, target_people=source.target_people, target_minors=source.target_minors,
        cap_per_person=source.cap_per_person, followup_months=list(source.followup_months),
        followup_months_minor=list(source.followup_months_minor), retention_months=source.retention_months,
        updated_by_id=actor.id,
    )
    session.add(programme)
    session.flush()
    rss_settings_copy(session, source_id, programme.id)
    for kind, codes in (("host", source.host_countries), ("return", source.return_countries)):
        session.add_all(ProgrammeCountry(programme_id=programme.id, kind=kind, country=c) for c in codes)
    session.add_all(BudgetCap(programme_id=programme.id, category=c.category, cap_amount=c.amount,
                              max_months=c.max_months) for c in source.caps)
    session.add(ProgrammeHistory(programme_id=programme.id, version=1, snapshot=snapshot, changed_by_id=actor.id,
                                 changed_at=utcnow()))
    audit_record(session, actor, "programme.create", entity="programme", entity_id=programme.id,
                 detail={"code": code, "copied_from": source.code})
    session.flush()
    return programme


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    changed_at: datetime
    changed_by: str
    changes: dict[str, list]  # setting -> [before, after]; empty for the first version


def programme_history(session: Session, actor: Actor, *, programme_id: int) -> list[HistoryEntry]:
    """Every version of a programme's settings, newest first, with what each one changed."""
    require(actor, Role.ADMIN)
    rows = session.exec(
        select(ProgrammeHistory, User.name)
        .join(User, User.id == ProgrammeHistory.changed_by_id, isouter=True)
        .where(ProgrammeHistory.programme_id == programme_id)
        .order_by(col(ProgrammeHistory.version))
    ).all()
    entries, previous = [], None
    for row, who in rows:
        changes = _diff(previous, row.snapshot) if previous is not None else {}
        entries.append(HistoryEntry(row.version, row.changed_at, who or _("Reference data"), changes))
        previous = row.snapshot
    return entries[::-1]
