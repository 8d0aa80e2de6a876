"""Phone first: the static style sheet for touch targets, and tables that become cards on a phone.

A table of five columns is cut on a 390 px screen. `responsive_table` draws the table for
wide screens and the same rows as cards for narrow ones; the style sheet shows one of the
two (a CSS media query: the server does not know the screen's width).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from care.ui.intake import md_escape

PHONE_CSS = Path(__file__).with_name("phone.css")


def phone_style() -> None:
    """The app's style sheet (static, no user text); once per run, from the entrypoint."""
    st.html(PHONE_CSS)


def cards(rows: list[dict], key: str, link=None) -> None:
    """Each row as a card: the first value in bold, then "heading: value" lines (empty ones left out).

    `link(n)`, if given, names the page a card's link opens: (page, query parameters, label)."""
    with st.container(key=f"cards_{key}"):
        for n, row in enumerate(rows):
            items = list(row.items())
            with st.container(border=True):
                st.markdown("**" + md_escape(str(items[0][1])) + "**")
                for heading, value in items[1:]:
                    if value not in ("", None):
                        st.text(f"{heading}: {value}")
                if link is not None:  # a button: it looks the page up only when tapped (see followup.worklist_links)
                    page, params, text = link(n)
                    if st.button(text, key=f"cards_{key}_open_{n}", icon=":material/folder_open:"):
                        st.switch_page(page, query_params=params)


def responsive_table(rows: list[dict], key: str, link=None, **dataframe_args):
    """The rows as a table on a wide screen and as cards on a phone; returns the table (for its selection)."""
    with st.container(key=f"wide_{key}"):
        table = st.dataframe(rows, hide_index=True, width="stretch", key=f"table_{key}", **dataframe_args)
    cards(rows, key, link)
    return table
