"""What users meet every day (issue 25): a locked account told so, pages offered only when usable,
typed tables, audit in words, first screens for managers and administrators, confirmations."""

from __future__ import annotations

from sqlmodel import delete, select
from streamlit.testing.v1 import AppTest

from db.engine import engine_for, session_scope
from db.models import LoginThrottle, User
from tests.test_pages import TIMEOUT, errors
from tests.test_pages_login import PASSWORD, REFUSED, try_login
from tests.demo_copy import private_demo


def _set_user(url: str, username: str, **values) -> dict:
    with session_scope(engine_for(url)) as s:
        row = s.exec(select(User).where(User.username == username)).one()
        before = {k: getattr(row, k) for k in values}
        for k, v in values.items():
            setattr(row, k, v)
        s.add(row)
        s.exec(delete(LoginThrottle))
    return before


def test_a_locked_account_with_the_right_password_is_told_it_is_locked_and_whom_to_ask(demo_db_url):
    before = _set_user(demo_db_url, "coord2", locked=True)
    try:
        at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
        at.run()
        try_login(at, "coord2", PASSWORD)
        assert errors(at) == ["This account is locked, so it cannot log in. Ask an administrator to unlock it: "
                              "Noor Verhoeven."]
        try_login(at, "coord2", "a wrong password")  # a wrong password still learns nothing
        assert errors(at) == [REFUSED]
        _set_user(demo_db_url, "coord2", locked=False, is_active=False)
        try_login(at, "coord2", PASSWORD)
        assert errors(at) == ["This account is deactivated, so it cannot log in. Ask an administrator to "
                              "reactivate it: Noor Verhoeven."]
    finally:
        _set_user(demo_db_url, "coord2", is_active=True, failed_logins=0, locked_until=None, **before)


# --- point 12: irreversible steps are confirmed in a dialog that says what will happen ---------


import pytest  # noqa: E402

from db.models import Case  # noqa: E402
from tests.test_pages import signed_in  # noqa: E402


@pytest.fixture(scope="module")
def own_db(demo_db_url, tmp_path_factory):
    """A private copy of the demo database: these tests close cases."""
    with private_demo(demo_db_url, tmp_path_factory.mktemp("ux")) as url:
        yield url


def test_closing_a_case_asks_in_a_dialog_what_will_happen(own_db):
    with session_scope(engine_for(own_db)) as s:
        case = s.exec(select(Case).where(Case.stage == "follow_up", Case.programme_id == 1)).first()
        case_id, referral = case.id, case.referral_date
    at = signed_in("../pages/case_file.py", "coord")
    at.query_params["case"] = str(case_id)
    at.run()
    form = next(sb.key for sb in at.selectbox if sb.key and sb.key.startswith("close_")).removesuffix("_reason")
    at.selectbox(key=f"{form}_reason").set_value("completed")
    at.date_input(key=f"{form}_on").set_value(referral)
    next(b for b in at.button if b.label == "Close the case").click().run()
    assert any(w.value.startswith("The case is closed on the date you gave") for w in at.warning)
    with session_scope(engine_for(own_db)) as s:
        assert s.get(Case, case_id).stage == "follow_up"  # nothing yet
    at.button(key=f"_confirm_{form}_go").click().run()
    assert not at.exception, at.exception
    assert "Case closed." in [x.value for x in at.success]
    with session_scope(engine_for(own_db)) as s:
        assert s.get(Case, case_id).stage == "closed"


# --- point 10: only what the role can use is offered ---------------------------------------------


def _offered(at: AppTest) -> set[str]:
    """The url paths of the pages in this run's navigation."""
    return {info["url_pathname"] for info in at._registered_pages.values()}


def test_focal_points_are_offered_only_the_side_they_work_on(demo_db_url):
    ng = signed_in("../Home.py", "fp.ng")  # Nigeria: a return country
    ng.run()
    assert "intake" not in _offered(ng) and "followup" in _offered(ng)
    es = signed_in("../Home.py", "fp.es")  # Spain: a host country
    es.run()
    assert "intake" in _offered(es) and "followup" not in _offered(es)
    coord = signed_in("../Home.py", "coord")
    coord.run()
    assert {"intake", "followup"} <= _offered(coord)
    direct = signed_in("../pages/intake.py", "fp.ng")  # a bookmarked address
    direct.run()
    assert errors(direct) == ["You are not permitted to open this page."]


def test_focal_points_filters_list_only_countries_of_cases_they_can_see(demo_db_url):
    es = signed_in("../pages/cases.py", "fp.es")
    es.run()
    assert es.selectbox(key="cases_host").options == ["Spain"]
    assert "Nigeria" in es.selectbox(key="cases_return").options  # cases hosted in Spain return there
    ng = signed_in("../pages/cases.py", "fp.ng")
    ng.run()
    assert ng.selectbox(key="cases_return").options == ["Nigeria"]
    assert {"France", "Spain"} <= set(ng.selectbox(key="cases_host").options)


# --- points 3 and 8: typed tables; the audit log in words ------------------------------------------


def test_the_cases_table_sorts_dates_as_dates_and_risk_in_its_order(demo_db_url):
    at = signed_in("../pages/cases.py", "coord")
    at.run()
    frame = at.dataframe[0].value
    assert str(frame["Referral date"].dtype).startswith("datetime64")
    assert str(frame["Last contact"].dtype).startswith("datetime64")
    assert frame["Risk"].dtype.ordered and list(frame["Risk"].cat.categories) == ["Low", "Medium", "High"]
    assert list(frame["Stage"].cat.categories)[:2] == ["Referred", "Eligibility review"] or \
        frame["Stage"].dtype.ordered
    dates = frame["Referral date"].dropna()
    assert list(dates.sort_values()) == sorted(dates)  # a real order, not the text's


def test_the_audit_log_speaks_words_in_the_users_language_and_keeps_codes_in_the_csv(own_db):
    from care import audit, users

    with session_scope(engine_for(own_db)) as s:
        admin = users.actor_load(s, "admin")
        csv_text = audit.audit_csv(s, admin, audit.AuditFilter()).decode("utf-8-sig")
    at = signed_in("../pages/admin_audit.py", "admin")
    at.run()
    frame = at.dataframe[0].value
    assert str(frame["Time"].dtype).startswith("datetime64")
    actions = set(frame["Action"])
    assert {"Audit log exported", "User added"} <= actions and not any("." in a for a in actions)
    assert any(r.startswith("User no. ") for r in frame["Record"])
    assert ",user.create," in csv_text  # the codes stay in the export
    with session_scope(engine_for(own_db)) as s:
        row = s.exec(select(User).where(User.username == "admin")).one()
        row.language = "fr"
        s.add(row)
    try:
        fr = signed_in("../pages/admin_audit.py", "admin")
        fr.run()
        frame = fr.dataframe[0].value
        assert "Utilisateur ajouté" in set(frame["Action"])
        assert any(r.startswith("Utilisateur n° ") for r in frame["Enregistrement"])
    finally:
        with session_scope(engine_for(own_db)) as s:
            row = s.exec(select(User).where(User.username == "admin")).one()
            row.language = "en"
            s.add(row)


# --- point 7: Home for managers and administrators -------------------------------------------------


def test_a_manager_sees_the_headline_figures_of_each_programme_against_its_targets(demo_db_url):
    at = signed_in("../Home.py", "manager")
    at.run()
    assert not at.exception
    assert "Your programmes against their targets" in [s.value for s in at.subheader]
    assert "**CARE · CARE\\: Coordinated Approach for the Reintegration of victims of trafficking**" in [
        m.value for m in at.markdown]
    assert [m.label for m in at.metric][:2] == ["People assisted", "of whom minors"]
    assert any(c.value.startswith("Target: ") and "%" in c.value for c in at.caption)


def test_an_administrator_sees_locked_accounts_failed_logins_exports_and_settings(own_db):
    from care import login

    _set_user(own_db, "coord2", locked=True)
    with session_scope(engine_for(own_db)) as s:
        try:
            login.login_attempt(s, username="fp.fr", password="wrong", client="192.0.2.7")
        except login.LoginRefused:
            pass
    at = signed_in("../Home.py", "admin")
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Locked accounts", "Failed logins, last 7 days",
                                              "Exports, last 7 days", "Settings changed, last 7 days",
                                              "Reminders that could not be sent"]
    assert "coord2" in list(at.dataframe[0].value["User"])
    assert any(m.value.endswith("failed logins.") and not m.value.startswith("0 ") for m in at.markdown), [m.value for m in at.markdown]
    assert any("fp\\.fr \\(" in c.value for c in at.caption)  # escaped for markdown
    _set_user(own_db, "coord2", locked=False)
