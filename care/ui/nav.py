"""The page list, built for the signed-in role. `pages/` is not auto-discovered."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from care.access import Actor, may_open
from care.i18n import N_, _


@dataclass(frozen=True)
class PageSpec:
    key: str  # the key in care.access.PAGE_ROLES
    path: str
    title: str  # msgid, translated when the navigation is built
    icon: str
    section: str


PAGES: list[PageSpec] = [
    PageSpec("home", "pages/home.py", N_("Home"), ":material/home:", N_("Work")),
    PageSpec("cases", "pages/cases.py", N_("Cases"), ":material/folder_shared:", N_("Cases")),
    PageSpec("case_file", "pages/case_file.py", N_("Case file"), ":material/folder_open:", N_("Cases")),
    PageSpec("intake", "pages/intake.py", N_("Intake"), ":material/person_add:", N_("Cases")),
    PageSpec("assessment", "pages/assessment.py", N_("Risk and needs assessment"), ":material/shield:",
             N_("Cases")),
    PageSpec("plan", "pages/plan.py", N_("Plan and budget"), ":material/request_quote:", N_("Cases")),
    PageSpec("journey", "pages/journey.py", N_("Departure and arrival"), ":material/flight_takeoff:", N_("Cases")),
    PageSpec("followup", "pages/followup.py", N_("Follow-up log"), ":material/event_repeat:", N_("Cases")),
    PageSpec("survey", "pages/survey.py", N_("Sustainability survey"), ":material/monitoring:", N_("Cases")),
    PageSpec("referrals", "pages/referrals.py", N_("Referrals to partners"), ":material/handshake:", N_("Cases")),
    PageSpec("minors", "pages/minors.py", N_("Minors"), ":material/child_care:", N_("Cases")),
    PageSpec("indicators", "pages/indicators.py", N_("Indicators"), ":material/insights:", N_("Programme")),
    PageSpec("activities", "pages/activities.py", N_("Activities"), ":material/event_note:", N_("Programme")),
    PageSpec("exchange", "pages/exchange.py", N_("Data exchange"), ":material/sync_alt:", N_("Programme")),
    PageSpec("admin_users", "pages/admin_users.py", N_("Users"), ":material/group:", N_("Administration")),
    PageSpec("admin_programmes", "pages/admin_programmes.py", N_("Programmes"), ":material/tune:",
             N_("Administration")),
    PageSpec("admin_reference", "pages/admin_reference.py", N_("Reference lists"), ":material/list_alt:",
             N_("Administration")),
    PageSpec("admin_partners", "pages/admin_partners.py", N_("Partner organisations"), ":material/handshake:",
             N_("Administration")),
    PageSpec("admin_audit", "pages/admin_audit.py", N_("Audit log"), ":material/policy:", N_("Administration")),
    PageSpec("account", "pages/account.py", N_("My account"), ":material/person:", N_("Account")),
]


def navigation_for(actor: Actor):
    """`st.navigation` with only the pages this actor may open, grouped by section."""
    sections: dict[str, list] = {}
    only_account = actor.must_change_password
    for spec in PAGES:
        if not may_open(actor, spec.key):
            continue
        if only_account and spec.key != "account":
            continue
        sections.setdefault(_(spec.section), []).append(
            st.Page(spec.path, title=_(spec.title), icon=spec.icon, url_path=spec.key,
                    default=(spec.key == ("account" if only_account else "home")))
        )
    # Every page listed: by default Streamlit folds a long list behind "View more".
    return st.navigation(sections, expanded=True)


def stop_before_navigation() -> None:
    """End a run that stops before the signed-in navigation (login form, second factor, refusals).

    A `pages/` folder beside the entry script switches on Streamlit's own page discovery for any
    run that never calls `st.navigation`: its sidebar would list every page file by name, before
    anyone logged in. So such a run declares the pages too, hidden: nothing is listed, and the
    address asked for (a link to a case) still resolves, to be opened after the login.
    """
    # The default page (the address "/") is a placeholder that is never run: the entry script has
    # already drawn what this run shows.
    pages = [st.Page(_before_navigation, title="CARE", default=True)]
    pages += [st.Page(spec.path, title=_(spec.title), url_path=spec.key) for spec in PAGES]
    st.navigation(pages, position="hidden")
    st.stop()


def _before_navigation() -> None:
    """The page of a run that stopped before the navigation: nothing more to draw."""
