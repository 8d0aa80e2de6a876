"""HTCDS export: field names and codes, identity only when asked and consented, typed XLSX
cells, no formula, the command line, and the round trip export -> import -> same indicators."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import Session, SQLModel, select

from care import config
from care.__main__ import main
from care.bulk_import import cases_import
from care.errors import NotPermitted
from care.htcds_export import deidentified_extract, htcds_export
from care.i18n import use_language
from care.indicators import indicators_report
from db import engine as db_engine
from db.engine import make_engine
from db.models import AuditEvent, CaseHtcds, Organisation, PartnerOrganisation, PartnerReferral, TraffickingEvent
from seeds.reference import seed_reference
from tests.factories import make_actor, make_case, programme_id

TODAY = date(2026, 12, 6)


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def known(session):
    """One closed case with every HTCDS field this programme adds, two referrals to partners."""
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    org = Organisation(name="=HYPERLINK(\"http://evil.test\",\"Click\")", org_type="NGO", country="FR")
    session.add(org)
    session.flush()
    case = make_case(session, stage="closed", closing_reason="lost_contact", closed_on=date(2015, 2, 1),
                     organisation_id=org.id, exploitation_forms=["sexual", "labour"], labour_sector="Hospitality",
                     languages=["en"], control_methods=["DebtBondage", "Threats"], recruitment_method="JobOffer",
                     vulnerabilities=["Poverty"], return_region="Edo")
    session.add(CaseHtcds(case_id=case.id, sexual_exploitation_types=["Prostitution"],
                          labour_industries=["I_AccommodationAndFoodServiceActivities"],
                          recruitment_websites=["Facebook", "WhatsApp"], exploitation_websites=["Other"]))
    for kind, country, town, day in (("Recruitment", "NG", "Benin City", date(2012, 6, 1)),
                                     ("Transit", "NE", "Agadez", date(2012, 7, 1)),
                                     ("Transit", "LY", "Sabha", date(2012, 9, 1))):
        session.add(TraffickingEvent(case_id=case.id, event_type=kind, country=country, city=town, on=day))
    first = PartnerOrganisation(name="Shelter One (test)", country="NG", kind="shelter")
    second = PartnerOrganisation(name="Clinic Two (test)", country="NG", kind="health")
    session.add_all([first, second])
    session.flush()
    session.add_all([
        PartnerReferral(case_id=case.id, partner_id=first.id, state="declined", purposes=["shelter"],
                        sent_on=date(2014, 11, 1)),
        PartnerReferral(case_id=case.id, partner_id=second.id, state="sent", purposes=["reception", "medical"],
                        sent_on=date(2014, 12, 1)),
        PartnerReferral(case_id=case.id, partner_id=first.id, state="draft", purposes=["followups"]),
    ])
    session.flush()
    return coord, case


def test_the_csv_carries_htcds_field_names_and_codes(session, known):
    coord, case = known
    export = htcds_export(session, coord, programme_id=case.programme_id, fmt="csv", today=TODAY)
    [row] = _csv_rows(export.data)
    assert {k: row[k] for k in (
        "cas_Status", "prs_Gender", "prs_Nationality", "care_AgeAtReferral", "vic_TypeOfSexExploitation",
        "vic_LabourIndustry", "vic_TypeOfLabourExploitation", "vic_MethodsOfControl", "vic_MethodOfRecruitment",
        "vic_RecruitmentWebsitesAndApps", "vic_ExploitationWebsitesAndApps", "hte_Recruitment_Country",
        "hte_Recruitment_Date", "hte_Transit_Country", "hte_Transit_City", "hte_Transit_Date",
        "cas_ReferredOrganisation", "cas_OutgoingReferralDate", "cas_ReasonForOutgoingReferral",
        "cas_OutgoingReferralDetails", "cas_ReasonForCaseClosure", "vic_AgreementToManagePersonalData",
    )} == {
        "cas_Status": "Closed", "prs_Gender": "Female", "prs_Nationality": "NG", "care_AgeAtReferral": "19",
        "vic_TypeOfSexExploitation": "Prostitution", "vic_LabourIndustry": "I_AccommodationAndFoodServiceActivities",
        "vic_TypeOfLabourExploitation": "Hospitality", "vic_MethodsOfControl": "DebtBondage; Threats",
        "vic_MethodOfRecruitment": "JobOffer", "vic_RecruitmentWebsitesAndApps": "Facebook; WhatsApp",
        "vic_ExploitationWebsitesAndApps": "Other", "hte_Recruitment_Country": "NG",
        "hte_Recruitment_Date": "2012-06-01", "hte_Transit_Country": "NE; LY", "hte_Transit_City": "Agadez; Sabha",
        "hte_Transit_Date": "2012-07-01; 2012-09-01", "cas_ReferredOrganisation": "Clinic Two (test)",
        "cas_OutgoingReferralDate": "2014-12-01", "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
        "cas_OutgoingReferralDetails": "reception; medical",
        "cas_ReasonForCaseClosure": "Contact with the person was lost", "vic_AgreementToManagePersonalData": "true",
    }
    # A text a spreadsheet would run is written with an apostrophe before it.
    assert row["cas_ReferringOrganisation"] == "'=HYPERLINK(\"http://evil.test\",\"Click\")"
    assert not {"prs_FirstName", "prs_SecondName", "prs_MobilePhone", "prs_Birthdate"} & set(row)
    assert (export.cases, export.with_identity, export.file_name) == (1, 0, "htcds-CARE-2026-12-06.csv")


def test_identity_only_when_asked_and_only_with_consent_to_sharing(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    shared = make_case(session, given="Ada", family="Okoro")
    withdrawn = make_case(session, given="Bea", family="Nwosu", consent_sharing_withdrawn_on=date(2015, 1, 1))
    never = make_case(session, given="Chi", family="Eze", consent_sharing=False, consent_sharing_on=None)
    export = htcds_export(session, coord, programme_id=shared.programme_id, fmt="csv", include_identity=True,
                          today=TODAY)
    rows = {r["care_CaseCode"]: r for r in _csv_rows(export.data)}
    assert (rows[shared.code]["prs_FirstName"], rows[shared.code]["prs_SecondName"],
            rows[shared.code]["prs_Birthdate"]) == ("Ada", "Okoro", "1994-05-01")
    for other in (withdrawn, never):
        assert (rows[other.code]["prs_FirstName"], rows[other.code]["prs_Birthdate"]) == ("", "")
        assert rows[other.code]["care_AgeAtReferral"] == "19"
    audited = session.exec(select(AuditEvent.action, AuditEvent.case_id).where(
        AuditEvent.action.like("export.htcds%"))).all()
    assert sorted(audited, key=str) == sorted([("export.htcds", None), ("export.htcds_identity", shared.id)], key=str)


def test_focal_points_and_managers_do_not_export(session):
    make_case(session)
    for actor in (make_actor(session, "focal_point", countries=("FR",)), make_actor(session, "manager")):
        with pytest.raises(NotPermitted):
            htcds_export(session, actor, programme_id=programme_id(session), fmt="csv", today=TODAY)


def test_the_xlsx_cells_have_their_types_and_no_formula(session, known):
    coord, case = known
    export = htcds_export(session, coord, programme_id=case.programme_id, fmt="xlsx", today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(export.data))["Cases"]
    col = {c.value: c.column for c in ws[1]}
    cell = lambda name: ws.cell(row=2, column=col[name])  # noqa: E731
    assert cell("cas_IncomingReferralDate").value == datetime(2014, 3, 10)
    assert cell("cas_IncomingReferralDate").is_date
    assert (cell("care_AgeAtReferral").value, cell("care_AgeAtReferral").data_type) == (19, "n")
    assert (cell("vic_AgreementToManagePersonalData").value, cell("vic_AgreementToManagePersonalData").data_type) \
        == (True, "b")
    organisation = cell("cas_ReferringOrganisation")
    assert (organisation.value, organisation.data_type) == ("=HYPERLINK(\"http://evil.test\",\"Click\")", "s")
    assert cell("hte_Recruitment_Date").value == datetime(2012, 6, 1)  # one event: a date
    assert cell("hte_Transit_Date").value == "2012-07-01; 2012-09-01"  # two: their dates as text


def test_the_case_extract_has_headings_in_the_users_language_and_nothing_identifying(session, known):
    coord, case = known
    with use_language("fr"):
        export = deidentified_extract(session, coord, programme_id=case.programme_id, today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(export.data)).worksheets[0]
    headings = [c.value for c in ws[1]]
    assert "Nationalité" in headings and "Type d’exploitation sexuelle" in headings
    values = [c.value for c in ws[2]]
    for absent in ("Code du dossier", "Prénoms", "Région ou ville de retour", "Organisation qui oriente"):
        assert absent not in headings
    assert case.code not in values and "Edo" not in values and "Benin City" not in str(values)


def test_the_command_line_writes_the_htcds_file(monkeypatch, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    db_engine.engine_for.cache_clear()
    try:
        assert main(["init-db"]) == 0
        engine = make_engine(url)
        with Session(engine) as s:
            case = make_case(s, languages=["en"], exploitation_forms=["sexual"], return_region="Edo")
            case.identified_by = "self_referral"  # no referring organisation needed
            s.add(case)
            s.commit()
        engine.dispose()
        out = tmp_path / "care.xlsx"
        assert main(["export", "htcds", "--programme", "CARE", "--format", "xlsx", "--out", str(out)]) == 0
        assert "1 case(s) written" in capsys.readouterr().out
        ws = openpyxl.load_workbook(out)["Cases"]
        assert ws.max_row == 2 and ws.cell(row=1, column=1).value == "care_Programme"
        assert main(["import", str(out), "--dry-run"]) == 0
        assert "1 row(s) checked, no error" in capsys.readouterr().out
        as_csv = tmp_path / "care.csv"
        assert main(["export", "htcds", "--programme", "CARE", "--format", "csv", "--out", str(as_csv)]) == 0
        assert main(["import", str(as_csv), "--dry-run"]) == 0
        assert "1 row(s) checked, no error" in capsys.readouterr().out
        as_csv.write_text(as_csv.read_text(encoding="utf-8-sig").replace(",Female,", ",Woman,"), encoding="utf-8")
        assert main(["import", str(as_csv)]) == 1
        assert "row 2, column prs_Gender: Choose the person's sex." in capsys.readouterr().err
    finally:
        config.settings.cache_clear()
        db_engine.engine_for.cache_clear()


def _people_tables(session: Session, actor, pid: int):
    report = indicators_report(session, actor, programme_id=pid, today=TODAY)
    return {t.key: [(r.key, [c.value for c in r.cells]) for r in t.rows] for t in report.tables if t.topic == "people"}


def test_round_trip_export_import_gives_the_same_indicators(demo_db_url):
    """The demo's CARE programme, exported as HTCDS, imported into an empty database: the people
    assisted (target, host and return countries, sex, age groups, forms of exploitation) match."""
    demo = make_engine(demo_db_url)
    with Session(demo) as s:
        from care.users import actor_load

        coord = actor_load(s, "coord")
        pid = programme_id(s, "CARE")
        export = htcds_export(s, coord, programme_id=pid, fmt="xlsx", today=date.today())
        before = _people_tables(s, coord, pid)
        s.rollback()  # the shared demo database keeps no trace of this test
    demo.dispose()
    empty = make_engine("sqlite://")
    SQLModel.metadata.create_all(empty)
    with Session(empty) as s:
        seed_reference(s)
        s.commit()
        importer = make_actor(s, "coordinator", programmes=("CARE",))
        result = cases_import(s, importer, data=export.data, file_name="care.xlsx", today=date.today(),
                              dry_run=False)
        assert result.errors == [] and len(result.created) == export.cases == 130
        s.commit()
        after = _people_tables(s, importer, programme_id(s, "CARE"))
    empty.dispose()
    assert set(before) == {"people_target", "people_by_host", "people_by_return", "people_by_sex", "people_by_age",
                           "people_by_exploitation"}
    assert after == before
