"""Drafts on the pages: a checklist typed and left is offered again; discarding asks first (AppTest)."""

from __future__ import annotations

from sqlmodel import select

from db.engine import session_scope
from db.models import Draft
from tests.test_pages import errors, signed_in
from tests.test_pages_journey import _button, _by_key, _new_case, db  # noqa: F401  (db is a fixture)


def _open(code: str):
    at = signed_in("../pages/journey.py", "fp.es")
    at.run()
    at.text_input(key="journey_code").input(code).run()
    return at


def _drafts(db, case_id: int) -> list[Draft]:
    with session_scope(db) as s:
        return list(s.exec(select(Draft).where(Draft.case_id == case_id)).all())


def test_a_checklist_left_unsaved_is_offered_again_then_resumed_or_discarded(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = _open(code)
    _by_key(at.text_input, "_travel_document_note").input("Passport at the embassy, ready Friday").run()
    assert not errors(at)
    assert [d.form for d in _drafts(db, case_id)] == ["checklist_departure"]

    at = _open(code)  # another session: the tab was closed
    assert any(i.value.startswith("Draft from ") and i.value.endswith(", not yet logged.") for i in at.info)
    assert not [w for w in at.text_input if str(w.key).endswith("_travel_document_note")], "offered first"
    _button(at, "Resume the draft").click().run()
    assert _by_key(at.text_input, "_travel_document_note").value == "Passport at the embassy, ready Friday"

    at = _open(code)
    _button(at, "Discard the draft").click().run()
    assert any(w.value == "Discard the draft? What it holds is lost." for w in at.warning)
    assert len(_drafts(db, case_id)) == 1, "nothing is discarded before the confirmation"
    _button(at, "Keep it").click().run()
    _button(at, "Discard the draft").click().run()
    _button(at, "Yes, discard it").click().run()
    assert _drafts(db, case_id) == []
    assert _by_key(at.text_input, "_travel_document_note").value == ""


def test_saving_the_checklist_drops_its_draft(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = _open(code)
    _by_key(at.text_input, "_travel_document_note").input("Passport requested").run()
    assert len(_drafts(db, case_id)) == 1
    _button(at, "Save the checklist").click().run()
    assert not errors(at) and "Saved." in [s.value for s in at.success]
    assert _drafts(db, case_id) == []
