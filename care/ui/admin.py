"""What the administration pages share: edit forms held at the version they were opened at,
one-time passwords shown once, forms that start empty again after an add, country pickers,
the budget caps editor and the lines of a programme's history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st
from sqlmodel import Session

from care.countries import all_country_codes, country_name
from care.ui.markdown import md_escape
from care.i18n import N_, _
from care.ui.form import Form
from care.vocab import PLAN_CATEGORIES, PLAN_SUBCATEGORIES, label

ONE_TIME = "_one_time_password"


def stale_notice(key: str, opened: int, current: int) -> None:
    """Say that the record moved on since the form was opened, and offer to load it again (`Form`)."""
    form = Form(key, version=current)
    form.stale_warning()
    form.reload_button()


def save_and_rerun(form: str, done: str, call: Callable[[Session], object]) -> None:
    """One change through the form lifecycle (`Form.submit`): the form starts afresh after a save."""
    Form(form).submit(call, done)


def form_round(name: str) -> int:
    """The round in the widget keys of an add form (`Form.round`): the next round starts with empty fields."""
    return Form(name).round


def keep_one_time_password(username: str, password: str) -> None:
    """Hold a generated password only until the next render shows it (see `show_one_time_password`)."""
    st.session_state[ONE_TIME] = (username, password)


def show_one_time_password() -> None:
    """Show a generated password once: it is taken out of the session as it is drawn."""
    item = st.session_state.pop(ONE_TIME, None)
    if item is None:
        return
    username, password = item
    st.success(_("One-time password for {username}. Give it to them in person or by a separate channel; "
                 "it is shown only now, and they choose their own at first login.").format(username=md_escape(username)),
               icon=":material/key:")
    st.code(password, language=None)


def countries_picker(label: str, *, default: Sequence[str] = (), key: str, help: str | None = None) -> list[str]:
    """Countries by name (in the user's language), kept as ISO 3166 alpha-2 codes."""
    options = sorted(all_country_codes(), key=lambda c: country_name(c).casefold())
    return st.multiselect(label, options, default=[c for c in default if c in options],
                          format_func=lambda c: f"{country_name(c)} ({c})", key=key, help=help,
                          placeholder=_("Choose"))


def partner_picker(partners: Mapping[int, str], *, default: int | None = None, key: str) -> int | None:
    """The partner organisation of a partner user (`partners`: id to name); empty for other roles."""
    options = [None, *partners]
    return st.selectbox(_("Partner organisation (partner users)"), options, key=key,
                        index=options.index(default) if default in options else 0,
                        format_func=lambda i: partners[i] if i is not None else _("None (staff)"),
                        help=_("A partner user sees only the cases referred to this organisation and accepted by it."))


# --- programme settings -----------------------------------------------------------------

SETTING_LABELS = {
    "name": N_("Name"), "funder": N_("Funder"), "start_date": N_("Start"), "end_date": N_("End"),
    "currency": N_("Currency"), "target_people": N_("Target: people assisted"),
    "target_minors": N_("Target: minors"), "cap_per_person": N_("Cap per person"),
    "followup_months": N_("Follow-up months after return"),
    "followup_months_minor": N_("Follow-up months after return, minors"),
    "retention_months": N_("Retention period (months)"), "hosts": N_("Host countries"),
    "returns": N_("Eligible return countries"),
}


def cap_label(code: str) -> str:
    if code in PLAN_CATEGORIES:
        return label(PLAN_CATEGORIES, code)
    category, text = PLAN_SUBCATEGORIES[code]
    return _("{category} › {subcategory}").format(category=label(PLAN_CATEGORIES, category), subcategory=_(text))


def _plain(value) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join("—" if v is None else str(v) for v in value)
    return str(value)


def _cap_text(cap: list | None) -> str:
    """A stored cap, [amount, months], as "500.00, 6 months", "500.00" or "6 months"."""
    amount, months = cap if cap else (None, None)
    parts = ([amount] if amount is not None else []) + (
        [_("{months} months").format(months=months)] if months is not None else [])
    return ", ".join(parts) or "—"


def describe_change(key: str, before, after) -> str:
    """One line of a programme's history, in the reader's language."""
    if key.startswith("caps."):
        name = _("Cap: {line}").format(line=cap_label(key.removeprefix("caps.")))
        before, after = (_cap_text(v) for v in (before, after))
    else:
        name = label(SETTING_LABELS, key)
    return f"{name}: {_plain(before)} → {_plain(after)}"


def caps_editor(caps: Mapping[str, tuple[str, str]], *, key: str) -> dict[str, tuple[str, str]]:
    """Every plan category and sub-category with its cap (an amount, a number of months, both or
    none), typed as text so that amounts stay exact and read in the user's language."""
    codes = list(PLAN_CATEGORIES) + list(PLAN_SUBCATEGORIES)
    frame = pd.DataFrame({
        "line": [cap_label(c) for c in codes],
        "amount": [caps.get(c, ("", ""))[0] for c in codes],
        "months": [caps.get(c, ("", ""))[1] for c in codes],
    }, index=codes)
    edited = st.data_editor(
        frame, key=key, hide_index=True, num_rows="fixed", width="stretch", disabled=["line"],
        column_config={
            "line": st.column_config.TextColumn(_("Budget line")),
            "amount": st.column_config.TextColumn(_("Cap (amount)")),
            "months": st.column_config.TextColumn(_("Cap (months)")),
        },
    )
    def text(value) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    return {code: (text(edited.at[code, "amount"]), text(edited.at[code, "months"])) for code in codes}
