"""Identifying data encrypted at rest, and a name search that never stores a name.

A copy of the database (a stolen disk, a backup left on a laptop) must not say who the
people are. Values are encrypted with Fernet from `cryptography` (AES-128-CBC with an
HMAC-SHA256 tag, so a wrong key or a changed byte is detected, never decrypted into
garbage); the key comes from the configuration, never from the database. MultiFernet
encrypts with the current key and still reads with the earlier ones, so a key can be
rotated (`python -m care rotate-key`) while the app keeps working.

SQL cannot look into ciphertext, so each folded word of a name is also stored as a keyed
hash (HMAC-SHA256 under a key derived from the data key with HKDF): the same word gives
the same token, and without the key nobody can test a guess against the tokens. A birth
date gets the same treatment (`day_token`, under a key of its own) so the duplicate check
finds an exact birth date without SQL reading one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from care.config import ConfigError, data_key_problem, settings

TOKEN_HEX = 16  # 64 bits of the HMAC: no two words of a realistic register collide
_INDEX_INFO = b"care name index v1"
_DAY_INFO = b"care birth date index v1"


class DataKeyError(ConfigError):
    """A stored value does not decrypt with any configured key: wrong key, or not encrypted."""


def data_keys() -> tuple[str, ...]:
    """The current key first, then the earlier ones still accepted for reading."""
    s = settings()
    keys = (s.data_key, *s.data_keys_old)
    if keys not in _checked:  # checked once per set of keys, not at every value
        problem = data_key_problem(s)
        if problem:
            raise ConfigError(problem)
        _checked.add(keys)
    return keys


_checked: set[tuple[str, ...]] = set()


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


@lru_cache(maxsize=16)
def _index_key(key: str, info: bytes = _INDEX_INFO) -> bytes:
    # A key of its own for each index: the encryption key is never used for two jobs.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        base64.urlsafe_b64decode(key))


def encrypt(text: str) -> str:
    """The Fernet token of `text` under the current key (different at every call)."""
    return _cipher(data_keys()).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made with the current key or an earlier one, or DataKeyError."""
    try:
        return _cipher(data_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DataKeyError(
            "A stored value cannot be decrypted with CARE_DATA_KEY or any key in CARE_DATA_KEYS_OLD: "
            "the key is wrong (was it rotated without keeping the old one in CARE_DATA_KEYS_OLD?), "
            "or the database was not migrated (python -m care init-db)."
        ) from None


def encrypt_bytes(data: bytes) -> bytes:
    """The Fernet token of a file's bytes under the current key (as ASCII bytes)."""
    return _cipher(data_keys()).encrypt(bytes(data))


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes of a token made with the current key or an earlier one, or DataKeyError."""
    try:
        return _cipher(data_keys()).decrypt(token)
    except InvalidToken:
        raise DataKeyError(
            "A stored file cannot be decrypted with CARE_DATA_KEY or any key in CARE_DATA_KEYS_OLD: "
            "the key is wrong (was it rotated without keeping the old one in CARE_DATA_KEYS_OLD?)."
        ) from None


def is_encrypted(value: str) -> bool:
    """True if `value` is a token one of the configured keys made (used by the migration)."""
    try:
        decrypt(value)
    except DataKeyError:
        return False
    return True


def word_token(word: str, key: str | None = None) -> str:
    """The keyed hash of one folded word under `key` (default: the current key)."""
    digest = hmac.new(_index_key(key or data_keys()[0]), word.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:TOKEN_HEX]


def word_tokens(word: str) -> list[str]:
    """The word's token under every configured key: a search still finds rows indexed
    under an earlier key while a rotation is under way."""
    return list(dict.fromkeys(word_token(word, k) for k in data_keys()))


def day_token(day: date, key: str | None = None) -> str:
    """The keyed hash of a birth date under `key` (default: the current key)."""
    digest = hmac.new(_index_key(key or data_keys()[0], _DAY_INFO), day.isoformat().encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:TOKEN_HEX]


def day_tokens(day: date) -> list[str]:
    """The date's token under every configured key (a rotation may be under way)."""
    return list(dict.fromkeys(day_token(day, k) for k in data_keys()))
