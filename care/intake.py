"""Intake: a referral arrives, and with the person's consent a case is opened.

Without consent to the processing of their data nothing about the person is kept: only
the fact that a referral arrived (the referral register counts it). With consent, the
case, its identity (kept apart) and the register entry are written together, and the
case gets a readable code that stays unique when two people save at the same moment.
Eligibility is computed here and shown with its reasons; a coordinator decides it
(`care.decisions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from babel import Locale
from sqlmodel import Session, col, select

from care import identity as ident
from care.casecodes import case_code_next
from care.access import Actor, Role, case_get, host_countries_for, require, require_programme_staff
from care.audit import audit_record
from care.concurrency import claim
from care.countries import country_name, is_country, is_eu_member, language_name
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, fmt_date
from care.programmes import ProgrammeSettings, programme_settings, programmes_for
from care.sections import Section
from care.text import checked_text
from care.vocab import (
    CONSENT_METHODS, EXPLOITATION_FORMS, IDENTIFIED_BY, LABOUR_SECTORS, ORGANISATION_TYPES, SEX, Stage, label,
)
from care.days import check_day
from db.models import Case, Organisation, Referral

ADULT_AGE = 18
OLDEST_AGE = 100
REGION_MAX = 200
ORGANISATION_MAX = 200

# HTCDS methods of control, methods of recruitment and vulnerabilities: optional at intake.
CONTROL_METHODS = {
    "DebtBondage": N_("Debt bondage"), "TakesEarnings": N_("Takes earnings"),
    "RestrictsFinancialAccess": N_("Restricts access to money"), "Threats": N_("Threats"),
    "PsychologicalAbuse": N_("Psychological abuse"), "PhysicalAbuse": N_("Physical abuse"),
    "SexualAbuse": N_("Sexual abuse"), "FalsePromises": N_("False promises"),
    "PsychoactiveSubstances": N_("Psychoactive substances"), "RestrictsMovement": N_("Restricts movement"),
    "RestrictsMedicalCare": N_("Restricts medical care"), "ExcessiveWorkingHours": N_("Excessive working hours"),
    "UsesChildren": N_("Uses children"), "ThreatOfLawEnforcement": N_("Threat of law enforcement"),
    "WithholdsNecessities": N_("Withholds necessities"), "WithholdsDocuments": N_("Withholds documents"),
    "Other": N_("Other"),
}
RECRUITMENT_METHODS = {
    "Abduction": N_("Abduction"), "EducationalFacility": N_("Educational facility"), "Familial": N_("By family"),
    "Internet": N_("Internet"), "InternationalMarriageBroker": N_("International marriage broker"),
    "IntimatePartnerOrMarriageProposition": N_("Intimate partner or marriage proposal"),
    "JobOffer": N_("Job offer"), "PosingAsBenefactor": N_("Posing as a benefactor"),
    "PublicArea": N_("Public area"), "OfferOfAccommodation": N_("Offer of accommodation"),
    "Shelter": N_("Shelter"), "Smuggling": N_("Smuggling"), "Work": N_("At work"), "Other": N_("Other"),
    "Unknown": N_("Unknown"),
}
VULNERABILITIES = {
    "Addiction": N_("Addiction"), "Caste": N_("Caste"), "Discrimination": N_("Discrimination"),
    "Poverty": N_("Poverty"), "DisabilityAndPhysicalHealth": N_("Disability or physical health"),
    "MentalHealth": N_("Mental health"), "Migration": N_("Migration"), "Homelessness": N_("Homelessness"),
    "AbuseSocialMedia": N_("Abuse on social media"), "AbusePhysical": N_("Physical abuse"),
    "Education": N_("Education"), "WorkEnvironment": N_("Work environment"),
}


@lru_cache(maxsize=1)
def language_codes() -> tuple[str, ...]:
    """ISO 639-1 languages (two letters), as Babel names them."""
    return tuple(sorted(code for code in Locale("en").languages if len(code) == 2 and code.isalpha()))


# --- input --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralDetails:
    referral_date: date | None
    identified_by: str
    organisation_id: int | None = None
    new_organisation: str = ""  # a referring organisation not known yet...
    new_organisation_type: str = ""  # ...and its HTCDS type


@dataclass(frozen=True)
class PersonInput:
    sex: str
    nationality: str
    return_country: str
    return_region: str
    birth_date: date | None = None
    estimated_age: int | None = None
    languages: tuple[str, ...] = ()
    # In the person's order; the first with a person-facing catalog is their documents' language.
    preferred_languages: tuple[str, ...] = ()
    interpreter_needed: bool = False
    exploitation_forms: tuple[str, ...] = ()
    labour_sector: str | None = None
    control_methods: tuple[str, ...] = ()
    recruitment_method: str | None = None
    vulnerabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsentInput:
    processing: bool | None  # None: the form did not say
    on: date | None = None
    method: str = ""
    language: str = ""
    interpreter: bool = False
    followup: bool = False
    sharing: bool = False


@dataclass(frozen=True)
class Criterion:
    met: bool
    text: str


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # case | no_consent | possible_duplicate
    case_id: int | None = None
    code: str = ""
    is_minor: bool = False
    eligibility: tuple[Criterion, ...] = ()
    duplicates: tuple[ident.SimilarCase, ...] = ()

    @property
    def meets_criteria(self) -> bool:
        return bool(self.eligibility) and all(c.met for c in self.eligibility)


@dataclass(frozen=True)
class ProgrammeChoice:
    id: int
    code: str
    name: str
    start_date: date
    end_date: date
    host_countries: tuple[str, ...]  # those this actor may register referrals for
    return_countries: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationChoice:
    id: int
    name: str
    org_type: str


# --- rules --------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_minor_at(referral_date: date, *, birth_date: date | None, estimated_age: int | None) -> bool:
    """Under 18 on the day of the referral: from the birth date, else from the estimated age."""
    if birth_date is not None:
        return age_on(birth_date, referral_date) < ADULT_AGE
    return estimated_age is not None and estimated_age < ADULT_AGE


def eligibility(programme: ProgrammeSettings, *, return_country: str, referral_date: date,
                consent_on: date | None = None, with_consent: bool = True) -> list[Criterion]:
    """The programme's criteria, each met or not, in plain words."""
    country, day = country_name(return_country), fmt_date(referral_date)
    period = {"programme": programme.code, "start": fmt_date(programme.start_date),
              "end": fmt_date(programme.end_date), "date": day}
    in_eu = is_eu_member(return_country, on=referral_date)
    criteria = [
        Criterion(not in_eu, (
            _("{country} is a member of the European Union on {date}: the programme assists returns to countries "
              "outside the EU only.") if in_eu else _("{country} is outside the European Union.")
        ).format(country=country, date=day)),
        Criterion(return_country in programme.return_countries, (
            _("{country} is one of {programme}'s return countries.") if return_country in programme.return_countries
            else _("{country} is not one of {programme}'s return countries.")
        ).format(country=country, programme=programme.code)),
        Criterion(programme.in_period(referral_date), (
            _("The referral date, {date}, is within {programme}'s period ({start} to {end}).")
            if programme.in_period(referral_date)
            else _("The referral date, {date}, is outside {programme}'s period ({start} to {end}).")
        ).format(**period)),
    ]
    if with_consent:
        criteria.append(Criterion(consent_on is not None, (
            _("Consent to data processing recorded on {date}.").format(date=fmt_date(consent_on)) if consent_on
            else _("Consent to data processing is not recorded."))))
    return criteria


def eligible_missing(session: Session, case: Case) -> list[str]:
    """What stands between a case and the stage "eligible" (`stage_rules.ENTRY_CHECKS`)."""
    programme = programme_settings(session, case.programme_id)
    return [c.text for c in eligibility(programme, return_country=case.return_country,
                                        referral_date=case.referral_date, consent_on=case.consent_processing_on)
            if not c.met]


def eligibility_of(session: Session, actor: Actor, case_id: int) -> list[Criterion]:
    case = case_get(session, actor, case_id)
    programme = programme_settings(session, case.programme_id)
    return eligibility(programme, return_country=case.return_country, referral_date=case.referral_date,
                       consent_on=case.consent_processing_on)


def eligibility_preview(session: Session, actor: Actor, *, programme_id: int, return_country: str,
                        referral_date: date) -> list[Criterion]:
    """The criteria for a referral being typed in (consent is asked further down the form)."""
    require_programme_staff(actor, programme_id)
    return eligibility(programme_settings(session, programme_id), return_country=return_country,
                       referral_date=referral_date, with_consent=False)


# --- who may register ---------------------------------------------------------------


def intake_programmes(session: Session, actor: Actor) -> list[ProgrammeChoice]:
    """The programmes, and their host countries, this actor may register referrals for."""
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return []
    choices = []
    for p in sorted(programmes_for(session, actor), key=lambda p: p.end_date, reverse=True):
        hosts = host_countries_for(actor, p.id, p.host_countries)
        if hosts:
            choices.append(ProgrammeChoice(p.id, p.code, p.name, p.start_date, p.end_date, hosts, p.return_countries))
    return choices


def organisations_for(session: Session, actor: Actor, *, country: str) -> list[OrganisationChoice]:
    """The referring organisations known in a country (retired ones are not offered)."""
    require(actor, Role.COORDINATOR, Role.FOCAL_POINT)
    rows = session.exec(select(Organisation).where(Organisation.country == country, col(Organisation.retired).is_(False))
                        .order_by(Organisation.name)).all()
    return [OrganisationChoice(o.id, o.name, o.org_type) for o in rows]


# --- validation ---------------------------------------------------------------------


def _check_referral(session: Session, programme: ProgrammeSettings, host: str, details: ReferralDetails, *,
                    today: date, problems: Problems) -> None:
    day = details.referral_date
    if day is None:
        problems.add("referral_date", _("The referral date is required."))
    elif day > today:
        problems.add("referral_date", _("The referral date cannot be in the future."))
    elif not programme.in_period(day):
        problems.add("referral_date", _("The referral date must be within {programme}'s period, {start} to {end}.")
                     .format(programme=programme.code, start=fmt_date(programme.start_date),
                             end=fmt_date(programme.end_date)))
    if details.identified_by not in IDENTIFIED_BY:
        problems.add("identified_by", _("Say who identified the person."))
    if details.organisation_id is not None:
        org = session.get(Organisation, details.organisation_id)
        if org is None or org.retired or org.country != host:
            problems.add("organisation", _("Choose a referring organisation of the host country."))
    elif details.new_organisation.strip():
        checked_text(problems, "organisation", details.new_organisation, limit=ORGANISATION_MAX)
        if details.new_organisation_type not in ORGANISATION_TYPES:
            problems.add("organisation_type", _("Choose the type of the new organisation."))
    elif details.identified_by != "self_referral":
        problems.add("organisation", _("Choose the referring organisation, or add it."))


def _check_codes(problems: Problems, name: str, values, vocabulary, message: str) -> None:
    if any(v not in vocabulary for v in values):
        problems.add(name, message)


def _check_person(person: PersonInput, *, referral_date: date | None, problems: Problems) -> PersonInput:
    """Field errors for the person (no identifying data here); the person, cleaned."""
    if person.sex not in SEX:
        problems.add("sex", _("Choose the person's sex."))
    if person.birth_date is not None and person.estimated_age is not None:
        problems.add("estimated_age", _("Leave the estimated age empty when the date of birth is known."))
    elif person.birth_date is None and person.estimated_age is None:
        problems.add("birth_date", _("Give the date of birth, or an estimated age if it is not known."))
    elif person.birth_date is not None and referral_date is not None:
        if person.birth_date > referral_date:
            problems.add("birth_date", _("The date of birth must be before the referral date."))
        elif age_on(person.birth_date, referral_date) > OLDEST_AGE:
            problems.add("birth_date", _("Check the date of birth: the person would be over {n}.").format(n=OLDEST_AGE))
    elif person.estimated_age is not None and not 0 <= person.estimated_age <= OLDEST_AGE:
        problems.add("estimated_age", _("The estimated age is a number of years from 0 to {n}.").format(n=OLDEST_AGE))
    if not is_country(person.nationality):
        problems.add("nationality", _("Choose the nationality."))
    if not person.languages:
        problems.add("languages", _("Choose at least one language the person speaks."))
    _check_codes(problems, "languages", person.languages, set(language_codes()), _("Unknown language."))
    _check_codes(problems, "preferred_languages", person.preferred_languages, set(language_codes()),
                 _("Unknown language."))
    if any(code not in person.languages for code in person.preferred_languages):
        problems.add("preferred_languages", _("A preferred language must also be among the languages spoken."))
    if not person.exploitation_forms:
        problems.add("exploitation_forms", _("Choose at least one form of exploitation."))
    _check_codes(problems, "exploitation_forms", person.exploitation_forms, EXPLOITATION_FORMS,
                 _("Unknown form of exploitation."))
    sector = person.labour_sector or None
    if "labour" in person.exploitation_forms and sector not in LABOUR_SECTORS:
        problems.add("labour_sector", _("Choose the sector of the labour exploitation."))
    if "labour" not in person.exploitation_forms:
        sector = None
    _check_codes(problems, "control_methods", person.control_methods, CONTROL_METHODS, _("Unknown method of control."))
    _check_codes(problems, "recruitment_method", [person.recruitment_method] if person.recruitment_method else [],
                 RECRUITMENT_METHODS, _("Unknown method of recruitment."))
    _check_codes(problems, "vulnerabilities", person.vulnerabilities, VULNERABILITIES, _("Unknown vulnerability."))
    if not is_country(person.return_country):
        problems.add("return_country", _("Choose the return country."))
    elif referral_date is not None and is_eu_member(person.return_country, on=referral_date):
        problems.add("return_country", _(
            "{country} is a member of the European Union: the programme assists returns to countries outside the "
            "EU only.").format(country=country_name(person.return_country)))
    region = checked_text(problems, "return_region", person.return_region, limit=REGION_MAX,
                          required=_("Give the region or town of return."))
    return replace(person, return_region=region, labour_sector=sector, return_country=person.return_country.upper(),
                   nationality=person.nationality.upper(), languages=tuple(dict.fromkeys(person.languages)),
                   preferred_languages=tuple(dict.fromkeys(person.preferred_languages)),
                   exploitation_forms=tuple(dict.fromkeys(person.exploitation_forms)),
                   control_methods=tuple(dict.fromkeys(person.control_methods)),
                   vulnerabilities=tuple(dict.fromkeys(person.vulnerabilities)),
                   recruitment_method=person.recruitment_method or None)


def _check_consent(consent: ConsentInput, programme: ProgrammeSettings, *, today: date, problems: Problems) -> None:
    if consent.on is None:
        problems.add("consent_on", _("Give the date consent was obtained."))
    else:  # consent is to this programme's processing: it cannot predate the programme
        check_day(problems, "consent_on", consent.on, label=_("The date of consent"), today=today,
                  earliest=programme.start_date, after=_("the programme's start"))
    if consent.method not in CONSENT_METHODS:
        problems.add("consent_method", _("Say how consent was obtained."))
    if consent.language not in language_codes():
        problems.add("consent_language", _("Choose the language used to ask for consent."))


def _person_columns(person: PersonInput, consent: ConsentInput, referral_date: date) -> dict:
    return {
        "sex": person.sex, "birth_date": person.birth_date, "estimated_age": person.estimated_age,
        "is_minor": is_minor_at(referral_date, birth_date=person.birth_date, estimated_age=person.estimated_age),
        "nationality": person.nationality, "languages": list(person.languages),
        "preferred_languages": list(person.preferred_languages), "interpreter_needed": bool(person.interpreter_needed),
        "exploitation_forms": list(person.exploitation_forms), "labour_sector": person.labour_sector,
        "control_methods": list(person.control_methods), "recruitment_method": person.recruitment_method,
        "vulnerabilities": list(person.vulnerabilities), "return_country": person.return_country,
        "return_region": person.return_region, "consent_processing_on": consent.on,
        "consent_method": consent.method, "consent_language": consent.language,
        "consent_interpreter": bool(consent.interpreter), "consent_followup": bool(consent.followup),
        "consent_sharing": bool(consent.sharing),
    }


def _organisation_id(session: Session, actor: Actor, host: str, details: ReferralDetails) -> int | None:
    """The referring organisation chosen, or the one added now (an existing one of that name is reused)."""
    if details.organisation_id is not None or not details.new_organisation.strip():
        return details.organisation_id
    name = details.new_organisation.strip()
    for org in session.exec(select(Organisation).where(Organisation.country == host)).all():
        if ident.name_terms(org.name) == ident.name_terms(name) and not org.retired:
            return org.id
    org = Organisation(name=name, org_type=details.new_organisation_type, country=host, updated_by_id=actor.id)
    session.add(org)
    session.flush()
    audit_record(session, actor, "organisation.create", entity="organisation", entity_id=org.id,
                 detail={"country": host, "type": org.org_type})
    return org.id


# --- writes -------------------------------------------------------------------------


def referral_register(session: Session, actor: Actor, *, programme_id: int, host_country: str,
                      details: ReferralDetails, person: PersonInput, identity: ident.IdentityInput,
                      consent: ConsentInput, today: date, duplicates_seen: frozenset[int] = frozenset()
                      ) -> IntakeResult:
    """Register a referral; with consent to data processing, open its case.

    A case that may be the same person (alike name, same birth date) stops the save once:
    the result lists those cases, and the same call with their ids in `duplicates_seen`
    saves.
    """
    programme = programme_settings(session, programme_id)
    require_programme_staff(actor, programme.id)
    host = host_country.upper()
    problems = Problems()
    if host not in programme.host_countries:
        problems.add("host_country", _("Choose one of the programme's host countries."))
    elif host not in host_countries_for(actor, programme.id, programme.host_countries):
        raise NotPermitted(_("You register referrals only for your own host countries."), field="host_country")
    _check_referral(session, programme, host, details, today=today, problems=problems)
    if consent.processing is None:
        problems.add("consent_processing", _("Say whether the person consents to the processing of their data."))
    if consent.processing is False:
        problems.raise_if_any()
        return _register_without_consent(session, actor, programme, host, details)

    person = _check_person(person, referral_date=details.referral_date, problems=problems)
    identity = ident.identity_problems(identity, region=person.return_country, problems=problems)
    _check_consent(consent, programme, today=today, problems=problems)
    problems.raise_if_any()

    similar = ident.similar_cases(
        session, actor, given=identity.given_names, family=identity.family_names, aliases=identity.aliases,
        birth_date=person.birth_date, estimated_age=person.estimated_age, referral_date=details.referral_date)
    if any(s.case_id not in duplicates_seen for s in similar):
        return IntakeResult("possible_duplicate", duplicates=tuple(similar))

    org_id = _organisation_id(session, actor, host, details)
    case = Case(code=case_code_next(session, programme, host, details.referral_date.year), programme_id=programme.id,
                host_country=host, organisation_id=org_id, referral_date=details.referral_date,
                identified_by=details.identified_by, stage=Stage.REFERRED.value, created_by_id=actor.id,
                updated_by_id=actor.id, **_person_columns(person, consent, details.referral_date),
                consent_sharing_on=consent.on if consent.sharing else None)
    session.add(case)
    session.flush()
    ident.identity_create(session, actor, case, identity)
    session.add(Referral(programme_id=programme.id, host_country=host, organisation_id=org_id,
                         referral_date=details.referral_date, outcome="case", case_id=case.id,
                         created_by_id=actor.id))
    audit_record(session, actor, "case.create", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"code": case.code, "minor": case.is_minor,
                         "possible_duplicates": [s.code for s in similar]})
    session.flush()
    return IntakeResult("case", case.id, case.code, case.is_minor, tuple(eligibility(
        programme, return_country=case.return_country, referral_date=case.referral_date,
        consent_on=case.consent_processing_on)), tuple(similar))


def _register_without_consent(session: Session, actor: Actor, programme: ProgrammeSettings, host: str,
                              details: ReferralDetails) -> IntakeResult:
    org_id = _organisation_id(session, actor, host, details)
    referral = Referral(programme_id=programme.id, host_country=host, organisation_id=org_id,
                        referral_date=details.referral_date, outcome="no_consent", created_by_id=actor.id)
    session.add(referral)
    session.flush()
    audit_record(session, actor, "referral.register", entity="referral", entity_id=referral.id,
                 detail={"outcome": "no_consent", "programme": programme.code, "host": host})
    return IntakeResult("no_consent")


@dataclass(frozen=True)
class CaseForm:
    """A case's referral and person data as an edit form starts from."""

    case_id: int
    version: int
    programme_code: str
    host_country: str
    details: ReferralDetails
    person: PersonInput
    consent: ConsentInput
    return_countries: tuple[str, ...] = field(default_factory=tuple)


def case_form(session: Session, actor: Actor, case_id: int) -> CaseForm:
    case = case_get(session, actor, case_id)
    programme = programme_settings(session, case.programme_id)
    return CaseForm(
        case_id=case.id, version=case.version, programme_code=programme.code, host_country=case.host_country,
        details=ReferralDetails(case.referral_date, case.identified_by, case.organisation_id),
        person=PersonInput(
            sex=case.sex, nationality=case.nationality, return_country=case.return_country,
            return_region=case.return_region, birth_date=case.birth_date, estimated_age=case.estimated_age,
            languages=tuple(case.languages), preferred_languages=tuple(case.preferred_languages),
            interpreter_needed=case.interpreter_needed, exploitation_forms=tuple(case.exploitation_forms),
            labour_sector=case.labour_sector, control_methods=tuple(case.control_methods),
            recruitment_method=case.recruitment_method, vulnerabilities=tuple(case.vulnerabilities)),
        consent=ConsentInput(True, case.consent_processing_on, case.consent_method, case.consent_language,
                             case.consent_interpreter, case.consent_followup, case.consent_sharing),
        return_countries=programme.return_countries,
    )


def case_edit(session: Session, actor: Actor, case_id: int, *, details: ReferralDetails, person: PersonInput,
              consent: ConsentInput, today: date, expected_version: int) -> Case:
    """Correct a case's referral and person data, unless someone saved it since the form opened.

    The programme and host country make the case code and stay. Once a case is eligible,
    a correction may not make it ineligible.
    """
    case = case_get(session, actor, case_id)
    require(actor, Role.COORDINATOR, Role.FOCAL_POINT)
    if case.stage in (Stage.CLOSED, Stage.INELIGIBLE):
        raise DomainError(_("This case is closed: its data can no longer be changed."))
    programme = programme_settings(session, case.programme_id)
    problems = Problems()
    _check_referral(session, programme, case.host_country, details, today=today, problems=problems)
    if consent.processing is not True:
        problems.add("consent_processing", _(
            "Consent to data processing cannot be taken back here: close the case with the reason "
            "“Withdrew consent”."))
    if case.consent_sharing and not consent.sharing:
        problems.add("consent_sharing", _(
            "Consent to sharing is withdrawn with “Withdraw consent to sharing” on the Referrals page: "
            "it also revokes the open referrals."))
    person = _check_person(person, referral_date=details.referral_date, problems=problems)
    _check_consent(consent, programme, today=today, problems=problems)
    problems.raise_if_any()
    if case.stage != Stage.REFERRED:
        failing = [c.text for c in eligibility(programme, return_country=person.return_country,
                                               referral_date=details.referral_date, consent_on=consent.on)
                   if not c.met]
        if failing:
            raise DomainError(_("This case is already eligible; with these changes it would not be: {reasons}")
                              .format(reasons="; ".join(failing)))

    claim(session, actor, Case, {"id": case.id}, expected_version)
    session.refresh(case)
    org_id = _organisation_id(session, actor, case.host_country, details)
    values = {"organisation_id": org_id, "referral_date": details.referral_date,
              "identified_by": details.identified_by, **_person_columns(person, consent, details.referral_date)}
    if consent.sharing and not case.consent_sharing:  # given now, after intake
        values |= {"consent_sharing_on": today, "consent_sharing_withdrawn_on": None}
    changed = sorted(k for k, v in values.items() if getattr(case, k) != v)
    for k, v in values.items():
        setattr(case, k, v)
    session.add(case)
    referral = session.exec(select(Referral).where(Referral.case_id == case.id)).first()
    if referral is not None:
        referral.referral_date, referral.organisation_id = case.referral_date, org_id
        session.add(referral)
    audit_record(session, actor, "case.edit", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"fields": changed, "minor": case.is_minor})
    session.flush()
    return case


# --- the case file's section --------------------------------------------------------


def _labels(vocabulary: dict, codes) -> str:
    return ", ".join(label(vocabulary, c) for c in codes) if codes else "—"


def _age_text(case: Case) -> str:
    if case.birth_date is not None:
        return _("{date} ({age} at referral)").format(date=fmt_date(case.birth_date),
                                                      age=age_on(case.birth_date, case.referral_date))
    if case.estimated_age is not None:
        return _("Not known; about {age} at referral").format(age=case.estimated_age)
    return "—"


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """Referral, person and consent, as the case file and the case PDF show them."""
    org = session.get(Organisation, case.organisation_id) if case.organisation_id else None
    yes, no = _("Yes"), _("No")
    rows = [
        (_("Programme"), programme_settings(session, case.programme_id).code),
        (_("Host country"), country_name(case.host_country)),
        (_("Referral date"), fmt_date(case.referral_date)),
        (_("Referring organisation"), org.name if org else "—"),
        (_("Identified by"), label(IDENTIFIED_BY, case.identified_by)),
        (_("Sex"), label(SEX, case.sex)),
        (_("Date of birth"), _age_text(case)),
        (_("Minor at referral"), yes if case.is_minor else no),
        (_("Nationality"), country_name(case.nationality)),
        (_("Languages"), ", ".join(language_name(c) for c in case.languages) or "—"),
        (_("Preferred languages"), ", ".join(language_name(c) for c in case.preferred_languages) or "—"),
        (_("Needs an interpreter"), yes if case.interpreter_needed else no),
        (_("Forms of exploitation"), _labels(EXPLOITATION_FORMS, case.exploitation_forms)),
    ]
    if case.labour_sector:
        rows.append((_("Sector of labour exploitation"), label(LABOUR_SECTORS, case.labour_sector)))
    rows += [
        (_("Methods of control"), _labels(CONTROL_METHODS, case.control_methods)),
        (_("Method of recruitment"), label(RECRUITMENT_METHODS, case.recruitment_method)),
        (_("Vulnerabilities"), _labels(VULNERABILITIES, case.vulnerabilities)),
        (_("Return country"), country_name(case.return_country)),
        (_("Region or town of return"), case.return_region or "—"),
        (_("Consent to data processing"), _("{date}, {method}, in {language}{interpreter}").format(
            date=fmt_date(case.consent_processing_on), method=label(CONSENT_METHODS, case.consent_method),
            language=language_name(case.consent_language) if case.consent_language else "—",
            interpreter=_(", with an interpreter") if case.consent_interpreter else "")
         if case.consent_processing_on else _("Not recorded")),
        (_("Consent to follow-up contact"), yes if case.consent_followup else no),
        (_("Consent to sharing with the partner in the return country"), yes if case.consent_sharing else no),
    ]
    if case.followup_consent_withdrawn_on:
        rows.append((_("Consent to follow-up withdrawn on"), fmt_date(case.followup_consent_withdrawn_on)))
    if case.stage == Stage.INELIGIBLE:
        rows.append((_("Reason found ineligible"), case.ineligible_reason or "—"))
    return Section(title=_("Referral and person"), rows=rows)
