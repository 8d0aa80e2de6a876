"""Every audit action the code writes has words in the audit log (a new action without them shows as a code)."""

from __future__ import annotations

import re
from pathlib import Path

from care.audit_words import ACTION_WORDS

ROOT = Path(__file__).resolve().parent.parent
# The first argument after the session and the actor; a conditional gives two literals on its line.
CALL = re.compile(r"audit_record\([^\n]*")
LITERAL = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def test_every_action_written_has_words():
    written = set()
    for path in (ROOT / "care").rglob("*.py"):
        for call in CALL.findall(path.read_text(encoding="utf-8")):
            written |= set(LITERAL.findall(call))
    assert len(written) > 40  # the scan finds the calls
    assert sorted(written - set(ACTION_WORDS)) == []
