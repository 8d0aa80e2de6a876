"""Who the person is: the only module that reads or writes the identity columns.

Names and contacts live apart from the case (`identity` table) and are shown only to the
users `access.may_see_identity` allows; every read is audited, and the audit log never
holds a name, a contact or a searched name. The columns are encrypted at rest (the
column type does it, see care/crypto.py), so SQL never sees a name: search goes through
`name_index`, one keyed hash per word, and the duplicate check compares in Python (the
case's birth date is encrypted too: SQL narrows by its keyed hash or the age at referral).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date

import phonenumbers
from sqlalchemy import Text, and_, extract, false, or_, type_coerce, update
from sqlmodel import Session, col, select

from care import crypto
from care.access import Actor, Role, case_get, identity_scope, may_see_identity, shared_case_get
from care.audit import audit_record
from care.concurrency import claim
from care.errors import NotPermitted, Problems
from care.i18n import _
from care.text import checked_text
from db.models import Case, Identity

NAME_MAX = 200
TEXT_MAX = 500
SIMILARITY = 0.85
VARIANT_SEPARATOR = " | "
_ALIAS_SPLIT = re.compile(r"[;,\n]+")
_APOSTROPHES = "'’ʼ`´"
_LATIN_UNACCENTED = {"đ": "d", "ł": "l", "ø": "o", "ß": "ss", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}


@dataclass(frozen=True)
class IdentityInput:
    given_names: str = ""
    family_names: str = ""
    aliases: str = ""
    phone: str = ""
    contact_return: str = ""
    emergency_contact: str = ""


@dataclass(frozen=True)
class IdentityView(IdentityInput):
    case_id: int = 0
    version: int = 1


@dataclass(frozen=True)
class SimilarCase:
    case_id: int
    code: str


# --- the search key -----------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-folded, accents taken off Latin letters only, whitespace collapsed.

    Marks on other scripts are letters of the name (a Devanagari vowel sign, a Cyrillic
    breve), so they stay: "Йосип" must not become "Иосип".
    """
    if text.isascii():  # most names: the same result without a Unicode lookup per letter (the duplicate check folds
        # every candidate's names, about 1 ms each the long way)
        folded = "".join(" " if not ch.isalnum() else ch for ch in text.lower() if ch not in _APOSTROPHES)
        return " ".join(folded.split())
    kept, latin_base = [], False
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if not unicodedata.combining(ch):
            latin_base = unicodedata.name(ch, "").startswith("LATIN")
        elif latin_base:
            continue
        kept.append(_LATIN_UNACCENTED.get(ch, ch))
    folded = unicodedata.normalize("NFC", "".join(kept))
    # Apostrophes join ("O'Brien" is "obrien"); other punctuation and symbols separate words
    # ("Anne-Marie"); marks stay.
    folded = "".join(ch for ch in folded if ch not in _APOSTROPHES)
    return " ".join("".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in folded).split())


def _alias_list(aliases: str) -> list[str]:
    return [a.strip() for a in _ALIAS_SPLIT.split(aliases or "") if a.strip()]


def name_key(given: str, family: str, aliases: str = "") -> str:
    """A person's names as one comparable text: the full name, then each alias, folded.

    The normaliser behind `name_index` (search) and the duplicate check; never stored.
    """
    variants = [_fold(f"{given} {family}")] + [_fold(a) for a in _alias_list(aliases)]
    unique: list[str] = []
    for v in variants:
        if v and v not in unique:
            unique.append(v)
    return VARIANT_SEPARATOR.join(unique)


def _variants(index: str) -> list[str]:
    return [v for v in index.split(VARIANT_SEPARATOR) if v]


def name_index(given: str, family: str, aliases: str = "") -> str:
    """The value of `Identity.name_index`: the keyed hash of each distinct folded word of
    the name and the aliases, under the current data key.

    The one function that computes it (domain, seeds, factories, migration, key
    rotation). Search then matches whole words: a word typed in part finds nothing.
    """
    words = dict.fromkeys(w for v in _variants(name_key(given, family, aliases)) for w in v.split())
    return " ".join(crypto.word_token(w) for w in words)


def names_alike(a: str, b: str) -> bool:
    """Two folded names are alike: nearly the same letters, or the same words in any order."""
    if not a or not b:
        return False
    if set(a.split()) == set(b.split()):
        return True
    m = difflib.SequenceMatcher(None, a, b)  # the two quick ratios are upper bounds of ratio(): cheap refusals first
    return m.real_quick_ratio() >= SIMILARITY and m.quick_ratio() >= SIMILARITY and m.ratio() >= SIMILARITY


# --- validation ---------------------------------------------------------------------


def phone_e164(raw: str, region: str) -> str | None:
    """The number in E.164, or None if it is not a valid number (national numbers read in `region`)."""
    try:
        number = phonenumbers.parse(raw, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _cleaned(data: IdentityInput, *, region: str, problems: Problems, previous: IdentityInput | None = None
             ) -> IdentityInput:
    """Trimmed values; a phone in E.164. An unchanged phone is kept as it was stored."""
    given = checked_text(problems, "given_names", data.given_names, limit=NAME_MAX)
    family = checked_text(problems, "family_names", data.family_names, limit=NAME_MAX)
    if not given and not family:
        problems.add("given_names", _("Give at least one name (given or family name)."))
    # Aliases may be listed one a line; contacts are addresses written over several lines.
    texts = {name: checked_text(problems, name, getattr(data, name), limit=TEXT_MAX, multiline=True)
             for name in ("aliases", "contact_return", "emergency_contact")}
    phone = checked_text(problems, "phone", data.phone, limit=NAME_MAX)
    if phone and not (previous is not None and phone == previous.phone):
        normal = phone_e164(phone, region)
        if normal is None:
            problems.add("phone", _("This is not a valid phone number. Write it with its country code, "
                                    "for example +234 803 555 0123."))
        else:
            phone = normal
    return IdentityInput(given_names=given, family_names=family, phone=phone, **texts)


def identity_problems(data: IdentityInput, *, region: str, problems: Problems) -> IdentityInput:
    """Check a new identity, adding field errors to `problems`; return it cleaned."""
    return _cleaned(data, region=region, problems=problems)


# --- writes -------------------------------------------------------------------------


def _require_identity_access(actor: Actor, case: Case) -> None:
    if not may_see_identity(actor, case):
        raise NotPermitted(_("You are not permitted to see or change this person's identity."))


def identity_create(session: Session, actor: Actor, case: Case, data: IdentityInput) -> None:
    """Store the identity of a new case; `data` was checked by `identity_problems`."""
    _require_identity_access(actor, case)
    session.add(Identity(case_id=case.id, **_columns(data), updated_by_id=actor.id))


def _columns(data: IdentityInput) -> dict:
    values = {f.name: getattr(data, f.name) for f in fields(IdentityInput)}
    values["name_index"] = name_index(data.given_names, data.family_names, data.aliases)
    return values


def identity_edit(session: Session, actor: Actor, case_id: int, data: IdentityInput, *,
                  expected_version: int) -> IdentityView:
    """Save an edited identity, unless someone else saved it since the form was opened."""
    case = case_get(session, actor, case_id)
    _require_identity_access(actor, case)
    row = _row(session, case.id)
    previous = _view(row)
    problems = Problems()
    cleaned = _cleaned(data, region=case.return_country, problems=problems, previous=previous)
    problems.raise_if_any()
    claim(session, actor, Identity, {"case_id": case.id}, expected_version)
    row = _row(session, case.id)
    changed = [f.name for f in fields(IdentityInput) if getattr(cleaned, f.name) != getattr(previous, f.name)]
    for name, value in _columns(cleaned).items():
        setattr(row, name, value)
    session.add(row)
    # Which fields changed, never their values: the audit log is read by administrators.
    audit_record(session, actor, "identity.edit", case_id=case.id, entity="identity", entity_id=case.id,
                 detail={"fields": changed})
    session.flush()
    return _view(row)


# --- reads --------------------------------------------------------------------------


def _row(session: Session, case_id: int) -> Identity:
    row = session.get(Identity, case_id, populate_existing=True)
    if row is None:  # a case always has its identity; an anonymised one keeps an empty row
        row = Identity(case_id=case_id)
    return row


def _view(row: Identity) -> IdentityView:
    return IdentityView(case_id=row.case_id, version=row.version or 1,
                        **{f.name: getattr(row, f.name) or "" for f in fields(IdentityInput)})


def identity_read(session: Session, actor: Actor, case_id: int, *, purpose: str = "identity.read",
                  detail: dict | None = None) -> IdentityView:
    """The person's names and contacts, for a user allowed to see them; the read is audited.

    `purpose` is the audit action: "identity.read" when a user opens it, an export's own
    action (e.g. "export.case_pdf") when it is printed. A partner reaches it through an
    accepted referral (`shared_case_get`), and `may_see_identity` decides as for anyone.
    """
    case = shared_case_get(session, actor, case_id)
    _require_identity_access(actor, case)
    audit_record(session, actor, purpose, case_id=case.id, entity="identity", entity_id=case.id, detail=detail or "")
    return _view(_row(session, case.id))


def may_search_names(actor: Actor) -> bool:
    """Coordinators and focal points may find a case by name, among the cases whose identity
    they may see (`access.identity_scope`), so a search cannot reveal a hidden name."""
    return actor.has(Role.COORDINATOR, Role.FOCAL_POINT)


def name_terms(query: str) -> list[str]:
    return _fold(query).split()


def case_ids_named(actor: Actor, query: str):
    """A subquery of the ids of visible cases whose names hold every word of `query`.

    Whole words only, in any order, across the name and the aliases ("rodriguez angela"
    finds Ángela Rodríguez, "rodr" finds nothing): the index holds keyed hashes of words,
    and a hash of part of a word matches nothing. Every token is exactly TOKEN_HEX hex
    characters and separated by spaces, so `contains` can only match a whole token.
    """
    if not may_search_names(actor):
        raise NotPermitted(_("You are not permitted to search by name."))
    terms = name_terms(query)
    stmt = select(Identity.case_id).join(Case, Case.id == Identity.case_id).where(identity_scope(actor))
    if not terms:  # only punctuation: no name can match
        return stmt.where(false())
    for term in terms:
        stmt = stmt.where(or_(*(col(Identity.name_index).contains(t) for t in crypto.word_tokens(term))))
    return stmt


def name_search_record(session: Session, actor: Actor, hits: int) -> None:
    """Audit that a name search was made and how many cases it found; never the name searched."""
    audit_record(session, actor, "identity.search", entity="identity", detail={"hits": hits})


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _age_at(day: date, birth: date | None, estimated_age: int | None, estimated_on: date) -> int | None:
    """The age on `day`, from the birth date, or from an age estimated on another day."""
    if birth is not None:
        return _age_on(birth, day)
    if estimated_age is None:
        return None
    return estimated_age + int((day - estimated_on).days / 365.25)


def similar_cases(session: Session, actor: Actor, *, given: str, family: str, aliases: str,
                  birth_date: date | None, estimated_age: int | None, referral_date: date,
                  exclude_case_id: int | None = None) -> list[SimilarCase]:
    """Visible cases that may be the same person: alike names and the same birth date.

    With an unknown birth date on either side, ages within a year of each other count
    as the same. Audited as a name search (how many found, never the names). Names and
    birth dates are encrypted, so SQL narrows the candidates by the birth date's keyed
    hash (`Case.birth_date_index`) or by the plain age at referral, and the few
    candidates are decrypted and compared here: the table is never decrypted whole.
    """
    if not may_search_names(actor):
        return []
    wanted = _variants(name_key(given, family, aliases))
    if not wanted:
        return []
    # The stored tokens, decrypted below only for the candidates of the right age.
    stored = [type_coerce(c, Text()) for c in (Identity.given_names, Identity.family_names, Identity.aliases)]
    stmt = (select(Case.id, Case.code, Case.birth_date, Case.estimated_age, Case.referral_date, *stored)
            .join(Identity, Identity.case_id == Case.id).where(identity_scope(actor)))
    own_age = _age_at(referral_date, birth_date, estimated_age, referral_date)
    if own_age is not None:
        # The year a case's person was born, or the year after: referral year minus age at referral.
        # Two ages on our referral day within a year of each other put it within 2 years of ours.
        born_around = extract("year", Case.referral_date) - Case.age_at_referral
        ours = referral_date.year - own_age
        near = born_around.between(ours - 2, ours + 2)
        if birth_date is not None:
            stmt = stmt.where(or_(col(Case.birth_date_index).in_(crypto.day_tokens(birth_date)),
                                  and_(col(Case.birth_date).is_(None), near)))
        else:
            stmt = stmt.where(near)
    if exclude_case_id is not None:
        stmt = stmt.where(Case.id != exclude_case_id)
    found = []
    if own_age is None:  # no birth date and no age: no case can be the same person
        stmt = stmt.where(false())
    for case_id, code, c_birth, c_age, c_referral, c_given, c_family, c_aliases in session.exec(stmt).all():
        if birth_date is not None and c_birth is not None:
            same_person_age = c_birth == birth_date
        else:
            other_age = _age_at(referral_date, c_birth, c_age, c_referral)
            same_person_age = own_age is not None and other_age is not None and abs(own_age - other_age) <= 1
        if not same_person_age:
            continue
        theirs = _variants(name_key(*(crypto.decrypt(v) if v else "" for v in (c_given, c_family, c_aliases))))
        if any(names_alike(w, v) for w in wanted for v in theirs):
            found.append(SimilarCase(case_id, code))
    audit_record(session, actor, "identity.search", entity="identity",
                 detail={"purpose": "duplicate_check", "hits": len(found)})
    return sorted(found, key=lambda s: s.code)


# --- the end of the retention period ----------------------------------------------


def identity_erase(session: Session, case_id: int) -> bool:
    """Blank every name and contact of a case, and the search key built from them.

    Called by `care.lifecycle` when a closed case has passed its retention period; there is
    no actor (it runs from the command line) and no way back. The row stays, empty, so the
    case keeps its shape; the version moves on so a form still open on it cannot save.
    Returns whether there was a row to blank.
    """
    blank = {f.name: "" for f in fields(IdentityInput)} | {"name_index": ""}
    result = session.execute(update(Identity).where(Identity.case_id == case_id)
                             .values(**blank, version=Identity.version + 1)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1
