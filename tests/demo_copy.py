"""Where tests copy the demo database from: a pristine copy nobody writes to.

The shared demo database (`demo_db_url`) is written while tests run: apps under test open Home
(which raises early warnings and derives tasks) and some tests change a user. A copy taken from it
mid-write by another process came out "malformed" on a loaded machine, and a plain file copy misses
what is still in its write-ahead log. The conftest writes this template once, right after the seed,
as a single file (no write-ahead log), and nothing opens it for writing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPLATE_NAME = "demo-template.db"


def demo_source(demo_db_url: str) -> str:
    """The path of the pristine demo database beside the shared one."""
    return str(Path(demo_db_url.removeprefix("sqlite:///")).with_name(TEMPLATE_NAME))


@contextmanager
def private_demo(demo_db_url: str, directory: Path) -> Iterator[str]:
    """A private copy of the demo database in `directory`, the app's database while the block runs."""
    from care import config

    target = Path(directory) / "care.db"
    with sqlite3.connect(demo_source(demo_db_url)) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    config.settings.cache_clear()
    try:
        yield url
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        config.settings.cache_clear()
