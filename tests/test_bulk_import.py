"""Bulk import: a valid file imports all its cases in one go (identity encrypted, duplicates
flagged, the timeline says who imported which file); a file with errors in ten different
ways gets each its message at its row and column, and nothing is written."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import func, select

from care.bulk_import import cases_import
from care.casefile import timeline
from care.errors import NotPermitted
from care.identity import identity_read
from care.import_template import import_template, template_columns
from db.models import AuditEvent, Case, CaseHtcds, Identity, Organisation, Referral, TraffickingEvent
from tests.factories import make_actor

TODAY = date(2026, 12, 6)
ROW = {
    "care_Programme": "CARE", "care_CaseCode": "OLD-1", "cas_Status": "Active", "care_HostCountry": "FR",
    "cas_IncomingReferralDate": "2014-03-10", "care_IdentifiedBy": "ngo",
    "cas_ReferringOrganisation": "Amicale Test", "org_Type": "NGO", "prs_FirstName": "Ada",
    "prs_SecondName": "Okoro", "prs_Birthdate": "1994-05-01", "prs_Gender": "Female", "prs_Nationality": "NG",
    "care_Languages": "en; yo", "vic_AgreementToManagePersonalData": "yes", "care_ConsentDate": "2014-03-10",
    "care_ConsentMethod": "written", "care_ConsentLanguage": "en", "care_ConsentSharing": "yes",
    "care_ExploitationForms": "sexual", "vic_TypeOfSexExploitation": "Prostitution",
    "vic_RecruitmentWebsitesAndApps": "Facebook; WhatsApp", "hte_Recruitment_Country": "NG",
    "hte_Recruitment_City": "Benin City", "hte_Recruitment_Date": "2013-01-15",
    "hte_Transit_Country": "NE; LY", "hte_Transit_City": "Agadez; Sabha", "hte_Transit_Date": "2013-02-01; 2013-04-20",
    "care_ReturnCountry": "NG", "care_ReturnRegion": "Edo",
}
CLOSED = ROW | {"care_CaseCode": "OLD-2", "prs_FirstName": "Blessing", "prs_SecondName": "Edo",
                "prs_Birthdate": "1990-01-02", "cas_Status": "Closed",
                "cas_ReasonForCaseClosure": "Contact with the person was lost", "care_ClosedOn": "2015-02-01",
                "care_Languages": "en"}


def csv_file(rows: list[dict], encoding: str = "utf-8") -> bytes:
    headings = list(dict.fromkeys(h for r in rows for h in r))
    lines = [",".join(headings)] + [",".join('"' + str(r.get(h, "")).replace('"', '""') + '"' for h in headings)
                                    for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_file(headings: list[str], rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headings)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def written(session) -> dict[str, int]:
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one()
            for t in (Case, Identity, Referral, CaseHtcds, TraffickingEvent)}


NOTHING = {"Case": 0, "Identity": 0, "Referral": 0, "CaseHtcds": 0, "TraffickingEvent": 0}


def test_a_valid_file_imports_every_case_with_its_htcds_fields_and_encrypted_identity(session):
    coord = make_actor(session, "coordinator", name="Clara Coordinator")
    result = cases_import(session, coord, data=csv_file([ROW, CLOSED]), file_name="history.csv", today=TODAY,
                          dry_run=False)
    assert result.errors == [] and result.created == ["CARE-FR-2014-0001", "CARE-FR-2014-0002"]
    first, second = (session.exec(select(Case).where(Case.code == c)).one() for c in result.created)
    assert (first.stage, first.nationality, first.languages, first.consent_sharing) == ("referred", "NG", ["en", "yo"], True)
    assert (second.stage, second.closing_reason, second.closed_on) == ("closed", "lost_contact", date(2015, 2, 1))
    extra = session.get(CaseHtcds, first.id)
    assert extra.sexual_exploitation_types == ["Prostitution"]
    assert extra.recruitment_websites == ["Facebook", "WhatsApp"]
    events = session.exec(select(TraffickingEvent).where(TraffickingEvent.case_id == first.id)
                          .order_by(TraffickingEvent.id)).all()
    assert [(e.event_type, e.country, e.city, e.on) for e in events] == [
        ("Recruitment", "NG", "Benin City", date(2013, 1, 15)), ("Transit", "NE", "Agadez", date(2013, 2, 1)),
        ("Transit", "LY", "Sabha", date(2013, 4, 20))]
    org = session.get(Organisation, first.organisation_id)
    assert (org.name, org.org_type, org.country) == ("Amicale Test", "NGO", "FR")
    session.commit()
    assert identity_read(session, coord, first.id).given_names == "Ada"
    raw = session.exec(text("SELECT given_names FROM identity WHERE case_id = :id").bindparams(id=first.id)).one()[0]
    assert "Ada" not in raw  # encrypted at rest, as at intake
    entries = timeline(session, coord, first.id)
    assert any(e.what == "Case imported" and e.detail == "Imported from history.csv by Clara Coordinator"
               for e in entries), entries
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.action.like("import.%"))).all()
    assert actions == ["import.cases"]


def test_importing_the_same_people_again_flags_them_as_possible_duplicates(session):
    coord = make_actor(session, "coordinator")
    cases_import(session, coord, data=csv_file([ROW]), file_name="a.csv", today=TODAY, dry_run=False)
    again = cases_import(session, coord, data=csv_file([ROW | {"care_CaseCode": "OLD-9"}]), file_name="b.csv",
                         today=TODAY, dry_run=False)
    assert again.possible_duplicates == [(2, "CARE-FR-2014-0002", ("CARE-FR-2014-0001",))]


def test_a_dry_run_checks_and_writes_no_case(session):
    coord = make_actor(session, "coordinator")
    result = cases_import(session, coord, data=csv_file([ROW, CLOSED]), file_name="history.csv", today=TODAY)
    assert (result.ok, result.rows, result.created) == (True, 2, [])
    assert written(session) == NOTHING


def test_the_french_template_filled_in_imports(session):
    coord = make_actor(session, "coordinator")
    template = openpyxl.load_workbook(io.BytesIO(import_template("fr")))
    headings = [c.value for c in template.worksheets[0][1]]
    assert template.sheetnames == ["Dossiers", "Codes"]
    assert "Date d'orientation" in headings and "Type d’exploitation sexuelle" in headings
    codes = [(r[1], r[3]) for r in template["Codes"].iter_rows(min_row=2, values_only=True)]
    assert ("vic_TypeOfSexExploitation", "Prostitution") in codes
    by_label = dict(zip([c.name for c in template_columns()],
                        headings, strict=True))
    row = [ROW.get(name, "") for name in by_label]
    result = cases_import(session, coord, data=xlsx_file(headings, [row]), file_name="modele.xlsx", today=TODAY,
                          dry_run=False)
    assert result.errors == [] and len(result.created) == 1


def test_only_coordinators_import(session):
    fp = make_actor(session, "focal_point", countries=("FR",))
    with pytest.raises(NotPermitted):
        cases_import(session, fp, data=csv_file([ROW]), file_name="a.csv", today=TODAY, dry_run=False)


def _many() -> bytes:
    return csv_file([ROW | {"care_CaseCode": f"OLD-{n}"} for n in range(10_000)])


def _latin1() -> bytes:
    return csv_file([ROW | {"care_ReturnRegion": "Région d'Edo"}], encoding="latin-1")


def _empty_sheet() -> bytes:
    return xlsx_file(list(ROW), [])


ERRORS = [
    ("wrong date", lambda: csv_file([ROW | {"cas_IncomingReferralDate": "31/02/2014"}]),
     2, "cas_IncomingReferralDate", '"31/02/2014" is not a date: write it as YYYY-MM-DD.'),
    ("unknown country code", lambda: csv_file([ROW | {"prs_Nationality": "XX"}]),
     2, "prs_Nationality", 'Unknown country code "XX": use ISO 3166 two-letter codes.'),
    ("EU return country", lambda: csv_file([ROW | {"care_ReturnCountry": "PL"}]),
     2, "care_ReturnCountry", "Poland is a member of the European Union: the programme assists returns to "
                              "countries outside the EU only."),
    ("missing consent", lambda: csv_file([ROW | {"vic_AgreementToManagePersonalData": "no"}]),
     2, "vic_AgreementToManagePersonalData", "A case is imported only with the person's consent to the processing "
                                             "of their data (write yes)."),
    ("duplicate", lambda: csv_file([ROW, ROW | {"prs_FirstName": "Other"}]),
     3, "care_CaseCode", "This row repeats the case of row 2: import each case once."),
    ("formula in a cell", lambda: csv_file([ROW | {"cas_ReferringOrganisation": '=HYPERLINK("http://x.test","a")'}]),
     2, "cas_ReferringOrganisation", "A cell may not hold a formula or start with =, @, a tab or a line break."),
    ("10,000 rows", _many, 0, "", "The file has 10000 rows of cases; import at most 5000 at a time (split the file)."),
    ("wrong encoding", _latin1, 0, "", 'The file is not UTF-8 text. Save it as "CSV UTF-8" (or as an Excel workbook) '
                                       "and import it again."),
    ("empty sheet", _empty_sheet, 0, "", "The sheet has headings but no cases."),
    ("extra columns", lambda: csv_file([ROW | {"Favourite colour": "blue"}]),
     0, "", "Unknown columns: Favourite colour. Use the template's headings or the HTCDS field names, or remove "
            "these columns."),
]


@pytest.mark.parametrize(("why", "build", "row", "column", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_a_file_with_an_error_gets_its_message_and_nothing_is_written(session, why, build, row, column, message):
    coord = make_actor(session, "coordinator")
    result = cases_import(session, coord, data=build(), file_name="bad.csv", today=TODAY, dry_run=False)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(row, column, message)]
    assert result.created == []
    assert written(session) == NOTHING


def test_every_error_of_a_file_is_listed_by_row_and_column(session):
    coord = make_actor(session, "coordinator")
    rows = [ROW | {"prs_Gender": "F"}, ROW | {"care_CaseCode": "OLD-2", "prs_FirstName": "Bo",
                                             "care_ConsentDate": "2030-01-01", "vic_LabourIndustry": "Z_Nothing"}]
    result = cases_import(session, coord, data=csv_file(rows), file_name="bad.csv", today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "prs_Gender"), (3, "care_ConsentDate"), (3, "vic_LabourIndustry")]


def test_two_rows_alike_by_name_and_birth_date_are_imported_and_flagged(session):
    coord = make_actor(session, "coordinator")
    twin = ROW | {"care_CaseCode": "OLD-7", "care_ReturnRegion": "Lagos"}
    result = cases_import(session, coord, data=csv_file([ROW, twin]), file_name="a.csv", today=TODAY, dry_run=False)
    assert result.errors == []
    assert result.possible_duplicates == [(3, "CARE-FR-2014-0002", ("CARE-FR-2014-0001",))]


def test_a_row_given_twice_without_a_case_code_is_refused(session):
    coord = make_actor(session, "coordinator")
    row = {k: v for k, v in ROW.items() if k != "care_CaseCode"}
    result = cases_import(session, coord, data=csv_file([row, row]), file_name="a.csv", today=TODAY, dry_run=False)
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "This row repeats the case of row 2: import each case once.")]
    assert written(session) == NOTHING


def test_a_csv_with_semicolons_between_cells_is_read_too(session):
    coord = make_actor(session, "coordinator")
    headings = list(ROW)
    data = (";".join(headings) + "\r\n" + ";".join('"' + ROW[h] + '"' for h in headings) + "\r\n").encode("utf-8")
    result = cases_import(session, coord, data=data, file_name="excel-fr.csv", today=TODAY)
    assert (result.errors, result.rows) == ([], 1)
