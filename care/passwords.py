"""Password hashing and the password rules (length, not the name, not a common one)."""

from __future__ import annotations

import os
import secrets
import unicodedata

import bcrypt

from care.i18n import _

MIN_LENGTH = 12

# The most common passwords of public breach lists (top entries), lower-cased.
COMMON_PASSWORDS = frozenset(
    """123456 123456789 12345678 password qwerty123 qwerty 1q2w3e4r 111111 12345 1234567890
    123123 000000 iloveyou 1234567 password1 123321 654321 qwertyuiop 123456a a123456 abc123
    password123 welcome welcome1 admin admin123 letmein monkey dragon football baseball
    sunshine princess azerty azertyuiop motdepasse soleil bonjour changeme passw0rd
    trustno1 superman 1qaz2wsx qazwsx michael shadow master jennifer hunter2 whatever
    passwordpassword 123456789012 qwertyqwerty""".split()
)


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
    if lowered in COMMON_PASSWORDS or lowered.rstrip("0123456789!") in COMMON_PASSWORDS:
        return _("This password is too common.")
    parts = [p for p in [username, *name.split()] if len(p) >= 3]
    if any(p.lower() in lowered for p in parts):
        return _("The password must not contain your name or username.")
    return None


# No look-alike characters (0/O, 1/l/I), so a password read aloud or copied by hand works.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(*, username: str = "", name: str = "") -> str:
    """A strong one-time password: four groups of four, about 93 bits of randomness."""
    while True:
        password = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        if password_problem(password, username=username, name=name) is None:
            return password
