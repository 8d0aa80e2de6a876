"""Backups that are consistent while the app runs, and the way back.

SQLite: the online backup API copies a consistent snapshot even while others write.
PostgreSQL: `pg_dump` in custom format (a consistent snapshot by design) and
`pg_restore --clean`; both programs come with the PostgreSQL client package.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def default_backup_path(url: str, folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if url.startswith("sqlite") else ".dump"
    return folder / f"care-{stamp}{suffix}"


def _sqlite_file(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return database


def _libpq(url: str) -> tuple[str, list[str]]:
    """The libpq connection string pg_dump understands, and a schema option if the URL sets one."""
    u = make_url(url)
    options = u.query.get("options", "")
    schema_args: list[str] = []
    if "search_path=" in options:
        schema_args = ["--schema", options.split("search_path=", 1)[1].split(",")[0].strip()]
    plain = u.set(drivername="postgresql").difference_update_query(["options"])
    return plain.render_as_string(hide_password=False), schema_args


def backup(url: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        src = sqlite3.connect(_sqlite_file(url))
        try:
            out = sqlite3.connect(dest)
            with out:
                src.backup(out)
            out.close()
        finally:
            src.close()
        return dest
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    conn, schema = _libpq(url)
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dest), *schema, conn],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return dest


def restore(url: str, src: Path) -> None:
    """Replace the database's content with the backup's. Stop the app first."""
    if not src.is_file():
        raise BackupError(f"No backup file at {src}.")
    if url.startswith("sqlite"):
        backup_db = sqlite3.connect(src)
        try:
            live = sqlite3.connect(_sqlite_file(url))
            with live:
                backup_db.backup(live)
            live.close()
        finally:
            backup_db.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client).")
    conn, schema = _libpq(url)
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             "--dbname", conn, *schema, str(src)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
