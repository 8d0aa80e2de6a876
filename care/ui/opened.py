"""The older names of the form lifecycle (`care.ui.form`), for the forms not yet written with `Form`.

New code uses `Form` directly; these only forward to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from care.ui.form import Form, _store, forget

T = TypeVar("T")


def opened_version(form: str, current: int, *, slot: str | None = None,
                   alive: Callable[[int], str] | None = None) -> int:
    """The version an edit form was opened at, kept across reruns until it is saved or reloaded.

    `alive(version)` names a widget of the form: when Streamlit has dropped it, the form opens afresh."""
    held = _store().get(form)
    if held is not None and alive is not None and held.version is not None and alive(held.version) not in held.widgets:
        held.widgets.add(alive(held.version))
    return Form(form, version=current, slot=slot).version


def forget_opened(form: str, *, prefix: bool = False) -> None:
    forget(form, prefix=prefix)


def opened(form_key: str, load: Callable[[], T]) -> tuple[T, str]:
    """What `form_key` was opened with (`load` runs only when it opens), and the prefix of its widget keys."""
    form = Form(form_key, load=load)
    return form.values, form.id


def reopen(form_key: str) -> None:
    forget(form_key)


def save(form_key: str, message: str | Callable[[object], str], call: Callable, *, reopen_also: tuple[str, ...] = (),
         then: Callable[[], None] | None = None) -> None:
    Form(form_key).submit(call, message, also=reopen_also, then=(lambda _r: then()) if then else None)
