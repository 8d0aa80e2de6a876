"""The one text check (care/text.py): what it refuses, and that it keeps every script's marks."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.errors import Problems
from care.i18n import use_language
from care.text import checked_text, cleaned_text
from tests.properties import FRAGMENTS, PROPERTY, hostile_text


@PROPERTY
@given(value=hostile_text, limit=st.sampled_from([1, 100, 200, 2000]), multiline=st.booleans())
def test_text_is_refused_exactly_when_it_holds_a_control_character_a_surrogate_or_is_too_long(value, limit,
                                                                                               multiline):
    problems = Problems()
    kept = checked_text(problems, "f", value, limit=limit, multiline=multiline)
    allowed = "\n\t" if multiline else ""
    bad = any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in kept) or len(kept) > limit
    assert bool(problems.errors) == bad
    assert kept == cleaned_text(value, multiline=multiline)
    if not bad:
        kept.encode("utf-8")  # storable in any database


@pytest.mark.parametrize("name", ["عبد\u200fالله", "Mehr\u200cnaz", "क्ष\u200dत्रिय", "Nguye\u0302\u0303n",
                                  "\u202bمحمد\u202c", "👩\u200d👩\u200d👧", "<script>alert(1)</script>",
                                  "Robert'); DROP TABLE \"case\";--", "{n} {0} %s"])
def test_names_in_every_script_and_markup_are_kept_as_typed(name):
    problems = Problems()
    assert checked_text(problems, "name", f"  {name} ", limit=200) == name and not problems.errors


@pytest.mark.parametrize(("value", "words"), [
    ("Ada\x00", "control character"), ("\x1b[31mred", "control character"), ("A\x85B", "control character"),
    ("Ada\ud800", "surrogate"), ("one\ntwo", "one line"), ("x" * 201, "At most 200 characters"),
])
def test_refusals_say_what_is_wrong(value, words):
    problems = Problems()
    checked_text(problems, "name", value, limit=200)
    assert words in problems.errors["name"]


def test_refusals_are_translated():
    problems = Problems()
    with use_language("fr"):
        checked_text(problems, "name", "Ada\x00", limit=200)
    assert "contrôle" in problems.errors["name"]


def test_multiline_text_keeps_line_breaks_and_tabs_and_reads_windows_line_ends_as_one():
    problems = Problems()
    assert checked_text(problems, "note", "a\r\nb\tc\rd", limit=100, multiline=True) == "a\nb\tc\nd"
    assert not problems.errors and "\n" in "".join(FRAGMENTS)
