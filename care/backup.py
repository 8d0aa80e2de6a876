"""Backups that are consistent while the app runs, encrypted, and only their owner may read.

SQLite: the online backup API copies a consistent snapshot into memory while others write.
PostgreSQL: `pg_dump --format=custom` streams a snapshot that this module exported itself,
so the row counts and the identity checksum in the manifest describe exactly what was
dumped. Either way the bytes go straight into the sealed file (`care/backup_file.py`): no
plain copy touches the disk. The password stays off the command line (`PGPASSWORD` in the
child's environment: a command line is visible to every local user in `ps`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from care import backup_file


class BackupError(RuntimeError):
    pass


IDENTITY_TABLE = "identity"


def default_backup_path(url: str, folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kind = "sqlite" if url.startswith("sqlite") else "pg"
    return folder / f"care-{stamp}.{kind}.carebackup"


def app_tables() -> list[str]:
    """Every table of the current schema, alembic's own included."""
    import db.models  # noqa: F401  (fills the metadata)
    from sqlmodel import SQLModel

    return sorted([*SQLModel.metadata.tables, "alembic_version"])


def census(execute: Callable[[str], object], tables: list[str]) -> dict:
    """Row counts per table and a checksum of the identity table's stored values (ciphertext
    as stored, so equal before and after a restore, and no name is ever decrypted for it)."""
    counts = {name: execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    digest = hashlib.sha256()
    if IDENTITY_TABLE in tables:
        for row in execute(f'SELECT * FROM "{IDENTITY_TABLE}" ORDER BY case_id'):
            digest.update(repr(tuple(row)).encode("utf-8"))
    revision = execute("SELECT version_num FROM alembic_version").fetchone()
    return {"counts": counts, "identity_sha256": digest.hexdigest(), "revision": revision[0] if revision else None}


def backup(url: str, dest: Path, key: str) -> dict:
    """Write an encrypted, consistent backup of the database to `dest` (0600); return its manifest."""
    if dest.exists():
        raise BackupError(f"{dest} exists already: a backup never overwrites a file.")
    if url.startswith("sqlite"):
        manifest, payload = _sqlite_snapshot(url)
        backup_file.write(dest, key, manifest, iter([payload]))
        return manifest
    return _pg_backup(url, dest, key)


def sqlite_file(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return database


def _sqlite_snapshot(url: str) -> tuple[dict, bytes]:
    src = sqlite3.connect(sqlite_file(url))
    mem = sqlite3.connect(":memory:")
    try:
        src.backup(mem)
        present = {r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        manifest = {"kind": "sqlite", "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    **census(mem.execute, [t for t in app_tables() if t in present])}
        image = bytearray(mem.serialize())
        image[18:20] = b"\x01\x01"  # a WAL source's header says WAL, which an in-memory copy cannot open
        return manifest, bytes(image)
    finally:
        mem.close()
        src.close()


def libpq(url: str) -> tuple[str, list[str], dict[str, str]]:
    """pg_dump's connection string without the password, the schema option if the URL sets
    one, and the environment that carries the password."""
    u = make_url(url)
    options = u.query.get("options", "")
    schema_args: list[str] = []
    if "search_path=" in options:
        schema_args = ["--schema", options.split("search_path=", 1)[1].split(",")[0].strip()]
    env = {**os.environ}
    if u.password is not None:
        env["PGPASSWORD"] = str(u.password)
    plain = URL.create("postgresql", username=u.username, host=u.host, port=u.port, database=u.database,
                       query={k: v for k, v in u.query.items() if k != "options"})
    return plain.render_as_string(hide_password=False), schema_args, env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _pg_backup(url: str, dest: Path, key: str) -> dict:
    from db.engine import make_engine

    conn_str, schema, env = libpq(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                present = set(conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").scalars())
                manifest = {"kind": "postgresql", "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "schema": schema[1] if schema else "public",
                            **census(conn.exec_driver_sql, [t for t in app_tables() if t in present])}
                cmd = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                       f"--snapshot={snapshot}", *schema, "--dbname", conn_str]
                proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                try:
                    backup_file.write(dest, key, manifest, _read_all(proc))
                finally:
                    proc.stdout.close()
                    err = proc.stderr.read().decode("utf-8", "replace").strip()
                    proc.wait()
                if proc.returncode != 0:
                    dest.unlink(missing_ok=True)
                    raise BackupError(f"pg_dump failed: {err}")
    finally:
        engine.dispose()
    return manifest


def _read_all(proc: subprocess.Popen) -> Iterator[bytes]:
    while piece := proc.stdout.read(backup_file.CHUNK):
        yield piece


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in `folder`; return what was deleted."""
    found = sorted(folder.glob("care-*.carebackup"))
    old = found[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old
