"""md_escape (care/ui/markdown.py): user text shown through markdown reads as typed, with no link,
image, emphasis or directive; and the programme settings' messages that echo a typed value use it."""

import pytest

from care.ui.markdown import md_escape
from tests.form_keys import widget
from tests.test_pages_admin import admin_db, button, errors, programme_form  # noqa: F401  (fixture)


@pytest.mark.parametrize(("typed", "escaped"), [
    ("Ada Lovelace", "Ada Lovelace"),
    ("Rodríguez-Peña", "Rodríguez\\-Peña"),
    ("![x](http://198.51.100.1/y.png)", "\\!\\[x\\]\\(http\\://198\\.51\\.100\\.1/y\\.png\\)"),
    ("[click](javascript:x)", "\\[click\\]\\(javascript\\:x\\)"),
    ("*bold* _it_ `code` ~~s~~", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~"),
    ("<img src=x>", "\\<img src=x\\>"),
    (":red[alarm] :material/home: $x^2$", "\\:red\\[alarm\\] \\:material/home\\: \\$x^2\\$"),
    ("# title\n- item\n1. first", "\\# title  \n\\- item  \n1\\. first"),
    ("back\\slash", "back\\\\slash"),
    ("محمد", "محمد"),
])
def test_md_escape(typed, escaped):
    assert md_escape(typed) == escaped


def test_a_programme_setting_echoes_the_typed_value_escaped(admin_db):  # noqa: F811
    at, k = programme_form("CARE_PLUS")
    widget(at, "text_input", k, "cap_per_person").input("![x](http://198.51.100.1/y.png)")
    button(at, "Save the settings").click().run()
    assert "“\\!\\[x\\]\\(http\\://198\\.51\\.100\\.1/y\\.png\\)” is not an amount." in errors(at)
