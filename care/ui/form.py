"""The one form lifecycle: open a form on a record, keep what is typed, submit, show, reset.

    form = Form(f"guardian_{case_id}", version=f.version)          # 1. open (once; kept across reruns)
    with st.form(form.id):
        form.messages()                                             # the stale notice, errors of no field
        name = st.text_input(_("Name"), value=f.name, key=form.key("name"))   # 2. widgets keyed by the form
        form.error("name")                                          # 3. the field's error, next to it
        if st.form_submit_button(_("Save")):
            form.submit(lambda s: record.guardian_set(s, actor, version=form.version, name=name),
                        _("Guardian saved."))                       # 4. one domain call

- **Open.** The first render takes the record's `version` (and, with `load`, the values the form
  starts from: a record, or a draft the user resumed) and keeps them until the form is saved or
  reloaded. The save names that version, so a change someone made in between is refused
  (`care.concurrency.claim` raises `StaleEdit`) instead of being overwritten.
- **Keep.** Widgets are keyed `form.key(name)`: the keys live until the form is reset, so a refused
  save keeps everything typed. When Streamlit has dropped the form's widgets (the user went to
  another page), the form opens afresh on the current record.
- **Submit.** `submit` runs one domain call in its own session. A refusal (`DomainError`) is kept
  for the next render: each field's message under its widget (`form.error`), the others at the top
  (`form.messages`). Messages about a record disappear once the record's version moves on.
- **Show.** On success the message (it may be made from the call's result: say what comes next)
  is shown as a toast where the user is looking, and at the top of the page (`show_flash`).
- **Reset.** The form then opens again under fresh keys, on the saved record (or empty, for an add).

Labels are translated where the widgets are drawn (each render), never stored in the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from care.errors import DomainError, StaleEdit
from care.i18n import _
from care.ui.db import db_session
from care.ui.messages import ERRORS_KEY, clear_errors, field_error, flash, form_errors, remember_error

FORMS = "_forms"
ROUNDS = "_forms_rounds"
TAGS = "_forms_error_versions"  # what each kept refusal was about
ABOUT = "_forms_about"  # what each form is about in this run


@dataclass
class Held:
    """What a form was opened with, kept in the session until it is saved or reloaded."""

    values: Any
    version: int | None
    prefix: str
    slot: str | None = None
    widgets: set[str] = field(default_factory=set)
    stale: bool = False  # a save was refused because someone saved first


def _store() -> dict[str, Held]:
    return st.session_state.setdefault(FORMS, {})


def _next_prefix(name: str) -> str:
    """`<name>_<round>`: round 0 when the form first opens, one more each time it opens again."""
    rounds = st.session_state.setdefault(ROUNDS, {})
    n = rounds.get(name, 0)
    rounds[name] = n + 1
    return f"{name}_{n}"


def forget(name: str, *, prefix: bool = False) -> None:
    """Open the form again on the database's values; with `prefix`, every form whose name starts with `name`."""
    store = _store()
    for key in [k for k in store if k == name or (prefix and k.startswith(name))]:
        del store[key]
        clear_errors(key)


class Form:
    """One form on one record (or one add form). See the module's docstring for the lifecycle."""

    def __init__(self, name: str, *, version: int | None = None, load: Callable[[], Any] | None = None,
                 slot: str | None = None, probe: str | None = None, group: str | None = None,
                 about: Any = None):
        """`about`: the state of what the form's messages are about (default: the record's `version`);
        when it changes (the user fixed a line elsewhere), the last refusal's messages go."""
        self.name = name
        self.group = group
        self.current = version
        self.about = about if about is not None else version
        store = _store()
        held = store.get(name)
        if held is not None and held.widgets and not any(k in st.session_state for k in held.widgets):
            held = None  # Streamlit dropped the widgets (the user went elsewhere): open afresh
        if slot is not None:  # one picker, one form open: choosing another record opens that one afresh
            for other in [k for k, h in store.items() if h.slot == slot and k != name]:
                forget(other)
        if held is None:
            held = store[name] = Held(load() if load is not None else None, version, _next_prefix(name), slot)
            clear_errors(name)
        if probe is not None:
            held.widgets.add(probe)
        self._held = held
        if group is not None:  # forms on one record share the version they were opened at
            self._shared = store.get(group) or store.setdefault(group, Held(None, version, group))
        if self.about is not None:  # a submit made through another `Form(name)` of this run tags with it
            st.session_state.setdefault(ABOUT, {})[name] = self.about
        tags = st.session_state.setdefault(TAGS, {})
        if name in tags and self.about is not None and tags[name] != self.about:
            clear_errors(name)  # messages about a record disappear once the record changes
            tags.pop(name, None)

    # --- what the form was opened with -------------------------------------------------------
    @property
    def version(self) -> int | None:
        """The version the form was opened at: the save names it."""
        return self._shared.version if self.group is not None else self._held.version

    @property
    def values(self) -> Any:
        """What `load` gave when the form opened (a record, a resumed draft)."""
        return self._held.values

    @property
    def id(self) -> str:
        """The key of the `st.form` (and the prefix of its widgets' keys): new after each reset."""
        return self._held.prefix

    @property
    def round(self) -> int:
        """The number in the form's keys (`<name>_<round>_<widget>`): a new one after each reset."""
        return int(self._held.prefix.rsplit("_", 1)[1])

    def key(self, name: str) -> str:
        """The key of one of the form's widgets."""
        full = f"{self._held.prefix}_{name}"
        self._held.widgets.add(full)
        return full

    @property
    def is_stale(self) -> bool:
        return self._held.stale or (self.version is not None and self.current is not None
                                    and self.version != self.current)

    # --- messages ------------------------------------------------------------------------------
    def error(self, name: str) -> None:
        """Right after a widget: the error the last submit found on that field."""
        field_error(self.name, name)

    def text(self, label: str, value: str, name: str, *, area: bool = False, **kw) -> str:
        """A text field of the form keyed by `name`, and its error right under it."""
        widget = st.text_area if area else st.text_input
        typed = widget(label, value=value, key=self.key(name), **kw)
        self.error(name)
        return typed

    def has_errors(self) -> bool:
        return bool(st.session_state.get(ERRORS_KEY, {}).get(self.name))

    def messages(self) -> None:
        """At the top of the form: that someone saved the record meanwhile, and errors of no one field."""
        self.stale_warning()
        form_errors(self.name)

    def stale_warning(self) -> None:
        """That the record moved on since the form was opened: saving is refused until it is loaded again."""
        if self.version is not None and self.current is not None and self.version != self.current:
            st.warning(_("Someone saved this record after you opened it. Saving now is refused; load the current "
                         "values first (what you typed here is then dropped)."), icon=":material/sync_problem:")

    def reload_button(self) -> None:
        """Outside an `st.form`: when the record moved on, a way to drop the typing and load it again."""
        if self.is_stale and st.button(_("Load the current values"), key=f"{self.name}_reload",
                                       icon=":material/refresh:"):
            self.reset()
            st.rerun()

    # --- submit and reset ----------------------------------------------------------------------
    def reset(self, *also: str) -> None:
        """The form (and the forms named in `also`) open again on the database's values, under fresh keys."""
        for name in (self.name, *also, *((self.group,) if self.group else ())):
            forget(name)
        st.session_state.setdefault(TAGS, {}).pop(self.name, None)

    def refuse(self, err: DomainError) -> None:
        """Keep a refusal for the next render (next to its fields); what was typed stays."""
        remember_error(self.name, err)
        about = self.about if self.about is not None else st.session_state.get(ABOUT, {}).get(self.name)
        if about is not None:
            st.session_state.setdefault(TAGS, {})[self.name] = about
        if isinstance(err, StaleEdit):
            self._held.stale = True

    def run(self, call: Callable[[Any], Any]) -> tuple[bool, Any]:
        """Run one domain call in its own session: (True, result), or (False, None) with the refusal kept."""
        try:
            with db_session() as session:
                result = call(session)
        except DomainError as err:
            self.refuse(err)
            return False, None
        clear_errors(self.name)
        return True, result

    def submit(self, call: Callable[[Any], Any], message: str | Callable[[Any], str], *,
               also: Iterable[str] = (), then: Callable[[Any], None] | None = None, rerun: bool = True) -> None:
        """Run one domain call. On success: reset (this form and `also`), `then(result)`, show `message`
        (or `message(result)`: say what comes next) as a toast. On a refusal: the errors show next to
        their fields. Then rerun, so the page shows the new state."""
        ok, result = self.run(call)
        if ok:
            self.reset(*also)
            if then is not None:
                then(result)
            flash(message(result) if callable(message) else message)
        if rerun:
            st.rerun()


def done_message(saved: str, *next_steps: str) -> str:
    """A confirmation that says what comes next: "Guardian saved. Next: …"."""
    steps = [s for s in next_steps if s]
    return " ".join([saved, *steps])
