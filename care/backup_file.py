"""The encrypted backup file: a manifest and the database's bytes, sealed with the backup key.

A backup holds every person's data; a copy left on a laptop or a backup server must say
nothing without the key. The key is `CARE_BACKUP_KEY`, never the data key: whoever holds the
backups (an operator, a storage provider) then still cannot read the names encrypted inside,
and a leaked data key does not open the backups.

Format (version 1): a header (magic, the key's id, a random salt), then chunks of at most
1 MiB, each sealed with AES-256-GCM under a key derived from the backup key and the salt
(HKDF), with the header, the chunk's number and a "last chunk" flag as associated data. So
any changed, reordered, dropped or truncated byte is detected, and nothing is decrypted into
garbage. Chunk 0 is the manifest (JSON: kind, time, schema revision, row counts, identity
checksum); the rest is the payload (a SQLite file, or pg_dump's custom format), streamed so
that no plain copy is ever written to disk while making it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CARE-BACKUP-1\n"
CHUNK = 1 << 20
_HEADER = struct.Struct(">8s16s")  # key id, salt
_LEN = struct.Struct(">I")


class BackupFileError(RuntimeError):
    """The file is not a CARE backup, was changed, or was made with a key we do not have."""


def key_bytes(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise BackupFileError("The backup key is not a key made by `python -m care new-key` (32 bytes, base64).")
    return raw


def key_id(key: str) -> bytes:
    return hmac.new(key_bytes(key), b"care backup key id", hashlib.sha256).digest()[:8]


def _aead(key: str, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"care backup v1").derive(key_bytes(key)))


def private_file(path: Path) -> BinaryIO:
    """A new file only its owner may read (0600), in a folder only its owner may enter (0700)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def write(path: Path, key: str, manifest: dict, payload: Iterable[bytes]) -> None:
    """Seal the manifest and the payload's chunks into a new 0600 file at `path`."""
    salt = os.urandom(16)
    header = MAGIC + _HEADER.pack(key_id(key), salt)
    aead = _aead(key, salt)
    try:
        with private_file(path) as out:
            out.write(header)
            pending = json.dumps(manifest, sort_keys=True).encode("utf-8")
            index = 0
            for piece in _rechunk(payload):
                _seal(out, aead, header, index, pending, last=False)
                pending, index = piece, index + 1
            _seal(out, aead, header, index, pending, last=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _rechunk(payload: Iterable[bytes]) -> Iterator[bytes]:
    buf = bytearray()
    for piece in payload:
        buf += piece
        while len(buf) >= CHUNK:
            yield bytes(buf[:CHUNK])
            del buf[:CHUNK]
    if buf:
        yield bytes(buf)


def _seal(out: BinaryIO, aead: AESGCM, header: bytes, index: int, data: bytes, *, last: bool) -> None:
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, data, header + struct.pack(">Q?", index, last))
    out.write(_LEN.pack(len(sealed)) + nonce + sealed)


def read(path: Path, keys: tuple[str, ...]) -> tuple[dict, Iterator[bytes]]:
    """The manifest and an iterator over the payload's chunks, each checked before it is given.

    The iterator raises BackupFileError at the first changed chunk or if the file ends before
    its last chunk: consume it fully before trusting anything built from it.
    """
    fh = path.open("rb")
    try:
        if fh.read(len(MAGIC)) != MAGIC:
            raise BackupFileError("This file is not a CARE backup (or was made by a version before "
                                  "backups were encrypted).")
        packed = fh.read(_HEADER.size)
        if len(packed) != _HEADER.size:
            raise BackupFileError("The backup file is cut short.")
        kid, salt = _HEADER.unpack(packed)
        key = next((k for k in keys if k and hmac.compare_digest(key_id(k), kid)), None)
        if key is None:
            raise BackupFileError("This backup was made with a backup key that is not configured "
                                  "(CARE_BACKUP_KEY, or CARE_BACKUP_KEYS_OLD for earlier keys).")
        header = MAGIC + packed
        chunks = _open_chunks(fh, _aead(key, salt), header)
        index, data, last = next(chunks, (0, None, True))
        if data is None:
            raise BackupFileError("The backup file is cut short.")
        manifest = json.loads(data)
    except BaseException:
        fh.close()
        raise
    return manifest, _payload(fh, chunks, last)


def _payload(fh: BinaryIO, chunks: Iterator[tuple[int, bytes, bool]], last: bool) -> Iterator[bytes]:
    with fh:
        while not last:
            item = next(chunks, None)
            if item is None:
                raise BackupFileError("The backup file is cut short: its last part is missing.")
            _, data, last = item
            yield data
        if fh.read(1):
            raise BackupFileError("The backup file has bytes after its end: it was changed.")


def _open_chunks(fh: BinaryIO, aead: AESGCM, header: bytes) -> Iterator[tuple[int, bytes, bool]]:
    index = 0
    while True:
        size = fh.read(_LEN.size)
        if not size:
            return
        if len(size) != _LEN.size:
            raise BackupFileError("The backup file is cut short.")
        (length,) = _LEN.unpack(size)
        if length > 2 * CHUNK:
            raise BackupFileError("The backup file was changed or damaged: it cannot be trusted.")
        nonce, sealed = fh.read(12), fh.read(length)
        if len(sealed) != length:
            raise BackupFileError("The backup file is cut short.")
        for last in (False, True):
            try:
                data = aead.decrypt(nonce, sealed, header + struct.pack(">Q?", index, last))
            except InvalidTag:
                continue
            yield index, data, last
            break
        else:
            raise BackupFileError("The backup file was changed or damaged (its check failed): it cannot be trusted.")
        index += 1
