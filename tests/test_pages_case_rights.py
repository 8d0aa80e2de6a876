"""The case file's coordinator panels: moving a case, and the person's rights (on a copy of the demo data)."""

from __future__ import annotations

from sqlmodel import select

from db.engine import engine_for, session_scope
from db.models import AuditEvent, Case, Identity, Programme
from tests.test_pages import errors
from tests.test_pages_intake import _button, db_url, open_page  # noqa: F401


def _open_case(url, **where) -> int:
    with session_scope(engine_for(url)) as s:
        care = s.exec(select(Programme.id).where(Programme.code == "CARE")).one()
        stmt = select(Case.id).where(Case.programme_id == care, Case.stage == "assessed",
                                     Case.anonymised_at.is_(None), *[getattr(Case, k) == v for k, v in where.items()])
        return s.exec(stmt.order_by(Case.id)).first()


def test_a_coordinator_moves_a_case_to_another_return_country_after_confirming(db_url):  # noqa: F811
    case_id = _open_case(db_url, return_country="NG")
    at = open_page("coord", "case_file", case_id)
    assert not at.exception
    at.radio(key=f"move_kind_{case_id}").set_value("return").run()
    with session_scope(engine_for(db_url)) as s:
        version = s.get(Case, case_id).version
    form = f"move_return_{case_id}"
    at.selectbox(key=f"{form}_country").set_value("GH")
    at.text_input(key=f"{form}_region").input("Kumasi")
    _button(at, "Move the case").click().run()
    assert [w.value for w in at.warning] == ["Confirm this change:"]
    assert any("Move case" in t.value and "Ghana (Kumasi)" in t.value for t in at.text)
    _button(at, "Confirm").click().run()
    assert errors(at) == ["Say why the case is moved."]
    assert at.text_input(key=f"{form}_region").value == "Kumasi", "what was typed stays"
    at.text_area(key=f"{form}_reason").input("The person moved to her brother's town")
    _button(at, "Move the case").click().run()
    _button(at, "Cancel").click().run()
    with session_scope(engine_for(db_url)) as s:
        assert s.get(Case, case_id).return_country == "NG" and s.get(Case, case_id).version == version
    _button(at, "Move the case").click().run()
    _button(at, "Confirm").click().run()
    assert not errors(at) and "Case moved." in [m.value for m in at.success]
    with session_scope(engine_for(db_url)) as s:
        case = s.get(Case, case_id)
        assert (case.return_country, case.return_region) == ("GH", "Kumasi")
        assert s.exec(select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                      .order_by(AuditEvent.id.desc())).first() == "case.move_return"


def test_a_coordinator_downloads_the_persons_data_and_erases_it_after_confirming(db_url):  # noqa: F811
    case_id = _open_case(db_url, host_country="FR")
    at = open_page("coord", "case_file", case_id)
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"All their data (JSON)", "All their data (PDF)"} <= set(labels)
    form = f"erase_{case_id}"
    _button(at, "Erase…").click().run()
    _button(at, "Confirm").click().run()
    assert errors(at) == ["Say how the person asked (in person, by letter...) and what they asked for."]
    at.text_area(key=f"{form}_reason").input("Asked in person, all data")
    _button(at, "Erase…").click().run()
    assert any("This cannot be undone." in t.value for t in at.text)
    _button(at, "Confirm").click().run()
    assert not errors(at) and "The person's data was erased." in [m.value for m in at.success]
    with session_scope(engine_for(db_url)) as s:
        case = s.get(Case, case_id)
        assert case.stage == "closed" and case.closing_reason == "withdrew_consent" and case.anonymised_at
        assert s.get(Identity, case_id).given_names == ""


def test_a_focal_point_has_neither_panel(db_url):  # noqa: F811
    case_id = _open_case(db_url, host_country="FR")
    at = open_page("fp.fr", "case_file", case_id)
    assert not at.exception
    assert "The person's rights" not in [t.label for t in at.tabs]
    assert not at.get("download_button") or all("their data" not in b.proto.label for b in at.get("download_button"))
    assert not [b for b in at.button if b.label in ("Move the case", "Erase…")]
