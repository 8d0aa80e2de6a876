"""Home for managers (programme headlines against targets) and administrators (what to look at)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import home_overview
from care.access import Actor, Role
from care.audit_words import action_words
from care.i18n import _, fmt_date, fmt_number
from care.ui.db import db_session
from care.ui.markdown import md_escape
from care.ui.tables import typed_table


def manager_home(actor: Actor, today: date) -> None:
    with db_session() as session:
        headlines = home_overview.manager_headlines(session, actor, today=today)
    st.subheader(_("Your programmes against their targets"))
    if not headlines:
        st.info(_("You follow no programme yet: ask an administrator to add you to one."))
        return
    for h in headlines:
        with st.container(border=True):
            st.markdown("**" + md_escape(f"{h.programme_code} · {h.programme_name}") + "**")
            left, right = st.columns(2)
            left.metric(_("People assisted"), h.people)
            left.caption(_("Target: {target} ({share})").format(target=md_escape(str(h.people_target)),
                                                              share=md_escape(str(h.people_share))))
            right.metric(_("of whom minors"), h.minors)
            right.caption(_("Target: {target} ({share})").format(target=md_escape(str(h.minors_target)),
                                                              share=md_escape(str(h.minors_share))))
    if st.button(_("All the indicators"), icon=":material/insights:", key="home_to_indicators"):
        st.switch_page("pages/indicators.py")


def admin_home(actor: Actor) -> None:
    with db_session() as session:
        view = home_overview.admin_overview(session, actor)
    st.subheader(_("Locked accounts"))
    if view.locked:
        typed_table([{_("User"): u, _("Name"): name, _("Until"): (fmt_date(until) + f" {until:%H:%M} UTC")
                      if until else _("an administrator unlocks it")} for u, name, until in view.locked])
    else:
        st.caption(_("No account is locked."))
    st.subheader(_("Failed logins, last 7 days"))
    st.markdown(_("{n} failed logins.").format(n=fmt_number(view.failed_logins)))
    if view.failed_by_account:
        st.caption(_("Most tried accounts: {accounts}").format(accounts=md_escape(", ".join(
            f"{u} ({n})" for u, n in view.failed_by_account))))
    st.subheader(_("Exports, last 7 days"))
    _events(view.exports, _("No export in the last 7 days."))
    st.subheader(_("Settings changed, last 7 days"))
    _events(view.settings_changed, _("No setting changed in the last 7 days."))
    st.subheader(_("Reminders that could not be sent"))
    if view.reminder_failures:
        for line in view.reminder_failures:
            st.warning(line, icon=":material/mail:")
    else:
        st.caption(_("None."))
    if st.button(_("The whole audit log"), icon=":material/policy:", key="home_to_audit"):
        st.switch_page("pages/admin_audit.py")


def _events(events, empty: str) -> None:
    if not events:
        st.caption(empty)
        return
    typed_table([{_("Time"): e.at, _("User"): e.username, _("Action"): action_words(e.action)}
                 for e in events], times=(_("Time"),))


def home_for(actor: Actor, today: date) -> bool:
    """Draw Home for a manager or an administrator; False for the other roles (they see their work)."""
    if not actor.has(Role.MANAGER, Role.ADMIN):
        return False
    if actor.has(Role.MANAGER):
        manager_home(actor, today)
    if actor.has(Role.ADMIN):
        admin_home(actor)
    return True

