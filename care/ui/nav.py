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
    PageSpec("intake", "pages/intake.py", N_("Intake"), ":material/person_add:", N_("Cases")),
    PageSpec("cases", "pages/cases.py", N_("Cases"), ":material/folder_shared:", N_("Cases")),
    PageSpec("case_file", "pages/case_file.py", N_("Case file"), ":material/folder_open:", N_("Cases")),
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
    return st.navigation(sections)
