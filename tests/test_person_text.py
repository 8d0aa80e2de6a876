"""The person-facing catalogs: one per shipped language, complete, placeholders kept, and each
saying who translated it and whether a native speaker reviewed it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from care.persontext import CATALOGS, PERSON_LANGUAGES, catalog_path, documents_language, person_catalog

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["en", "fr", "es", "pt", "ru", "uk", "ar", "ro", "sq", "ka", "zh", "vi"]


def person_messages() -> set[str]:
    return {m for _f, _l, m, _c, _x in extract_from_dir(ROOT / "care", method_map=[("**.py", "python")],
                                                        keywords={"P_": None})}


def test_the_shipped_languages_are_the_twelve_of_the_programme():
    assert list(PERSON_LANGUAGES) == SHIPPED
    assert CATALOGS["zh"] == "zh_Hans"  # Simplified Chinese


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_person_text_is_translated_with_its_placeholders(lang):
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh)
    missing, broken = [], []
    for message in sorted(person_messages()):
        entry = catalog.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(message)
        elif set(re.findall(r"\{\w*\}", message)) != set(re.findall(r"\{\w*\}", entry.string)):
            broken.append(message)
    assert missing == [], f"{lang}: missing (run `make messages`, then translate): {missing}"
    assert broken == [], f"{lang}: placeholders changed: {broken}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_each_catalog_names_its_translator_and_review(lang):
    catalog = person_catalog(lang)
    assert catalog.translator
    # Written by the developers: only the English source counts as reviewed.
    assert catalog.reviewed is (lang == "en")


def test_the_documents_language_follows_the_persons_order():
    assert documents_language(["yo", "ar", "fr"]) == "ar"
    assert documents_language(["fr", "ar"]) == "fr"
    assert documents_language(["yo"], "ru") == "ru"
    assert documents_language(["yo"], "yo") is None
