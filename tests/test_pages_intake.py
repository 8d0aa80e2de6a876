"""The intake, cases and case file pages, driven headless with AppTest on a copy of the demo data."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

import pytest
from sqlmodel import select

from care import config
from care.identity import name_index
from db.engine import engine_for, session_scope
from db.models import AuditEvent, Case, Identity
from streamlit.testing.v1 import AppTest

from tests.test_pages import errors, signed_in
from tests.demo_copy import demo_source

HTML_NAME = "<script>alert('x')</script>"
SQL_NAME = "Robert'); DROP TABLE care_case;--"


@pytest.fixture
def db_url(demo_db_url, tmp_path):
    """A private copy of the demo database: these tests save cases."""
    source = sqlite3.connect(demo_source(demo_db_url))
    target = sqlite3.connect(tmp_path / "care.db")
    source.backup(target)
    source.close()
    target.close()
    url = f"sqlite:///{tmp_path / 'care.db'}"
    os.environ["DATABASE_URL"] = url
    config.settings.cache_clear()
    yield url
    os.environ["DATABASE_URL"] = demo_db_url
    config.settings.cache_clear()
    engine_for(url).dispose()


def open_page(username: str, page: str, case_id: int | None = None) -> AppTest:
    """Signed in, through the entrypoint's navigation (links between pages need it)."""
    at = signed_in("../Home.py", username)
    at.run()
    at.switch_page(f"pages/{page}.py")
    if case_id is not None:
        at.query_params["case"] = str(case_id)
    at.run()
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _fill_intake(at, *, given: str, family: str, region: str = "Benin City") -> None:
    """A referral to the Swiss programme (the first offered), returning to Nigeria."""
    f = "intake_0"
    at.selectbox(key=f"{f}_return_country").set_value("NG").run()
    at.selectbox(key=f"{f}_organisation").set_value(at.selectbox(key=f"{f}_organisation").options[0])
    at.selectbox(key=f"{f}_identified_by").set_value("ngo")
    at.selectbox(key=f"{f}_sex").set_value("Female")
    at.date_input(key=f"{f}_birth_date").set_value(date(1995, 7, 14))
    at.selectbox(key=f"{f}_nationality").set_value("NG")
    at.multiselect(key=f"{f}_languages").set_value(["en", "yo"])
    at.multiselect(key=f"{f}_exploitation_forms").set_value(["sexual"])
    at.text_input(key=f"{f}_return_region").input(region)
    at.text_input(key=f"{f}_given_names").input(given)
    at.text_input(key=f"{f}_family_names").input(family)
    at.text_input(key=f"{f}_phone").input("0803 555 0142")
    at.radio(key=f"{f}_consent_processing").set_value(True)
    at.date_input(key=f"{f}_consent_on").set_value(date.today())
    at.selectbox(key=f"{f}_consent_method").set_value("written")
    at.selectbox(key=f"{f}_consent_language").set_value("en")


def test_intake_registers_a_referral_and_opens_its_case(db_url):
    at = open_page("coord", "intake")
    assert not at.exception and at.title[0].value == "Intake"
    assert not any("return countries" in m.value for m in at.markdown)
    _fill_intake(at, given="Blessing", family=SQL_NAME, region="<b>Benin</b> City")
    # The eligibility criteria appear as soon as the return country is chosen.
    assert any("Nigeria is one of CH_VOT's return countries." in m.value.replace("\\", "") for m in at.markdown)
    _button(at, "Register the referral").click().run()
    assert not at.exception and not errors(at), errors(at)
    assert any(s.value.startswith("Case CH_VOT-CH-") and "opened" in s.value for s in at.success)
    assert at.text_input(key="intake_1_given_names").value == ""  # the next referral starts afresh
    with session_scope(engine_for(db_url)) as s:
        case = s.exec(select(Case).order_by(Case.id.desc())).first()
        ident = s.get(Identity, case.id)
        assert (case.return_region, ident.family_names, ident.phone) == ("<b>Benin</b> City", SQL_NAME,
                                                                         "+2348035550142")
        assert case.created_by_id is not None and case.stage == "referred"


def test_a_refused_intake_says_why_next_to_the_field_and_keeps_what_was_typed(db_url):
    at = open_page("fp.es", "intake")
    assert at.selectbox(key="intake_host").options == ["Spain"]  # a focal point: their own host country
    at.selectbox(key="intake_programme").set_value(at.selectbox(key="intake_programme").options[-1]).run()
    _fill_intake(at, given="", family="", region="Tánger")
    at.date_input(key="intake_0_birth_date").set_value(None)
    _button(at, "Register the referral").click().run()
    assert not at.exception
    shown = errors(at)
    assert "Give at least one name (given or family name)." in shown
    assert "Give the date of birth, or an estimated age if it is not known." in shown
    assert "Not saved: check the fields marked above." in shown
    assert at.text_input(key="intake_0_return_region").value == "Tánger"
    assert at.text_input(key="intake_0_phone").value == "0803 555 0142"
    assert at.multiselect(key="intake_0_languages").value == ["en", "yo"]


def test_a_possible_duplicate_is_shown_before_saving_and_can_be_saved_anyway(db_url):
    at = open_page("coord", "intake")
    _fill_intake(at, given="Precious", family="Okafor-Twin")
    _button(at, "Register the referral").click().run()
    first = next(s.value for s in at.success).split()[1]
    at2 = open_page("coord", "intake")
    _fill_intake(at2, given="precious", family="OKAFOR TWIN")
    _button(at2, "Register the referral").click().run()
    assert not at2.success
    assert any("may have been referred before" in w.value for w in at2.warning)
    assert at2.checkbox(key="intake_0_duplicates_ok").value is False
    at2.checkbox(key="intake_0_duplicates_ok").check()
    _button(at2, "Register the referral").click().run()
    assert any(s.value.startswith("Case ") and first not in s.value for s in at2.success), at2.success


def test_the_case_file_shows_the_identity_only_on_request_as_plain_text_and_audits_it(db_url):
    with session_scope(engine_for(db_url)) as s:
        case = s.exec(select(Case).where(Case.host_country == "ES").order_by(Case.id)).first()
        ident = s.get(Identity, case.id)
        ident.given_names, ident.aliases = HTML_NAME, "**bold** _it_"
        case.return_region = "<b>Tanger</b> **city**"
        case_id = case.id
    at = open_page("fp.es", "case_file", case_id)
    assert not at.exception and not errors(at)
    assert at.subheader[0].value.startswith(case.code)
    assert not any(t.value == HTML_NAME for t in at.text_input)
    assert "<b>Tanger</b> **city**" in [t.value for t in at.text]  # shown as typed, as text
    assert not any("Tanger" in m.value for m in at.markdown)
    _button(at, "Show identity").click().run()
    assert at.text_input(key=f"identity_{case_id}_0_given_names").value == HTML_NAME
    assert not any(HTML_NAME in m.value or "**bold**" in m.value for m in at.markdown)
    with session_scope(engine_for(db_url)) as s:
        reads = s.exec(select(AuditEvent).where(AuditEvent.action == "identity.read", AuditEvent.case_id == case_id)
                       ).all()
        assert reads and reads[-1].username == "fp.es"


def test_an_identity_saved_by_someone_else_meanwhile_is_not_overwritten(db_url):
    from care import users
    from care.identity import IdentityInput, identity_edit, identity_read

    with session_scope(engine_for(db_url)) as s:
        case_id = s.exec(select(Case.id).where(Case.host_country == "FR", Case.stage == "assessed")).first()
    at = open_page("coord", "case_file", case_id)
    _button(at, "Show identity").click().run()
    form = f"identity_{case_id}_0"
    with session_scope(engine_for(db_url)) as s:  # Sophie saves first
        fp = users.actor_load(s, "fp.fr")
        now = identity_read(s, fp, case_id)
        identity_edit(s, fp, case_id, IdentityInput(given_names=now.given_names, family_names="Saved-By-Sophie",
                                                    phone=now.phone), expected_version=now.version)
    at.text_input(key=f"{form}_family_names").input("Typed-By-Claire")
    _button(at, "Save the identity").click().run()
    assert not at.exception
    assert any("Sophie Delorme saved this record" in e for e in errors(at)), errors(at)
    assert at.text_input(key=f"{form}_family_names").value == "Typed-By-Claire"
    with session_scope(engine_for(db_url)) as s:
        assert s.get(Identity, case_id).family_names == "Saved-By-Sophie"


def test_the_case_list_searches_by_name_and_shows_codes_only(db_url):
    with session_scope(engine_for(db_url)) as s:
        case = s.exec(select(Case).where(Case.host_country == "FR").order_by(Case.id)).first()
        ident = s.get(Identity, case.id)
        ident.given_names, ident.family_names = "Zéphyrine", "Quixote"
        ident.name_index = name_index("Zéphyrine", "Quixote")
        code = case.code
    at = open_page("coord", "cases")
    assert not at.exception and "Cases 1 to 50 of" in at.caption[0].value
    at.text_input(key="cases_name").input("zephyrine").run()
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == [code]
    assert "Zéphyrine" not in table.to_string()
    with session_scope(engine_for(db_url)) as s:
        search = s.exec(select(AuditEvent).where(AuditEvent.action == "identity.search")).all()[-1]
        assert search.username == "coord" and search.detail == '{"hits": 1}'


def test_a_coordinator_decides_eligibility_from_the_case_file(db_url):
    with session_scope(engine_for(db_url)) as s:
        case_id = s.exec(select(Case.id).where(Case.stage == "referred", Case.return_country != "PE")
                         .order_by(Case.id.desc())).first()
    at = open_page("coord", "case_file", case_id)
    form = f"eligibility_{case_id}_0"
    at.radio(key=f"{form}_eligible").set_value(False)
    _button(at, "Record the decision").click().run()
    assert "Say why the case is not eligible." in errors(at)
    at.text_area(key=f"{form}_reason").input("Wishes to stay; referred to the asylum procedure.")
    _button(at, "Record the decision").click().run()
    assert any(s.value == "Decision recorded." for s in at.success)
    with session_scope(engine_for(db_url)) as s:
        assert s.get(Case, case_id).stage == "ineligible"


@pytest.mark.parametrize("page", ["case_file", "journey"])
def test_a_link_to_a_case_the_user_may_not_open_opens_no_case(demo_db_url, page):
    """Out of scope and non-existent read alike: a warning, the picker empty, the address kept."""
    with session_scope(engine_for(demo_db_url)) as s:
        spanish = s.exec(select(Case.id).where(Case.host_country == "ES", Case.return_country != "NG")).first()
        nigerian = s.exec(select(Case.id).where(Case.return_country == "NG", Case.stage == "plan_approved")).first()
    for wanted in (spanish, 999_999):
        at = open_page("fp.ng", page, wanted)
        assert not errors(at)
        assert [w.value for w in at.warning] == ["No case with this reference that you can open."]
        assert at.selectbox(key=f"{page}_select").value is None
        assert at.query_params["case"] == str(wanted)
    at = open_page("fp.ng", page, nigerian)
    assert "No case with this reference that you can open." not in [w.value for w in at.warning]
    assert at.selectbox(key=f"{page}_select").value == nigerian
