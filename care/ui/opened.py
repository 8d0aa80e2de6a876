"""An edit form keeps what it was opened with until it is saved or reloaded.

The form shows the values (and carries the versions) it read when it was first drawn.
A failed save (a field error, or someone else's save in between) keeps what the user
typed and the versions the form started from, so a second try cannot overwrite a change
the user has not seen. After a successful save, or when the user asks for it, the form
opens again on what the database holds now, under fresh widget keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from care.errors import DomainError
from care.ui.db import db_session
from care.ui.messages import clear_errors, flash, remember_error

OPENED = "_opened_forms"
COUNTER = "_opened_counter"
VERSIONS = "_opened_versions"
T = TypeVar("T")


def opened_version(form: str, current: int, *, slot: str | None = None,
                   alive: Callable[[int], str] | None = None) -> int:
    """The version an edit form was opened at, kept across reruns until it is saved or reloaded.

    The save names this version, so a change someone made in between is refused (with who
    and when) instead of being overwritten by a form that never showed it. Forms in one
    `slot` (one picker) share it: choosing another record opens that record afresh.
    `alive(version)` names a widget of the form: when Streamlit has dropped it (the user went
    elsewhere), the form opens afresh at the current version.
    """
    store = st.session_state.setdefault(VERSIONS, {})
    slot = slot or form
    held = store.get(slot)
    if held is None or held[0] != form or (alive is not None and alive(held[1]) not in st.session_state):
        held = store[slot] = (form, current)
    return held[1]


def forget_opened(form: str, *, prefix: bool = False) -> None:
    """After a save (or a reload) the form opens again at the version now stored.

    With `prefix`, every form whose key starts with `form` is forgotten (a page's reload).
    """
    store = st.session_state.setdefault(VERSIONS, {})
    for slot in [s for s, (f, _v) in store.items() if f == form or (prefix and f.startswith(form))]:
        del store[slot]


def opened(form_key: str, load: Callable[[], T]) -> tuple[T, str]:
    """What `form_key` was opened with (`load` runs only when it opens), and the prefix of its widget keys."""
    forms = st.session_state.setdefault(OPENED, {})
    if form_key not in forms:
        n = st.session_state.get(COUNTER, 0) + 1
        st.session_state[COUNTER] = n
        forms[form_key] = (load(), f"{form_key}_{n}")
    return forms[form_key]


def reopen(form_key: str) -> None:
    """Open the form again on the database's values (after a save, or on the user's "reload")."""
    st.session_state.setdefault(OPENED, {}).pop(form_key, None)


def save(form_key: str, message: str | Callable[[object], str], call: Callable, *, reopen_also: tuple[str, ...] = (),
         then: Callable[[], None] | None = None) -> None:
    """Run one domain call in its own session. On success the form reopens on the new values, `then`
    runs (a choice that should move on) and the message shows (`message` may be made from the call's
    result); on a refusal the errors show next to their fields and what the user typed is kept. Rerun."""
    try:
        with db_session() as session:
            result = call(session)
    except DomainError as err:
        remember_error(form_key, err)
    else:
        clear_errors(form_key)
        for key in (form_key, *reopen_also):
            reopen(key)
        if then is not None:
            then()
        flash(message(result) if callable(message) else message)
    st.rerun()
