"""Where tests copy the demo database from: a pristine copy nobody writes to.

The shared demo database (`demo_db_url`) is written while tests run: apps under test open Home
(which raises early warnings and derives tasks) and some tests change a user. A copy taken from it
mid-write by another process came out "malformed" on a loaded machine, and a plain file copy misses
what is still in its write-ahead log. The conftest writes this template once, right after the seed,
as a single file (no write-ahead log), and nothing opens it for writing.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE_NAME = "demo-template.db"


def demo_source(demo_db_url: str) -> str:
    """The path of the pristine demo database beside the shared one."""
    return str(Path(demo_db_url.removeprefix("sqlite:///")).with_name(TEMPLATE_NAME))
