"""The case file's documents for the person and the intake's language fields, with AppTest."""

from __future__ import annotations

from sqlmodel import select

from db.engine import engine_for, session_scope
from db.models import Case, Plan
from tests.test_pages import errors
from tests.test_pages_intake import _button, db_url, open_page  # noqa: F401 (fixture)


def _case_with_plan(url: str, host: str, ret: str | None = None) -> tuple[int, str]:
    with session_scope(engine_for(url)) as s:
        stmt = select(Case).join(Plan, Plan.case_id == Case.id).where(Case.host_country == host)
        if ret:
            stmt = stmt.where(Case.return_country == ret)
        case = s.exec(stmt.order_by(Case.id)).first()
        case.preferred_languages = ["uk", "ru"]
        case.languages = ["uk", "ru"]
        case.interpreter_needed = True
        return case.id, case.code


def _downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_a_coordinator_gets_the_four_documents_in_the_persons_first_language(db_url):
    case_id, _code = _case_with_plan(db_url, "FR")
    at = open_page("coord", "case_file", case_id)
    assert not at.exception and not errors(at)
    assert at.selectbox(key=f"person_docs_language_{case_id}").value == "uk"
    assert "Informed consent" in _downloads(at) and "Information sheet" in _downloads(at)
    assert "Reintegration plan" in _downloads(at) and "Follow-up calendar card" in _downloads(at)
    assert any("needs an interpreter" in w.value for w in at.warning)
    assert any("Translation not yet reviewed by a native speaker (українська)" in c.value for c in at.caption)


def test_a_focal_point_of_the_return_country_is_told_who_prints(db_url):
    with session_scope(engine_for(db_url)) as s:
        case_id = s.exec(select(Case.id).where(Case.return_country == "NG", Case.consent_sharing.is_(True))
                         .order_by(Case.id)).first()
    at = open_page("fp.ng", "case_file", case_id)
    assert not at.exception
    assert any("printed by the coordinators and the focal points of the host country" in i.value for i in at.info)
    assert not any(label.startswith("Informed consent") for label in _downloads(at))


def test_preferred_languages_and_interpreter_are_corrected_in_the_case_file(db_url):
    with session_scope(engine_for(db_url)) as s:
        case_id = s.exec(select(Case.id).where(Case.host_country == "FR", Case.stage == "assessed")).first()
    at = open_page("coord", "case_file", case_id)
    form = f"case_edit_{case_id}_0"
    spoken = at.multiselect(key=f"{form}_languages").value
    at.multiselect(key=f"{form}_preferred_languages").set_value(["ka"])
    _button(at, "Save the corrections").click().run()
    assert "A preferred language must also be among the languages spoken." in errors(at)
    at.multiselect(key=f"{form}_languages").set_value([*spoken, "ka"])
    at.checkbox(key=f"{form}_interpreter_needed").check()
    _button(at, "Save the corrections").click().run()
    assert not at.exception and not errors(at), errors(at)
    with session_scope(engine_for(db_url)) as s:
        case = s.get(Case, case_id)
        assert case.preferred_languages == ["ka"] and case.interpreter_needed is True
