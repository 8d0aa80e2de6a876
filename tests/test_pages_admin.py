"""The administration pages as the administrator uses them, in both languages.

They run on a copy of the demo database (the demo one is shared with other page tests,
and these tests add users, lock them, edit programmes).
"""

from __future__ import annotations

import os

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from care import users
from care.passwords import check_password
from db.engine import engine_for, session_scope
from db.models import Programme, User
from tests.form_keys import widget
from tests.test_pages import errors, signed_in
from tests.demo_copy import private_demo

PICKER_SCRIPT = """
from care.ui.auth import page_gate
from care.ui.widgets import case_picker

actor = page_gate("home")
case_picker(actor, key="probe")
"""


@pytest.fixture(scope="module")
def admin_db(demo_db_url, tmp_path_factory):
    """A private copy of the demo database, for the length of this module."""
    with private_demo(demo_db_url, tmp_path_factory.mktemp("admin")) as url:
        yield url


def db(url):
    return session_scope(engine_for(url))


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def admin_page(name: str) -> AppTest:
    at = signed_in(f"../pages/{name}.py", "admin")
    at.run()
    assert not at.exception, at.exception
    return at


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


# --- users ----------------------------------------------------------------------------------


def test_a_new_user_gets_a_generated_password_shown_once(admin_db):
    at = admin_page("admin_users")
    widget(at, "text_input", "user_add", "username").input("Fp.SN")
    widget(at, "text_input", "user_add", "name").input("Aminata Demo")
    widget(at, "multiselect", "user_add", "roles").set_value(["focal_point"])
    widget(at, "multiselect", "user_add", "countries").set_value(["SN"])
    widget(at, "multiselect", "user_add", "programmes").set_value(["CARE_PLUS"])
    button(at, "Add the user").click().run()
    assert not at.exception and not errors(at)
    assert "User fp.sn added." in successes(at)
    password = at.code[0].value
    with db(admin_db) as s:
        row = s.exec(select(User).where(User.username == "fp.sn")).one()
        assert check_password(password, row.password_hash) and row.must_change_password
        assert users.actor_load(s, "fp.sn").countries == frozenset({"SN"})
    assert widget(at, "text_input", "user_add", "username").value == "", "the add form starts empty again"
    at.run()
    assert not at.code, "the password is shown once"
    assert "_one_time_password" not in at.session_state


def test_a_refused_new_user_keeps_what_was_typed(admin_db):
    at = admin_page("admin_users")
    widget(at, "text_input", "user_add", "username").input("newcoord")
    widget(at, "text_input", "user_add", "name").input("Jo Demo")
    widget(at, "multiselect", "user_add", "roles").set_value(["coordinator"])
    widget(at, "checkbox", "user_add", "generate").uncheck()
    widget(at, "text_input", "user_add", "password").input("short")
    button(at, "Add the user").click().run()
    assert errors(at) == ["The password must have at least 12 characters."]
    assert widget(at, "text_input", "user_add", "username").value == "newcoord"
    assert widget(at, "multiselect", "user_add", "roles").value == ["coordinator"]
    with db(admin_db) as s:
        assert s.exec(select(User).where(User.username == "newcoord")).first() is None


def picker_codes(at: AppTest) -> list[str]:
    return [o.split(" · ")[0] for o in at.selectbox(key="probe_select").options]


def test_a_focal_point_moved_to_another_country_loses_the_old_cases_at_the_next_click(admin_db):
    fp = AppTest.from_string(PICKER_SCRIPT, default_timeout=60)
    for key, value in (("authentication_status", True), ("username", "fp.es"), ("name", "fp.es"), ("logout", None)):
        fp.session_state[key] = value
    fp.run()
    assert any("-ES-" in c for c in picker_codes(fp))

    at = admin_page("admin_users")
    at.selectbox(key="user_pick").set_value("fp.es").run()
    uid = next(r.id for r in _users(admin_db) if r.username == "fp.es")
    widget(at, "multiselect", f"user_edit_{uid}", "countries").set_value(["PT"])
    button(at, "Save changes").click().run()
    assert "Changes to fp.es saved." in successes(at)
    try:
        fp.run()
        assert not fp.exception
        codes = picker_codes(fp)
        assert codes and not any("-ES-" in c for c in codes) and all("-PT-" in c or c.split("-")[2] != "ES"
                                                                    for c in codes)
    finally:
        with db(admin_db) as s:
            admin = users.actor_load(s, "admin")
            row = next(r for r in users.users_list(s, actor=admin) if r.username == "fp.es")
            users.user_update(s, admin, username="fp.es", version=row.version, change=users.ProfileChange(
                name=row.name, email=row.email, roles=tuple(row.roles), countries=("ES",),
                programme_codes=tuple(row.programmes)))


def _users(url):
    with db(url) as s:
        return users.users_list(s, actor=None)


def test_a_user_locked_on_the_page_is_out_at_their_next_click(admin_db):
    fp = signed_in("../Home.py", "fp.fr")
    fp.run()
    assert fp.session_state["authentication_status"] is True

    at = admin_page("admin_users")
    at.selectbox(key="user_pick").set_value("fp.fr").run()
    uid = next(r.id for r in _users(admin_db) if r.username == "fp.fr")
    at.button(key=f"user_access_{uid}_lock").click().run()
    # A dialog says what will happen; nothing is locked before its confirmation.
    assert "fp.fr is signed out at their next click and cannot log in until an administrator unlocks the " \
        "account." in [w.value for w in at.warning]
    assert [r.locked for r in _users(admin_db) if r.username == "fp.fr"] == [False]
    at.button(key=f"_confirm_user_access_{uid}_lock_go").click().run()
    assert "fp.fr is locked: they are out at their next click." in successes(at)
    fp.run()
    assert "Your account is locked or inactive. Ask an administrator." in errors(fp)
    assert not fp.session_state["authentication_status"]

    at.button(key=f"user_access_{uid}_lock").click().run()
    assert "fp.fr is unlocked." in successes(at)
    assert [r.locked for r in _users(admin_db) if r.username == "fp.fr"] == [False]


def test_the_administrator_cannot_lock_themselves_out(admin_db):
    at = admin_page("admin_users")
    at.selectbox(key="user_pick").set_value("admin").run()
    uid = next(r.id for r in _users(admin_db) if r.username == "admin")
    at.button(key=f"user_access_{uid}_lock").click().run()
    at.button(key=f"_confirm_user_access_{uid}_lock_go").click().run()
    assert errors(at) == ["You cannot lock or deactivate your own account."]


def test_deactivating_asks_first_and_cancel_changes_nothing(admin_db):
    at = admin_page("admin_users")
    at.selectbox(key="user_pick").set_value("fp.fr").run()
    uid = next(r.id for r in _users(admin_db) if r.username == "fp.fr")
    at.button(key=f"user_access_{uid}_active").click().run()
    at.button(key=f"_confirm_user_access_{uid}_active_cancel").click().run()
    assert not at.exception
    assert [r.is_active for r in _users(admin_db) if r.username == "fp.fr"] == [True]
    assert not [b for b in at.button if b.key == f"_confirm_user_access_{uid}_active_go"]  # the dialog is gone
    at.button(key=f"user_access_{uid}_active").click().run()
    at.button(key=f"_confirm_user_access_{uid}_active_go").click().run()
    assert "fp.fr is deactivated." in successes(at)
    assert [r.is_active for r in _users(admin_db) if r.username == "fp.fr"] == [False]
    at.button(key=f"user_access_{uid}_active").click().run()  # reactivating needs no confirmation
    assert "fp.fr is active again." in successes(at)


def test_a_new_user_must_choose_a_password_first_then_gets_their_pages(admin_db):
    with db(admin_db) as s:
        once = users.user_add(s, users.actor_load(s, "admin"), generate=True, data=users.NewUser(
            username="mgr2", name="Rui Demo", password="", roles=("manager",), programme_codes=("CARE",)))
    at = signed_in("../Home.py", "mgr2")
    at.run()
    assert [t.value for t in at.title] == ["My account"]
    assert "Please choose a new password before you continue." in [w.value for w in at.warning]
    at.text_input[0].input(once)
    at.text_input[1].input("my-own-long-passphrase")
    at.text_input[2].input("my-own-long-passphrase")
    button(at, "Change password").click().run()
    assert "Your password was changed." in successes(at)
    at.switch_page("pages/home.py").run()
    assert [t.value for t in at.title] == ["My work"]


# --- programmes ----------------------------------------------------------------------------


def programme_form(code: str) -> tuple[AppTest, str]:
    """The programmes page with `code` chosen, and the key prefix of its edit form."""
    at = admin_page("admin_programmes")
    pick = at.selectbox(key="programme_pick")
    pick.select_index(next(i for i, o in enumerate(pick.options) if o.startswith(f"{code} · "))).run()
    with db(os.environ["DATABASE_URL"]) as s:
        programme = s.exec(select(Programme).where(Programme.code == code)).one()
    return at, f"programme_{programme.id}"


def test_a_cap_edited_on_the_page_is_a_new_version_in_the_history(admin_db):
    at, k = programme_form("TACT")
    # Rows: the four categories first (immediate, economic, social, psychosocial), then sub-categories.
    prefix = widget(at, "text_input", k, "name").key.removesuffix("_name")
    at.session_state[f"{prefix}_caps"] = {"edited_rows": {1: {"amount": "2750.00"}}, "added_rows": [], "deleted_rows": []}
    button(at, "Save the settings").click().run()
    assert not errors(at), errors(at)
    assert "Settings saved as version 2." in successes(at)
    table = at.dataframe[-1].value
    assert "Cap: Economic: 2500.00 → 2750.00" in table.iloc[0, 3]


def test_a_refused_programme_setting_is_shown_by_its_field_and_kept(admin_db):
    at, k = programme_form("CARE_PLUS")
    widget(at, "text_input", k, "followup").input("6, 3")
    widget(at, "text_input", k, "cap_per_person").input("lots")
    button(at, "Save the settings").click().run()
    assert set(errors(at)) == {"List the follow-up months in increasing order, each once.",
                               "“lots” is not an amount."}
    assert widget(at, "text_input", k, "followup").value == "6, 3"


def test_a_programme_is_started_by_copying_another(admin_db):
    at, _k = programme_form("CARE")
    widget(at, "text_input", "programme_copy", "code").input("care_2027")
    widget(at, "text_input", "programme_copy", "name").input("CARE 2027")
    button(at, "Create the programme").click().run()
    assert "Programme CARE_2027 created. Give users access to it on the Users page." in successes(at)
    with db(admin_db) as s:
        created = s.exec(select(Programme).where(Programme.code == "CARE_2027")).one()
    assert at.selectbox(key="programme_pick").value == created.id, "the new programme opens"
    assert widget(at, "text_input", f"programme_{created.id}", "name").value == "CARE 2027"


# --- reference lists and audit log ------------------------------------------------------------


def test_an_organisation_is_added_then_retired(admin_db):
    at = admin_page("admin_reference")
    button(at, "Add").click().run()
    assert "The name is required." in errors(at)
    widget(at, "text_input", "org_add", "name").input("Association Horizon (demo)")
    widget(at, "selectbox", "org_add", "country").set_value("FR")
    button(at, "Add").click().run()
    assert "Organisation added." in successes(at)
    at.selectbox(key="org_country").set_value("FR").run()
    assert "Association Horizon (demo)" in list(at.dataframe[0].value.iloc[:, 0])
    pick = at.selectbox(key="org_pick")
    pick.select_index(next(i for i, o in enumerate(pick.options) if o.startswith("Association Horizon"))).run()
    button(at, "Retire").click().run()
    assert "Retired: no longer offered for new records." in successes(at)
    table = at.dataframe[0].value
    assert list(table[table.iloc[:, 0] == "Association Horizon (demo)"].iloc[:, 3]) == ["Retired"]


def test_a_rename_made_by_someone_else_meanwhile_is_not_overwritten(admin_db):
    from care import reference_lists as rl

    at = admin_page("admin_reference")
    pick = at.selectbox(key="module_pick")
    pick.select_index(next(i for i, o in enumerate(pick.options) if o.startswith("Referral"))).run()
    module_id = at.selectbox(key="module_pick").value
    widget(at, "text_input", f"module_edit_{module_id}", "name").input("Referral of victims and follow-up")
    with db(admin_db) as s:  # another administrator saves first
        rl.training_module_rename(s, users.actor_load(s, "admin"), module_id=module_id, name="Referral pathways",
                                  version=1)
    button(at, "Rename").click().run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Noor Verhoeven saved this record on ")
    assert widget(at, "text_input", f"module_edit_{module_id}", "name").value == "Referral of victims and follow-up"
    assert any("Someone saved this record after you opened it." in w.value for w in at.warning)
    at.button(key=f"module_edit_{module_id}_reload").click().run()
    assert widget(at, "text_input", f"module_edit_{module_id}", "name").value == "Referral pathways"
    assert not at.warning


@pytest.mark.parametrize(
    ("key", "before", "after", "line"),
    [("caps.economic", ["2500.00", None], ["2750.00", None], "Cap: Economic: 2500.00 → 2750.00"),
     ("caps.medical_care", None, ["2000.00", 6], "Cap: Social › Medical care for the person or family: "
                                                 "— → 2000.00, 6 months"),
     ("followup_months", [1, 3, 6, 12], [3, 6, 12], "Follow-up months after return: 1, 3, 6, 12 → 3, 6, 12"),
     ("cap_per_person", None, "4000.00", "Cap per person: — → 4000.00")],
)
def test_a_line_of_programme_history_reads_plainly(key, before, after, line):
    from care.ui.admin import describe_change

    assert describe_change(key, before, after) == line


def test_the_audit_log_is_filtered_and_an_unknown_case_code_is_said(admin_db):
    at = admin_page("admin_audit")
    at.text_input(key="audit_case").input("CARE-ZZ-1999-0001")
    button(at, "Filter").click().run()
    assert errors(at) == ["No case has this code."]
    assert at.text_input(key="audit_case").value == "CARE-ZZ-1999-0001"
    at.text_input(key="audit_case").input("")
    at.selectbox(key="audit_user").set_value("admin")
    button(at, "Filter").click().run()
    assert not errors(at)
    assert set(at.dataframe[0].value["User"]) == {"admin"}


# --- both languages ----------------------------------------------------------------------------


FRENCH_TITLES = {"admin_users": "Utilisateurs", "admin_programmes": "Programmes",
                 "admin_reference": "Listes de référence", "admin_audit": "Journal d'audit"}


@pytest.mark.parametrize("page", list(FRENCH_TITLES))
def test_each_administration_page_speaks_french(admin_db, page):
    with db(admin_db) as s:
        users.own_language_set(s, users.actor_load(s, "admin"), "fr")
    try:
        at = signed_in("../Home.py", "admin")
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        assert not errors(at), errors(at)
        assert [t.value for t in at.title] == [FRENCH_TITLES[page]]
    finally:
        with db(admin_db) as s:
            users.own_language_set(s, users.actor_load(s, "admin"), "en")
