"""One way to confirm a step that cannot be undone: a dialog that says what will happen.

The form (or button) that asks for the step only asks; the step runs from the dialog's
confirm button. Cancelling, or closing the dialog, changes nothing and keeps what was typed.

    if st.form_submit_button(_("Close the case")):
        ask(key)
    confirm(key, title=..., what_happens=..., confirm_label=..., action=lambda: ...)
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from care.i18n import _

_PREFIX = "_confirm_"


def ask(key: str) -> None:
    """The user asked for the step: the dialog opens in this run."""
    st.session_state[_PREFIX + key] = True


def asked(key: str) -> bool:
    return bool(st.session_state.get(_PREFIX + key))


def _drop(key: str) -> None:
    st.session_state.pop(_PREFIX + key, None)


def confirm(key: str, *, title: str, what_happens: str, confirm_label: str, action: Callable[[], None]) -> None:
    """Open the confirmation dialog if the step was asked for; `action` runs on the confirm button.

    `action` may call `st.rerun()` (it is told the dialog is done first); if it returns, the app
    reruns so the page shows the result.
    """
    if not asked(key):
        return

    @st.dialog(title, on_dismiss=lambda: _drop(key))
    def _dialog() -> None:
        st.warning(what_happens, icon=":material/warning:")
        st.caption(_("This cannot be undone."))
        go, cancel = st.columns(2)
        if go.button(confirm_label, key=f"{_PREFIX}{key}_go", type="primary", width="stretch"):
            _drop(key)
            action()
            st.rerun()
        if cancel.button(_("Cancel"), key=f"{_PREFIX}{key}_cancel", width="stretch"):
            _drop(key)
            st.rerun()

    _dialog()
