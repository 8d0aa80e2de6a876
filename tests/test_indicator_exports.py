"""The exports: the PDF report and the CSV tables, as a manager and as a coordinator.

Both are built from the same disclosed report as the page, so small counts are hidden in
them for managers; both are audited.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlmodel import select

from care.export import indicators_csv
from care.pdf.indicators import indicators_pdf
from db.models import AuditEvent, TrainingModule
from tests.factories import make_actor
from tests.factories_indicators import PERIOD, TODAY, build_known_set


@pytest.fixture
def known(session):
    return build_known_set(session)


def export(build, session, actor, known, language="en") -> bytes:
    return build(session, actor, programme_id=known.programme_id, date_from=PERIOD[0], date_to=PERIOD[1],
                 today=TODAY, language=language)


def tables(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                for name in archive.namelist()}


def as_dict(rows: list[list[str]]) -> dict[str, list[str]]:
    return {r[0]: r[2:] for r in rows[1:]}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- CSV ----------------------------------------------------------------------------


def test_csv_holds_every_table_with_codes_and_plain_numbers(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    files = tables(export(indicators_csv, session, coord, known))
    assert list(files)[0] == "00_report.csv"
    assert len(files) == 25 and "06_people_by_exploitation.csv" in files
    about = dict(files["00_report.csv"])
    assert about["Period from"] == "2014-01-01" and about["Report date"] == "2015-01-15"
    assert about["Figures"] == "Exact"
    assert files["04_people_by_sex.csv"][0] == ["Code", "Sex", "People"]
    assert as_dict(files["04_people_by_sex.csv"]) == {
        "Male": ["2"], "Female": ["7"], "Transgender/NonConforming": ["0"], "Unknown": ["0"], "total": ["9"]}
    budget = files["12_budget_by_category.csv"]
    assert budget[0] == ["Code", "Category", "Planned (EUR)", "Approved (EUR)", "Paid (EUR)"]
    assert as_dict(budget)["total"] == ["10400.75", "9100.75", "2400.00"]
    assert as_dict(files["09_followups.csv"])["1"] == ["4", "3", "75.0", "0", "1"]


def test_csv_for_a_manager_hides_small_counts(session, known):
    manager = make_actor(session, "manager", programmes=("CARE",))
    files = tables(export(indicators_csv, session, manager, known))
    assert dict(files["00_report.csv"])["Figures"] == "Small counts hidden"
    assert as_dict(files["04_people_by_sex.csv"]) == {
        "Male": ["<5"], "Female": ["hidden"], "Transgender/NonConforming": ["0"], "Unknown": ["0"], "total": ["9"]}
    assert as_dict(files["18_referrals_by_outcome.csv"]) == {
        "case": ["<5"], "not_eligible": ["<5"], "declined": ["<5"], "no_consent": ["<5"], "pending": ["0"],
        "total": ["7"]}
    # Sums over fewer than 5 people are hidden, but they are not counts: "hidden", never "<5".
    assert as_dict(files["12_budget_by_category.csv"])["total"] == ["10400.75", "hidden", "hidden"]


def test_csv_in_french(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    files = tables(export(indicators_csv, session, coord, known, language="fr"))
    assert files["04_people_by_sex.csv"][0] == ["Code", "Sexe", "Personnes"]
    assert dict(files["00_report.csv"])["Chiffres"] == "Exacts"


def test_a_name_typed_as_a_formula_does_not_run_in_a_spreadsheet(session, known):
    module = session.exec(select(TrainingModule).order_by(TrainingModule.id)).first()
    module.name = "=HYPERLINK(\"http://example.org\")"
    session.add(module)
    session.flush()
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    rows = tables(export(indicators_csv, session, coord, known))["17_training_modules.csv"]
    assert rows[1][1].startswith("'=HYPERLINK")


# --- PDF ----------------------------------------------------------------------------


def test_pdf_report_has_programme_period_date_charts_and_tables(session, known):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    data = export(indicators_pdf, session, coord, known)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    for words in ("CARE: Coordinated Approach", "Cases referred from Jan 1, 2014 to Dec 31, 2014", "Jan 15, 2015",
                  "People assisted by sex", "Budget by category", "Referrals received and what became of them",
                  "€10,400.75"):
        assert words in text, words
    assert "<5" not in text.replace("<5 (a count", "")  # the rule's own words aside
    assert not any(page.images for page in reader.pages), "charts are drawn, not pasted as images"
    drawn = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert len(re.findall(rb" re f\b", drawn)) >= 14, "the charts' bars"
    assert "Months after return" in text and "Days" in text, "the charts' axes"


def test_pdf_for_a_manager_hides_small_counts(session, known):
    manager = make_actor(session, "manager", programmes=("CARE",))
    text = pdf_text(export(indicators_pdf, session, manager, known))
    assert "counts of fewer than 5 people are shown as <5" in text
    lines = text.splitlines()
    # The 7 women are hidden so that the 2 men cannot be worked out from the total: not "<5".
    assert "Male <5" in lines and "Female hidden" in lines
    # Child welfare is 5: hidden to protect the 1 in Justice, so it says "hidden", never "<5".
    assert "Justice <5" in lines and "Child welfare hidden" in lines and "Police 6" in lines
    assert "Declined by the person <5" in lines and "Referrals received 7" in lines
    assert not any(line in lines for line in ("Male 2", "Female 7", "Justice 1", "Declined by the person 2"))


def test_pdf_in_french(session, known):
    manager = make_actor(session, "manager", programmes=("CARE",))
    text = pdf_text(export(indicators_pdf, session, manager, known, language="fr"))
    assert "Personnes assistées par sexe" in text
    assert "Dossiers orientés du 1 janv. 2014 au 31 déc. 2014" in text


# --- audit --------------------------------------------------------------------------


@pytest.mark.parametrize(("build", "action"), [(indicators_pdf, "export.indicators_pdf"),
                                               (indicators_csv, "export.indicators_csv")])
@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_every_export_is_audited(session, known, build, action, role):
    actor = make_actor(session, role, programmes=("CARE",))
    export(build, session, actor, known, language="fr")
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
    assert (event.user_id, event.entity, event.entity_id) == (actor.id, "programme", str(known.programme_id))
    assert json.loads(event.detail) == {"date_from": "2014-01-01", "date_to": "2014-12-31", "language": "fr",
                                        "small_counts_hidden": role == "manager"}
