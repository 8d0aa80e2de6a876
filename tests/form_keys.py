"""Finding a form's widget in an AppTest: its key carries the form's round (`<form>_<n>_<name>`,
see `care.ui.form.Form.key`), which changes after each save or reload."""

from __future__ import annotations

import re


def widget(at, kind: str, form: str, name: str):
    found = [w for w in at.get(kind) if re.fullmatch(rf"{re.escape(form)}_\d+_{re.escape(name)}", w.key or "")]
    assert len(found) == 1, (form, name, [w.key for w in at.get(kind)])
    return found[0]
