"""CARE case management: the domain. Plain Python, no streamlit (except care/ui/)."""

from care import config as _config
from care import crypto as _crypto
from db.hooks import Hooks as _Hooks
from db.hooks import install as _install

# The database layer imports nothing from the domain: what it needs is passed in here, once,
# before any care module can reach the database (db/hooks.py).
_install(_Hooks(encrypt=_crypto.encrypt, decrypt=_crypto.decrypt,
                encrypt_bytes=_crypto.encrypt_bytes, decrypt_bytes=_crypto.decrypt_bytes, day_token=_crypto.day_token,
                database_url=lambda: _config.settings().database_url))
