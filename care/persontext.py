"""Texts for the person, in the person's language: a gettext domain of its own ("person").

The staff interface speaks English or French (`care.i18n`); the documents a person reads
and signs speak one of the languages below. Their catalogs are
care/locale/<dir>/LC_MESSAGES/person.po, read at run time like the staff catalogs. Each
catalog's header says who translated it (`Last-Translator`), and a comment line at its top
whether a native speaker reviewed it (`# Native-Review: yes|no`, or `source` for English:
a comment, because `pybabel update` keeps comments but drops unknown header fields); a
document from an unreviewed catalog says so.

A missing translation is an error (`MissingTranslation`), never a silent English
fallback: a person must not sign a page that is half in a language they do not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel.messages.pofile import read_po

from care.i18n import LOCALE_DIR

DOMAIN = "person"
# ISO 639-1 code -> catalog folder (a Babel locale). Chinese is Simplified (zh_Hans: the script,
# not a region, since it is read in mainland China and Singapore alike).
CATALOGS = {
    "en": "en", "fr": "fr", "es": "es", "pt": "pt", "ru": "ru", "uk": "uk", "ar": "ar", "ro": "ro",
    "sq": "sq", "ka": "ka", "zh": "zh_Hans", "vi": "vi",
}
PERSON_LANGUAGES = tuple(CATALOGS)
RTL = frozenset({"ar"})


def P_(message: str) -> str:
    """Mark a person-facing text for extraction into the "person" domain (`make messages`)."""
    return message


class MissingTranslation(LookupError):
    """A person-facing text has no translation in the document's language."""


@dataclass(frozen=True)
class PersonCatalog:
    language: str  # ISO 639-1
    translator: str
    reviewed: bool  # by a native speaker
    messages: dict[str, str]

    @property
    def locale(self) -> str:
        return CATALOGS[self.language]

    @property
    def rtl(self) -> bool:
        return self.language in RTL

    def text(self, message: str) -> str:
        """The translation of `message`; an English catalog answers with the message itself."""
        found = self.messages.get(message)
        if found:
            return found
        if self.language == "en":
            return message
        raise MissingTranslation(f"{self.language}: no translation for {message!r}")

    def date(self, value) -> str:
        return babel_dates.format_date(value, format="long", locale=Locale.parse(self.locale))

    def name(self) -> str:
        """The language named in itself ("Русский", "العربية")."""
        return Locale.parse(self.locale).get_display_name(self.locale)


def _review(header_comment: str) -> str:
    """The `Native-Review:` line of the catalog's top comment: yes, no or source."""
    match = re.search(r"^#\s*Native-Review:\s*(\w+)", header_comment, re.MULTILINE)
    return match.group(1).lower() if match else "no"


def catalog_path(language: str):
    return LOCALE_DIR / CATALOGS[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def person_catalog(language: str) -> PersonCatalog:
    """The person-facing catalog of `language` (ISO 639-1), read once per process."""
    if language not in CATALOGS:
        raise MissingTranslation(f"no person-facing catalog for {language!r}")
    with catalog_path(language).open("rb") as fh:
        catalog = read_po(fh, locale=CATALOGS[language])
    messages = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    return PersonCatalog(language=language, translator=catalog.last_translator or "",
                         reviewed=_review(catalog.header_comment) in ("yes", "source"), messages=messages)


def documents_language(preferred: list[str] | tuple[str, ...], consent_language: str = "") -> str | None:
    """The first of the person's preferred languages that has a catalog; else the language consent
    was taken in, if it has one; else None (staff choose)."""
    for code in (*preferred, consent_language):
        if code in CATALOGS:
            return code
    return None
