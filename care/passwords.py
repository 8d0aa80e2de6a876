"""Password hashing and the password rules (length, not the name, not easy to guess: zxcvbn)."""

from __future__ import annotations

import os
import secrets
import unicodedata

import bcrypt
from zxcvbn import zxcvbn

from care.i18n import _

MIN_LENGTH = 12

# zxcvbn's score (0-4) below which a password is refused as too easy to guess: its lists
# of common passwords, words, names and keyboard patterns, with digits and l33t added.
MIN_STRENGTH = 3


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=max(4, int(os.environ.get("CARE_BCRYPT_ROUNDS", "12"))))).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def password_problem(password: str, *, username: str = "", name: str = "") -> str | None:
    """Why this password is refused, or None if it is acceptable."""
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in password):
        return _("The password contains a control character or a broken one (an unpaired surrogate): "
                 "type it again.")
    if len(password) < MIN_LENGTH:
        return _("The password must have at least {n} characters.").format(n=MIN_LENGTH)
    if len(password.encode("utf-8")) > 72:
        return _("The password is too long (at most 72 bytes).")
    lowered = password.lower()
    parts = [p for p in [username, *name.split()] if len(p) >= 3]
    if any(p.lower() in lowered for p in parts):
        return _("The password must not contain your name or username.")
    if zxcvbn(password, user_inputs=parts)["score"] < MIN_STRENGTH:
        return _("This password is too common.")
    return None


# No look-alike characters (0/O, 1/l/I), so a password read aloud or copied by hand works.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(*, username: str = "", name: str = "") -> str:
    """A strong one-time password: four groups of four, about 93 bits of randomness."""
    while True:
        password = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        if password_problem(password, username=username, name=name) is None:
            return password
