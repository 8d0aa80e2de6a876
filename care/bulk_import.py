"""Bulk import of cases from a filled template or an HTCDS-shaped file (care.htcds columns).

A dry run checks every row with the intake's own rules (`care.intake`) and lists every
error by row and column; nothing is written. The import checks again and, only when no
row has an error, writes every case in the caller's one transaction: all or nothing.
Identities go through `care.identity` as at intake (encrypted, indexed for the name
search), possible duplicates are looked for with `identity.similar_cases` and flagged,
and each case's timeline says "imported from FILE by USER". Cases come in at the stage
their HTCDS status gives: closed (with the reason read back from
cas_ReasonForCaseClosure), ineligible (ClosedReferred), otherwise referred; the work done
before (plans, follow-ups) is not in HTCDS and is not imported, nor are referrals to partners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from care import identity as ident
from care import intake
from care.access import Actor, Role, require_programme
from care.audit import audit_record
from care.casecodes import case_code_next
from care.countries import is_country
from care.errors import NotPermitted, Problems
from care.htcds import (
    EVENT_TYPES, EXPORT_ONLY, LABOUR_INDUSTRIES, SEXUAL_EXPLOITATION_TYPES, WEBSITES, closing_reason_from_text,
)
from care.i18n import _
from care.import_read import CellError, FileRefused, Sheet, cell_value, read_sheet, split_text
from care.programmes import ProgrammeSettings, programme_settings
from care.vocab import HTCDS_STATUS, Stage
from care.ui.markdown import md_escape
from db.models import Case, CaseHtcds, Organisation, Programme, Referral, TraffickingEvent

# The intake's field names, and the column each error is shown in.
FIELD_COLUMN = {
    "referral_date": "cas_IncomingReferralDate", "identified_by": "care_IdentifiedBy",
    "organisation": "cas_ReferringOrganisation", "organisation_type": "org_Type", "sex": "prs_Gender",
    "birth_date": "prs_Birthdate", "estimated_age": "care_AgeAtReferral", "nationality": "prs_Nationality",
    "languages": "care_Languages", "exploitation_forms": "care_ExploitationForms",
    "labour_sector": "vic_TypeOfLabourExploitation", "control_methods": "vic_MethodsOfControl",
    "recruitment_method": "vic_MethodOfRecruitment", "vulnerabilities": "vic_Vulnerabilities",
    "return_country": "care_ReturnCountry", "return_region": "care_ReturnRegion",
    "consent_on": "care_ConsentDate", "consent_method": "care_ConsentMethod",
    "consent_language": "care_ConsentLanguage", "given_names": "prs_FirstName", "family_names": "prs_SecondName",
    "phone": "prs_MobilePhone", "host_country": "care_HostCountry",
}
HTCDS_LISTS = {
    "vic_TypeOfSexExploitation": SEXUAL_EXPLOITATION_TYPES, "vic_LabourIndustry": LABOUR_INDUSTRIES,
    "vic_RecruitmentWebsitesAndApps": WEBSITES, "vic_ExploitationWebsitesAndApps": WEBSITES,
}
COUNTRY_COLUMNS = ("care_HostCountry", "prs_Nationality", "care_ReturnCountry",
                   *(f"hte_{k}_Country" for k in EVENT_TYPES))


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # the new case codes, in file order
    possible_duplicates: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)  # row, new, existing

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    values: dict
    details: intake.ReferralDetails | None = None
    person: intake.PersonInput | None = None
    consent: intake.ConsentInput | None = None
    identity: ident.IdentityInput | None = None


def _programme_of(session: Session, sheet: Sheet, programme_id: int | None) -> ProgrammeSettings:
    if programme_id is None:
        codes = {str(values[i]).strip() for _n, values in sheet.rows for i, c in enumerate(sheet.columns)
                 if c.name == "care_Programme" and values[i]}
        if len(codes) != 1:
            raise FileRefused(_("Say which programme the cases belong to (one programme code in the column "
                                "care_Programme, or choose it)."))
        programme_id = session.exec(select(Programme.id).where(Programme.code == codes.pop())).first()
        if programme_id is None:
            raise FileRefused(_("Unknown programme in the column care_Programme."))
    return programme_settings(session, programme_id)


def _values(sheet: Sheet, number: int, raw: list, errors: list[CellError]) -> dict:
    values = {}
    for heading, column, value in zip(sheet.headings, sheet.columns, raw, strict=True):
        if column.name in EXPORT_ONLY and column.name != "care_CaseCode":
            continue
        try:
            values[column.name] = cell_value(column, value)
        except ValueError as err:
            errors.append(CellError(number, heading, str(err)))
    return values


def _organisation(session: Session, host: str, name: str) -> int | None:
    for org in session.exec(select(Organisation).where(Organisation.country == host)).all():
        if not org.retired and ident.name_terms(org.name) == ident.name_terms(name):
            return org.id
    return None


def _check_row(session: Session, programme: ProgrammeSettings, row: _Row, today: date, problems: Problems) -> None:
    v = row.values
    if v.get("care_Programme") and v["care_Programme"] != programme.code:
        problems.add("care_Programme", _("This row is for programme {code}, not {programme}.").format(
            code=md_escape(str(v["care_Programme"])), programme=programme.code))
    for name in COUNTRY_COLUMNS:
        for code in (v.get(name) if isinstance(v.get(name), list) else [v.get(name)]):
            if code and not is_country(code):
                problems.add(name, _("Unknown country code \"{code}\": use ISO 3166 two-letter codes.").format(
                    code=md_escape(str(code))))
    if v.get("vic_AgreementToManagePersonalData") is not True:
        problems.add("vic_AgreementToManagePersonalData", _(
            "A case is imported only with the person's consent to the processing of their data (write yes)."))
    status = v.get("cas_Status") or "Active"
    if status not in set(HTCDS_STATUS.values()):
        problems.add("cas_Status", _("Unknown case status: use Active, FollowUp, Closed or ClosedReferred."))
    if status == "Closed":
        if closing_reason_from_text(v.get("cas_ReasonForCaseClosure") or "") is None:
            problems.add("cas_ReasonForCaseClosure", _("Give the reason for closing the case (see the list)."))
        if v.get("care_ClosedOn") is None:
            problems.add("care_ClosedOn", _("Give the day the case was closed."))
    for name, vocabulary in HTCDS_LISTS.items():
        if any(code not in vocabulary for code in v.get(name) or []):
            problems.add(name, _("Unknown code; the valid codes are on the template's Codes sheet."))
    for kind in EVENT_TYPES:
        countries, days = v.get(f"hte_{kind}_Country") or [], v.get(f"hte_{kind}_Date") or []
        if days and len(days) != len(countries):
            problems.add(f"hte_{kind}_Date", _("Give one date per country, in the same order."))
    host = (v.get("care_HostCountry") or "").upper()
    if host and host not in programme.host_countries:
        problems.add("care_HostCountry", _("Choose one of the programme's host countries."))
    org_name = v.get("cas_ReferringOrganisation") or ""
    org_id = _organisation(session, host, org_name) if org_name and host else None
    row.details = intake.ReferralDetails(
        referral_date=v.get("cas_IncomingReferralDate"), identified_by=v.get("care_IdentifiedBy") or "",
        organisation_id=org_id, new_organisation="" if org_id else org_name,
        new_organisation_type=v.get("org_Type") or "")
    intake._check_referral(session, programme, host, row.details, today=today, problems=problems)
    row.person = intake._check_person(intake.PersonInput(
        sex=v.get("prs_Gender") or "", nationality=(v.get("prs_Nationality") or "").upper(),
        return_country=(v.get("care_ReturnCountry") or "").upper(), return_region=v.get("care_ReturnRegion") or "",
        birth_date=v.get("prs_Birthdate"),
        estimated_age=None if v.get("prs_Birthdate") else v.get("care_AgeAtReferral"),
        languages=tuple(v.get("care_Languages") or ()), exploitation_forms=tuple(v.get("care_ExploitationForms") or ()),
        labour_sector=v.get("vic_TypeOfLabourExploitation") or None,
        control_methods=tuple(v.get("vic_MethodsOfControl") or ()),
        recruitment_method=v.get("vic_MethodOfRecruitment") or None,
        vulnerabilities=tuple(v.get("vic_Vulnerabilities") or ())), referral_date=row.details.referral_date,
        problems=problems)
    row.consent = intake.ConsentInput(
        processing=True, on=v.get("care_ConsentDate"), method=v.get("care_ConsentMethod") or "",
        language=v.get("care_ConsentLanguage") or "", interpreter=bool(v.get("care_ConsentInterpreter")),
        followup=bool(v.get("care_ConsentFollowUp")), sharing=bool(v.get("care_ConsentSharing")))
    intake._check_consent(row.consent, programme, today=today, problems=problems)
    given, family = v.get("prs_FirstName") or "", v.get("prs_SecondName") or ""
    data = ident.IdentityInput(given_names=given, family_names=family, phone=v.get("prs_MobilePhone") or "")
    if given or family or data.phone:
        data = ident.identity_problems(data, region=row.person.return_country, problems=problems)
    row.identity = data


def _duplicates_in_file(rows: list[_Row], sheet: Sheet, errors: list[CellError]) -> None:
    """A row given twice (the same case code, or the same values in every cell) is an error; two
    people alike by name and birth date are flagged at the import, as at intake (`similar_cases`)."""
    heading = {c.name: h for h, c in zip(sheet.headings, sheet.columns, strict=True)}
    seen: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        keys = [("care_CaseCode", v["care_CaseCode"].casefold())] if v.get("care_CaseCode") else []
        keys.append(("", repr(sorted(v.items()))))
        for key in keys:
            if key in seen:
                column = key[0]
                errors.append(CellError(row.number, heading.get(column, column), _(
                    "This row repeats the case of row {row}: import each case once.").format(row=seen[key])))
                break
            seen[key] = row.number


def _check(session: Session, actor: Actor, sheet: Sheet, programme: ProgrammeSettings, today: date
           ) -> tuple[list[_Row], list[CellError]]:
    heading = {c.name: h for h, c in zip(sheet.headings, sheet.columns, strict=True)}
    errors: list[CellError] = []
    rows = []
    for number, raw in sheet.rows:
        cell_errors: list[CellError] = []
        row = _Row(number, _values(sheet, number, raw, cell_errors))
        errors += cell_errors
        problems = Problems()
        _check_row(session, programme, row, today, problems)
        said = {e.column for e in cell_errors}  # a cell that could not be read has said so already
        for name, message in problems.errors.items():
            column = FIELD_COLUMN.get(name, name)
            shown = heading.get(column, column)
            if shown not in said:  # one message per cell: the first, the most precise
                said.add(shown)
                errors.append(CellError(number, shown, message))
        rows.append(row)
    _duplicates_in_file(rows, sheet, errors)
    return rows, sorted(errors, key=lambda e: (e.row, e.column))


def _write(session: Session, actor: Actor, programme: ProgrammeSettings, row: _Row, file_name: str,
           result: ImportResult) -> None:
    v, details, person, consent = row.values, row.details, row.person, row.consent
    host = v["care_HostCountry"].upper()
    similar = ident.similar_cases(
        session, actor, given=row.identity.given_names, family=row.identity.family_names, aliases="",
        birth_date=person.birth_date, estimated_age=person.estimated_age, referral_date=details.referral_date)
    org_id = intake._organisation_id(session, actor, host, details)
    status = v.get("cas_Status") or "Active"
    stage = {"Closed": Stage.CLOSED, "ClosedReferred": Stage.INELIGIBLE}.get(status, Stage.REFERRED)
    case = Case(code=case_code_next(session, programme, host, details.referral_date.year), programme_id=programme.id,
                host_country=host, organisation_id=org_id, referral_date=details.referral_date,
                identified_by=details.identified_by, stage=stage.value, created_by_id=actor.id,
                updated_by_id=actor.id, **intake._person_columns(person, consent, details.referral_date),
                consent_sharing_on=consent.on if consent.sharing else None)
    if stage is Stage.CLOSED:
        case.closing_reason = closing_reason_from_text(v["cas_ReasonForCaseClosure"])
        case.closed_on = v["care_ClosedOn"]
    if stage is Stage.INELIGIBLE:
        case.ineligible_reason = _("Imported as closed and referred (HTCDS ClosedReferred).")
    session.add(case)
    session.flush()
    ident.identity_create(session, actor, case, row.identity)
    session.add(Referral(programme_id=programme.id, host_country=host, organisation_id=org_id,
                         referral_date=details.referral_date,
                         outcome="not_eligible" if stage is Stage.INELIGIBLE else "case", case_id=case.id,
                         created_by_id=actor.id))
    session.add(CaseHtcds(case_id=case.id, updated_by_id=actor.id, **{
        "sexual_exploitation_types": list(dict.fromkeys(v.get("vic_TypeOfSexExploitation") or [])),
        "labour_industries": list(dict.fromkeys(v.get("vic_LabourIndustry") or [])),
        "recruitment_websites": list(dict.fromkeys(v.get("vic_RecruitmentWebsitesAndApps") or [])),
        "exploitation_websites": list(dict.fromkeys(v.get("vic_ExploitationWebsitesAndApps") or []))}))
    for kind in EVENT_TYPES:
        countries = v.get(f"hte_{kind}_Country") or []
        days = v.get(f"hte_{kind}_Date") or []
        towns = split_text(v.get(f"hte_{kind}_City") or "")
        for i, country in enumerate(countries):
            session.add(TraffickingEvent(case_id=case.id, event_type=kind, country=country.upper(),
                                         city=towns[i] if i < len(towns) else "", on=days[i] if i < len(days) else None,
                                         updated_by_id=actor.id))
    audit_record(session, actor, "case.import", case_id=case.id, entity="case", entity_id=case.id, detail={
        "code": case.code, "file": file_name, "by": actor.name, "row": row.number, "source_code": v.get("care_CaseCode") or "",
        "possible_duplicates": [s.code for s in similar]})
    result.created.append(case.code)
    if similar:
        result.possible_duplicates.append((row.number, case.code, tuple(s.code for s in similar)))


def cases_import(session: Session, actor: Actor, *, data: bytes, file_name: str, today: date,
                 programme_id: int | None = None, dry_run: bool = True) -> ImportResult:
    """Check (dry run) or import the cases of a file; on any error nothing is written."""
    if not actor.has(Role.COORDINATOR):
        raise NotPermitted(_("You are not permitted to do this."))
    result = ImportResult(file_name=file_name, dry_run=dry_run)
    try:
        sheet = read_sheet(data, file_name)
        programme = _programme_of(session, sheet, programme_id)
    except FileRefused as refused:
        result.errors.append(CellError(0, "", refused.message))
        audit_record(session, actor, "import.refused", detail={"file": file_name, "dry_run": dry_run})
        return result
    require_programme(actor, programme.id, Role.COORDINATOR)
    rows, errors = _check(session, actor, sheet, programme, today)
    result.rows, result.errors = len(rows), errors
    if not errors and not dry_run:
        for row in rows:
            _write(session, actor, programme, row, file_name, result)
        session.flush()
    audit_record(session, actor, "import.dry_run" if dry_run else "import.cases", entity="programme",
                 entity_id=programme.id, detail={"file": file_name, "rows": len(rows), "errors": len(errors),
                                                 "created": len(result.created)})
    return result
