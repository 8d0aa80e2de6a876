"""What the minors' page shares: the keys of its forms (per case, so nothing typed leaks to another
case) and read-only tables. The forms themselves are in `care.ui.minors_forms`."""

from __future__ import annotations

import streamlit as st

from care.i18n import _


def key_for(case_id: int, name: str) -> str:
    return f"minors_{case_id}_{name}"


def names_key(case_id: int) -> str:
    return key_for(case_id, "names")


def fields_table(rows: list[tuple[str, str]]) -> None:
    """Recorded values, read-only, as plain text cells (never markdown)."""
    st.dataframe([{_("Item"): k, _("Recorded"): v} for k, v in rows], hide_index=True, width="stretch")
