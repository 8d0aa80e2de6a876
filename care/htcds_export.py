"""A programme's cases in HTCDS shape, for IOM, a national referral mechanism or a donor.

One row per case, the columns of `care.htcds.COLUMNS` (HTCDS field names and codes, ours
prefixed care_). The person's identity (names, phone, date of birth) is left out unless the
coordinator asks for it, and even then only for the people who consented to sharing and
have not withdrawn it (`access.identity_scope` and `access.sharing_consented`); the others
get their age at referral only. Every export is audited, and so is each identity it carries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from care import xlsx
from care.access import Actor, Role, case_scope, identity_scope, require_programme, sharing_consented
from care.audit import audit_record
from care.htcds import CLOSURE_TEXT, COLUMNS, OUTGOING_REASON, SEPARATOR, Column
from care.i18n import _
from care.intake import age_on
from care.programmes import programme_settings
from care.vocab import HTCDS_STATUS
from db.models import Case, CaseHtcds, Identity, Organisation, PartnerOrganisation, PartnerReferral, TraffickingEvent

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Export:
    data: bytes
    file_name: str
    cases: int
    with_identity: int


def age_at_referral(case: Case) -> int | None:
    if case.birth_date is not None:
        return age_on(case.birth_date, case.referral_date)
    return case.estimated_age


def _latest_sent_referrals(session: Session, case_ids: list[int]) -> dict[int, tuple[PartnerReferral, str]]:
    """The latest referral sent to a partner, per case, with the partner's name."""
    out: dict[int, tuple[PartnerReferral, str]] = {}
    rows = session.exec(
        select(PartnerReferral, PartnerOrganisation.name).join(
            PartnerOrganisation, PartnerOrganisation.id == PartnerReferral.partner_id)
        .where(col(PartnerReferral.case_id).in_(case_ids), col(PartnerReferral.sent_on).is_not(None))
        .order_by(PartnerReferral.sent_on, PartnerReferral.id)).all()
    for referral, name in rows:
        out[referral.case_id] = (referral, name)  # later rows replace earlier ones
    return out


def case_rows(session: Session, actor: Actor, *, programme_id: int, include_identity: bool = False
              ) -> tuple[list[dict], set[int]]:
    """The programme's cases as HTCDS rows (typed values), and the ids of those carrying identity."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    settings = programme_settings(session, programme_id)
    # Encrypted case columns are read through the ORM only; SQL filters on plain columns.
    cases = session.exec(select(Case).where(Case.programme_id == programme_id, case_scope(actor))
                         .order_by(Case.code)).all()
    ids = [c.id for c in cases]
    named: set[int] = set()
    identities: dict[int, Identity] = {}
    if include_identity and ids:
        named = set(session.exec(select(Case.id).where(
            Case.programme_id == programme_id, identity_scope(actor), sharing_consented())).all())
        identities = {i.case_id: i for i in session.exec(
            select(Identity).where(col(Identity.case_id).in_(named))).all()} if named else {}
    orgs = {o.id: o for o in session.exec(select(Organisation)).all()}
    extra = {h.case_id: h for h in session.exec(select(CaseHtcds).where(col(CaseHtcds.case_id).in_(ids))).all()}
    events: dict[int, list[TraffickingEvent]] = defaultdict(list)
    for e in session.exec(select(TraffickingEvent).where(col(TraffickingEvent.case_id).in_(ids))
                          .order_by(TraffickingEvent.case_id, TraffickingEvent.id)).all():
        events[e.case_id].append(e)
    referrals = _latest_sent_referrals(session, ids)
    rows = []
    for case in cases:
        org = orgs.get(case.organisation_id)
        h = extra.get(case.id)
        person = identities.get(case.id)
        row: dict = {
            "care_Programme": settings.code, "care_CaseCode": case.code,
            "cas_Status": HTCDS_STATUS.get(case.stage, "Active"), "care_HostCountry": case.host_country,
            "cas_IncomingReferralDate": case.referral_date, "care_IdentifiedBy": case.identified_by,
            "cas_ReferringOrganisation": org.name if org else None, "org_Type": org.org_type if org else None,
            "prs_FirstName": person.given_names if person else None,
            "prs_SecondName": person.family_names if person else None,
            "prs_MobilePhone": (person.phone or None) if person else None,
            "prs_Birthdate": case.birth_date if person else None,
            "care_AgeAtReferral": age_at_referral(case), "prs_Gender": case.sex,
            "prs_Nationality": case.nationality, "care_Languages": list(case.languages or []),
            "vic_AgreementToManagePersonalData": case.consent_processing_on is not None,
            "care_ConsentDate": case.consent_processing_on, "care_ConsentMethod": case.consent_method or None,
            "care_ConsentLanguage": case.consent_language or None,
            "care_ConsentInterpreter": bool(case.consent_interpreter),
            "care_ConsentFollowUp": bool(case.consent_followup), "care_ConsentSharing": bool(case.consent_sharing),
            "care_ExploitationForms": list(case.exploitation_forms or []),
            "vic_TypeOfLabourExploitation": case.labour_sector,
            "vic_LabourIndustry": list(h.labour_industries) if h else [],
            "vic_TypeOfSexExploitation": list(h.sexual_exploitation_types) if h else [],
            "vic_MethodsOfControl": list(case.control_methods or []),
            "vic_MethodOfRecruitment": case.recruitment_method,
            "vic_Vulnerabilities": list(case.vulnerabilities or []),
            "vic_RecruitmentWebsitesAndApps": list(h.recruitment_websites) if h else [],
            "vic_ExploitationWebsitesAndApps": list(h.exploitation_websites) if h else [],
            "care_ReturnCountry": case.return_country, "care_ReturnRegion": case.return_region or None,
            "cas_ReasonForCaseClosure": CLOSURE_TEXT.get(case.closing_reason or "") or None,
            "care_ClosedOn": case.closed_on,
        }
        for kind in ("Recruitment", "Transit", "Exploitation"):
            mine = [e for e in events.get(case.id, []) if e.event_type == kind]
            row[f"hte_{kind}_Country"] = [e.country for e in mine]
            row[f"hte_{kind}_City"] = SEPARATOR.join(e.city for e in mine) if mine else None
            row[f"hte_{kind}_Date"] = [e.on for e in mine]
        sent = referrals.get(case.id)
        if sent:
            referral, partner = sent
            row |= {"cas_ReferredOrganisation": partner, "cas_OutgoingReferralDate": referral.sent_on,
                    "cas_ReasonForOutgoingReferral": OUTGOING_REASON,
                    "cas_OutgoingReferralDetails": list(referral.purposes or [])}
        rows.append(row)
    return rows, set(identities)


def columns_for(include_identity: bool) -> list[Column]:
    return [c for c in COLUMNS if include_identity or not c.identity]


def cell(column: Column, value):
    """A typed value as it goes into a cell: lists joined, a single event date kept a date."""
    if isinstance(value, list):
        if column.kind == "dates":
            if len(value) == 1:
                return value[0]
            return SEPARATOR.join(d.isoformat() if d else "" for d in value) or None
        return SEPARATOR.join(value) or None
    return value


def render(rows: list[dict], columns: list[Column], fmt: str, headings: list[str] | None = None) -> bytes:
    table = [[cell(c, r.get(c.name)) for c in columns] for r in rows]
    names = headings or [c.name for c in columns]
    if fmt == "csv":
        return xlsx.csv_bytes([names, *table])
    wb = xlsx.new_workbook()
    formats = {i: xlsx.DATE_FORMAT for i, c in enumerate(columns, 1) if c.kind in ("date", "dates")}
    xlsx.table_sheet(wb, "Cases", names, table, formats)
    return xlsx.workbook_bytes(wb)


def htcds_export(session: Session, actor: Actor, *, programme_id: int, fmt: str, include_identity: bool = False,
                 today: date) -> Export:
    """The programme's cases as an HTCDS file (csv or xlsx); audited, each identity included too."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows, named = case_rows(session, actor, programme_id=programme_id, include_identity=include_identity)
    data = render(rows, columns_for(include_identity), fmt)
    code = programme_settings(session, programme_id).code
    audit_record(session, actor, "export.htcds", entity="programme", entity_id=programme_id, detail={
        "format": fmt, "cases": len(rows), "identity_asked": include_identity, "with_identity": len(named)})
    for case_id in sorted(named):
        audit_record(session, actor, "export.htcds_identity", case_id=case_id, entity="identity", entity_id=case_id)
    return Export(data, f"htcds-{code}-{today.isoformat()}.{fmt}", len(rows), len(named))


def deidentified_extract(session: Session, actor: Actor, *, programme_id: int, today: date) -> Export:
    """The coordinators' case-level workbook: one row per case, headings in the user's language,
    no identity, no case code and no free text; audited."""
    rows, _named = case_rows(session, actor, programme_id=programme_id, include_identity=False)
    columns = [c for c in COLUMNS if not c.identity and not c.free_text]
    data = render(rows, columns, "xlsx", headings=[_(c.label) for c in columns])
    code = programme_settings(session, programme_id).code
    audit_record(session, actor, "export.case_extract", entity="programme", entity_id=programme_id,
                 detail={"cases": len(rows)})
    return Export(data, f"cases-{code}-{today.isoformat()}.xlsx", len(rows), 0)
