"""The plan page: a line's provider picked from the partner directory (on a copy of the demo data)."""

from __future__ import annotations

from sqlmodel import col, select

from db.engine import engine_for, session_scope
from db.models import Case, PartnerOrganisation, PartnerService, Plan, PlanLine
from tests.test_pages import errors
from tests.test_pages_plan import _button, _input, _open, plan_db_url  # noqa: F401


def _case_with_partners(url: str) -> tuple[str, int, str]:
    """A demo case at "assessed" with no plan, returning where an active partner offers a service."""
    with session_scope(engine_for(url)) as s:
        offering = select(PartnerService.partner_id).where(PartnerService.active == True)  # noqa: E712
        partners = s.exec(select(PartnerOrganisation).where(PartnerOrganisation.active == True,  # noqa: E712
                                                            col(PartnerOrganisation.id).in_(offering))).all()
        countries = {p.country: p for p in partners}
        planned = select(Plan.case_id)
        case = s.exec(select(Case).where(Case.stage == "assessed",
                                         col(Case.return_country).in_(list(countries)),
                                         col(Case.id).not_in(planned)).order_by(Case.id)).first()
        partner = countries[case.return_country]
        return case.code, partner.id, partner.name


def test_a_line_names_its_provider_from_the_directory(plan_db_url):  # noqa: F811
    code, partner_id, name = _case_with_partners(plan_db_url)
    at = _open("coord", code)
    _button(at, "Start the plan").click().run()
    (picker,) = [w for w in at.selectbox if w.label == "Provider from the partner directory"]
    assert picker.options[0] == "Other (type the name)"
    assert any(o.startswith(name + " · ") for o in picker.options)
    picker.set_value(partner_id)
    (description,) = [w for w in at.text_area if w.label == "What it pays for"]
    description.input("Shelter for the first month")
    _input(at, "Amount").input("300")
    _button(at, "Add the line").click().run()
    assert not errors(at), errors(at)
    table = next(d.value for d in at.dataframe if "Provider" in d.value.columns)
    assert list(table["Provider"]) == [name]
    with session_scope(engine_for(plan_db_url)) as s:
        case = s.exec(select(Case).where(Case.code == code)).one()
        (line,) = s.exec(select(PlanLine).join(Plan).where(Plan.case_id == case.id)).all()
        assert (line.partner_id, line.provider) == (partner_id, "")
