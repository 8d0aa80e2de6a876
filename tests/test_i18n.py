"""Every string the UI can show has a French translation, with the same placeholders."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from care.countries import country_name
from care.i18n import _, fmt_date, fmt_money, use_language

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    found = set()
    for folder in ("care", "pages", "seeds"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    for _line, _func, message, _comments in __import__("babel.messages.extract", fromlist=["x"]).extract(
        "python", (ROOT / "Home.py").open("rb"), keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def french_catalog():
    with (ROOT / "care/locale/fr/LC_MESSAGES/messages.po").open("rb") as fh:
        return read_po(fh, locale="fr")


def test_every_source_string_has_a_french_translation():
    catalog = french_catalog()
    missing = sorted(
        m for m in source_messages()
        if catalog.get(m) is None or not catalog.get(m).string or catalog.get(m).fuzzy
    )
    assert not missing, "missing French (run `make messages`, then translate):\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    for message in french_catalog():
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            want = set(re.findall(r"\{\w*\}", ids[0]))
            for s in strings:
                assert set(re.findall(r"\{\w*\}", s)) == want, message.id


def test_language_switch_changes_text_dates_and_money():
    with use_language("fr"):
        assert _("Log out") == "Se déconnecter"
        assert fmt_date(date(2018, 4, 26)) == "26 avr. 2018"
        assert fmt_money(Decimal("1234.5"), "EUR") == "1\u202f234,50\xa0€"
        assert country_name("NP") == "Népal"
    with use_language("en"):
        assert _("Log out") == "Log out"
        assert fmt_date(date(2018, 4, 26)) == "Apr 26, 2018"
        assert fmt_money(Decimal("1234.5"), "EUR") == "€1,234.50"


@pytest.mark.parametrize(("code", "lang", "name"), [
    ("KR", "en", "South Korea"), ("KR", "fr", "Corée du Sud"), ("MD", "en", "Moldova"), ("MD", "fr", "Moldavie"),
    ("RU", "en", "Russia"), ("RU", "fr", "Russie"), ("GB", "fr", "Royaume-Uni"), ("VN", "en", "Vietnam"),
    ("NG", "fr", "Nigeria"), ("ZZ", "en", "ZZ"), ("", "en", "—"),
])
def test_country_names_are_the_everyday_ones(code, lang, name):
    assert country_name(code, lang) == name
