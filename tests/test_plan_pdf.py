"""The plan to be signed: it reads back its lines and totals, in English and in French, names in any script."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from care.errors import NotPermitted
from care.i18n import use_language
from care.pdf.plan import plan_pdf
from care.plan_views import plan_export
from db.models import AuditEvent, Organisation
from tests.factories import make_actor
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())  # cells wrap: compare words


@pytest.fixture
def case_with_plan(session):
    author, approver = make_actor(session, "coordinator", name="Claire Test"), make_actor(session, "coordinator",
                                                                                         name="Marc Test")
    org = Organisation(name="Association Le Phare (test)", org_type="NGO", country="FR")
    session.add(org)
    session.flush()
    case = assessed_case(session, author, given="Олена", family="Коваленко", ret="UA", organisation_id=org.id)
    approved_plan(session, author, approver, case, [
        line("income_generating", "150000", currency="NGN", rate="0.0046", description="Sewing machines and fabric",
             need_area="employment"),
        line("cash_basic_needs", "250.50", description="Cash for the first weeks"),
    ])
    return case, author


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Individual reintegration plan (IRP)", "Олена Коваленко", "Ukraine", "Association Le Phare (test)",
            "Sewing machines and fabric", "NGN150,000.00", "0.0046", "€690.00", "Cash for the first weeks",
            "€250.50", "Total", "€940.50", "Economic", "€2,500.00", "Approved on", "Marc Test",
            "The person", "IOM office", "Referring organisation", "Signature", "Date and place"]),
    ("fr", ["Plan individuel de réinsertion (PIR)", "Олена Коваленко", "Ukraine", "Sewing machines and fabric",
            "150 000,00 NGN", "0,0046", "690,00 €", "250,50 €", "Total", "940,50 €", "Économique", "2 500,00 €",
            "Approuvé le", "La personne", "Bureau de l'OIM", "Organisation référente", "Signature"]),
])
def test_the_pdf_reads_back_its_lines_and_totals(session, case_with_plan, lang, expected):
    case, author = case_with_plan
    with use_language(lang):
        pdf = plan_pdf(plan_export(session, author, case_id=case.id))
    text = _text(pdf)
    assert pdf.startswith(b"%PDF")
    missing = [e for e in expected if e not in text]
    assert not missing, text
    assert case.code in text


def test_the_export_is_audited_and_needs_the_right_to_see_the_name(session, case_with_plan):
    case, author = case_with_plan
    with use_language("fr"):
        plan_export(session, author, case_id=case.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "export.plan_pdf")).one()
    assert event.case_id == case.id and event.user_id == author.id and '"language": "fr"' in event.detail
    focal_point = make_actor(session, "focal_point", countries=("FR",))
    with pytest.raises(NotPermitted):
        plan_export(session, focal_point, case_id=case.id)
    outsider = make_actor(session, "coordinator", programmes=("TACT",))
    with pytest.raises(NotPermitted, match="No such case"):
        plan_export(session, outsider, case_id=case.id)


@pytest.mark.parametrize(("given", "family"), [("أمينة", "حداد"), ("सीता", "थापा"), ("丽", "王")])
def test_names_in_other_scripts_print(session, given, family):
    author = make_actor(session, "coordinator")
    case = assessed_case(session, author, given=given, family=family)
    draft_plan(session, author, case, [line()])
    text = _text(plan_pdf(plan_export(session, author, case_id=case.id)))
    assert "Not approved yet" in text
    if given == "丽":
        assert "丽 王" in text
