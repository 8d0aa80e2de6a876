"""The plan to sign shows the Annex-3 parts: the summary per dimension, "referral needed?", the
items under their line, the expected improvement, and the baseline scores (or that there is none)."""

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from care import plans
from care.i18n import use_language
from care.pdf.plan import plan_pdf
from care.plan_annex3 import ItemInput
from care.plan_views import BaselineScores, plan_export
from db.models import PartnerService
from tests.factories import make_actor, make_partner
from tests.factories_plan import assessed_case, draft_plan, line

BASELINE = BaselineScores(dimensions={"economic": 0.4125, "social": 0.6, "psychosocial": None}, composite=0.51,
                          weights="Equal weights (programme default)", weights_version=2, partial=True,
                          taken_on=date(2014, 5, 20))


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def export(session):
    coord = make_actor(session, "coordinator")
    org = make_partner(session, name="Edo Counselling Centre", country="NG", services=("counselling",))
    service = session.exec(select(PartnerService.id).where(PartnerService.partner_id == org.id)).one()
    case = assessed_case(session, coord, given="Grace", family="Okafor", ret="NG")
    plan = draft_plan(session, coord, case, [
        replace(line("income_generating", "500", description="Start-up kit: tailoring workshop"), items=(
            ItemInput("equipment", "Sewing machine and iron", "350"), ItemInput("goods", "Fabric and thread", "150"))),
        replace(line("counselling", "200", description="Counselling sessions"), referral_needed=True,
                referral_service_id=service),
    ])
    plans.plan_dimensions_edit(session, coord, plan_id=plan.id, expected_version=plan.version, dimensions={
        "economic": plans.DimensionInput("A tailoring workshop at home", "A regular income within six months"),
        "social": plans.DimensionInput("", "Safe housing"),
        "psychosocial": plans.DimensionInput("Counselling with a partner", "Sleeps better, less isolated")})
    return plan_export(session, coord, case_id=case.id)


def test_the_pdf_shows_the_summary_items_referral_and_improvement(export):
    text = _text(plan_pdf(export))
    expected = ["Summary of the plan", "Economic", "A tailoring workshop at home", "Counselling with a partner",
                "Referral needed: No", "Referral needed: Yes: Edo Counselling Centre · Individual or family counselling",
                "Goods, equipment and services (estimated costs)", "Equipment", "Sewing machine and iron", "€350.00",
                "Goods", "Fabric and thread", "€150.00", "Total of the line", "€500.00",
                "Expected improvement and baseline scores", "A regular income within six months", "Safe housing",
                "Sleeps better, less isolated", "No baseline survey recorded yet."]
    missing = [e for e in expected if e not in text]
    assert not missing, text


def test_the_baseline_block_prints_the_scores_their_weights_and_that_the_survey_is_partial(export):
    text = _text(plan_pdf(replace(export, baseline=BASELINE)))
    expected = ["Baseline score (0 to 1)", "0.41", "0.60", "Composite", "0.51",
                "computed with the weights “Equal weights (programme default)” (version 2)",
                "sustainability survey of May 20, 2014",
                "The survey is incomplete: the scores are computed from the questions answered only."]
    missing = [e for e in expected if e not in text]
    assert not missing, text
    assert "No baseline survey recorded yet" not in text


def test_in_french(export):
    with use_language("fr"):
        text = _text(plan_pdf(replace(export, baseline=BASELINE)))
    for expected in ("0,41", "0,60", "350,00 €", "Composite"):
        assert expected in text, text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_pdf_renders_to_images(export, tmp_path):
    """Rendered as the reviewer looked at it (pdftoppm): every page turns into an image."""
    path = tmp_path / "irp.pdf"
    path.write_bytes(plan_pdf(replace(export, baseline=BASELINE)))
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(str(path)).pages) >= 1
    assert all(p.stat().st_size > 5000 for p in pages)
