"""What the database layer needs from the application, passed in: db/ imports nothing from care/.

Three things: the cipher of the encrypted columns (`db.types.Encrypted*`), the keyed hash of
a birth date (`Case.birth_date_index`), and where the database is (`db.engine.get_engine`).
The application installs them once (`care/__init__.py` calls `install` with `care.crypto`
and `care.config`); using the database before that fails loudly, never writes in clear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Hooks:
    encrypt: Callable[[str], str]
    decrypt: Callable[[str], str]
    encrypt_bytes: Callable[[bytes], bytes]
    decrypt_bytes: Callable[[bytes], bytes]
    day_token: Callable[[date], str]
    database_url: Callable[[], str]


_installed: list[Hooks] = []


def install(hooks: Hooks) -> None:
    _installed[:] = [hooks]


def hooks() -> Hooks:
    if not _installed:
        raise RuntimeError("db.hooks.install was not called: import care (care/__init__.py installs the cipher "
                           "and the database URL) before using the database.")
    return _installed[0]
