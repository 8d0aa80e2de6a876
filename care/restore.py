"""The way back from a backup, checked before anything is touched.

A restore replaces every record, so the file must prove itself first: it opens with a
configured backup key and no byte was changed (`backup_file`), the database inside is
whole (SQLite's integrity check, pg_restore's table of contents), its schema revision is
one this code knows, every table the app needs is there, its rows match the manifest
written when it was made, and the names in it decrypt with the current data keys. Only
then is the live database replaced, and the previous one is kept until the restore has
succeeded (a copy on SQLite, one transaction on PostgreSQL). `restore_drill` does the
same into a scratch database and compares, so a team knows its backups work before the
day it needs them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from care import backup_file
from care.backup import BackupError, IDENTITY_TABLE, app_tables, census, libpq, pg_tool, sqlite_file

# Tables every revision this code knows has had: an older backup must hold at least these.
CORE_TABLES = ("alembic_version", "app_user", "audit_event", "care_case", "identity", "programme")
SAMPLE = 20  # identity rows whose names are test-decrypted


@dataclass(frozen=True)
class Restored:
    made_at: str
    revision: str
    counts: dict[str, int]
    seconds: float

    def summary(self) -> str:
        c = self.counts
        return (f"backup made {self.made_at} (schema {self.revision}): {c.get('care_case', 0)} cases, "
                f"{c.get('identity', 0)} identities, {c.get('app_user', 0)} users, "
                f"{c.get('audit_event', 0)} audit events, {sum(c.values())} rows in {len(c)} tables "
                f"({self.seconds:.1f} s)")


def _known_revisions() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()


def _check_content(manifest: dict, tables: set[str], revision: str | None, names: list[str], kind: str) -> None:
    """Refuse a backup whose content is not a CARE database this code can take."""
    if manifest.get("kind") != kind:
        raise BackupError(f"This is a {manifest.get('kind')} backup; the database to restore into is {kind}.")
    known, head = _known_revisions()
    if revision is None or revision not in known:
        raise BackupError(f"The backup's schema revision ({revision or 'none'}) is not one this version of CARE "
                          "knows: restore it with the version that made it.")
    if revision != manifest.get("revision"):
        raise BackupError("The backup's content does not match its manifest: it cannot be trusted.")
    needed = set(app_tables()) if revision == head else set(CORE_TABLES)
    missing = sorted(needed - tables)
    if missing:
        raise BackupError("The backup lacks tables the app needs: " + ", ".join(missing[:8])
                          + ("…" if len(missing) > 8 else "") + ". Nothing was changed.")
    from care.crypto import DataKeyError, decrypt

    for value in names:
        try:
            decrypt(value)
        except DataKeyError:
            raise BackupError("The names in this backup do not decrypt with CARE_DATA_KEY or CARE_DATA_KEYS_OLD: "
                              "set the data key that was current when it was made. Nothing was changed.") from None


def _encrypted_identity_columns() -> list[str]:
    from db.models.case import Identity
    from db.types import EncryptedText

    return [c.name for c in Identity.__table__.columns if isinstance(c.type, EncryptedText)]


# --- SQLite -----------------------------------------------------------------------------------

def _sqlite_verified(manifest: dict, payload: bytes) -> sqlite3.Connection:
    mem = sqlite3.connect(":memory:")
    try:
        try:
            image = bytearray(payload)
            image[18:20] = b"\x01\x01"[: len(image[18:20])]  # a WAL header cannot open in memory
            mem.deserialize(bytes(image))
            ok = mem.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            ok = "not a database"
        if ok != "ok":
            raise BackupError(f"The database in the backup is damaged ({ok}). Nothing was changed.")
        tables = {r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = (mem.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
            if "alembic_version" in tables else None
        names: list[str] = []
        if IDENTITY_TABLE in tables:
            for col in _encrypted_identity_columns():
                names += [r[0] for r in mem.execute(
                    f'SELECT "{col}" FROM identity WHERE "{col}" != \'\' LIMIT {SAMPLE}')]
        _check_content(manifest, tables, revision, names, "sqlite")
        if census(mem.execute, [t for t in app_tables() if t in tables])["counts"] != manifest.get("counts"):
            raise BackupError("The backup's rows do not match its manifest: it cannot be trusted.")
        return mem
    except BaseException:
        mem.close()
        raise


def _sqlite_restore(url: str, manifest: dict, payload: bytes) -> None:
    verified = _sqlite_verified(manifest, payload)
    live_path = Path(sqlite_file(url))
    keep = live_path.with_name(live_path.name + ".before-restore")
    try:
        keep.unlink(missing_ok=True)
        os.close(os.open(keep, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        live = sqlite3.connect(live_path)
        before = sqlite3.connect(keep)
        try:
            live.backup(before)  # the previous database, until the restore has succeeded
            try:
                verified.backup(live)
                _after_restore(url, manifest)
            except BaseException:
                before.backup(live)
                raise
        finally:
            before.close()
            live.close()
    finally:
        verified.close()
    keep.unlink()


# --- PostgreSQL -------------------------------------------------------------------------------

def _pg_copy_rows(dump: Path, table: str, limit: int) -> tuple[list[str], list[list[str | None]]]:
    """Columns and the first rows of one table's data in a custom-format dump (COPY text)."""
    out = subprocess.run([pg_tool("pg_restore"), "--data-only", "--table", table, "--file", "-", str(dump)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise BackupError(f"The database in the backup cannot be read: {out.stderr.strip()}")
    columns: list[str] = []
    rows: list[list[str | None]] = []
    lines = iter(out.stdout.splitlines())
    for line in lines:
        if line.startswith("COPY "):
            columns = [c.strip().strip('"') for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
            for row in lines:
                if row == "\\." or len(rows) >= limit:
                    break
                rows.append([None if v == "\\N" else v for v in row.split("\t")])
            break
    return columns, rows


def _pg_verified(manifest: dict, dump: Path) -> None:
    toc = subprocess.run([pg_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True)
    if toc.returncode != 0:
        raise BackupError(f"The database in the backup is damaged: {toc.stderr.strip()}. Nothing was changed.")
    tables = set()
    for line in toc.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 6 and not line.startswith(";") and parts[3] == "TABLE" and parts[4] == manifest.get("schema"):
            tables.add(parts[5])
    revision = None
    if "alembic_version" in tables:
        rows = _pg_copy_rows(dump, "alembic_version", 1)[1]
        revision = rows[0][0] if rows else None
    names: list[str] = []
    if IDENTITY_TABLE in tables:
        columns, rows = _pg_copy_rows(dump, IDENTITY_TABLE, SAMPLE)
        for col in _encrypted_identity_columns():
            if col in columns:
                names += [r[columns.index(col)] for r in rows if r[columns.index(col)]]
    _check_content(manifest, tables, revision, names, "postgresql")


def _pg_load(url: str, dump: Path) -> None:
    """pg_restore in one transaction: on any error the previous database stays as it was."""
    conn_str, schema, env = libpq(url)
    result = subprocess.run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--single-transaction", "--exit-on-error", "--dbname", conn_str, *schema, str(dump)],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, the database is as it was: {result.stderr.strip()}")


# --- both -------------------------------------------------------------------------------------

def _live_census(url: str) -> dict:
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(conn.dialect.get_table_names(conn))
            return census(conn.exec_driver_sql, [t for t in app_tables() if t in present])
    finally:
        engine.dispose()


def _after_restore(url: str, manifest: dict) -> None:
    """Compare what is now in the database with the manifest, then migrate an older backup."""
    now = _live_census(url)
    if now["counts"] != manifest["counts"] or now["identity_sha256"] != manifest["identity_sha256"]:
        differ = sorted(t for t in set(now["counts"]) | set(manifest["counts"])
                        if now["counts"].get(t) != manifest["counts"].get(t))
        raise BackupError("After the restore the rows differ from the backup's manifest: "
                          + (", ".join(differ) or "identity checksum"))
    _, head = _known_revisions()
    if manifest["revision"] != head:
        from db.migrate import upgrade

        upgrade(url)


def _open(src: Path, keys: tuple[str, ...]) -> tuple[dict, object]:
    if not src.is_file():
        raise BackupError(f"No backup file at {src}.")
    try:
        return backup_file.read(src, keys)
    except (backup_file.BackupFileError, ValueError) as err:
        raise BackupError(f"{err} Nothing was changed.") from None


def _with_payload(src: Path, keys: tuple[str, ...], work) -> dict:
    """Decrypt and check the whole file, then hand its manifest and payload to `work`.

    A PostgreSQL payload goes to a 0600 file in a 0700 folder of its own (pg_restore needs a
    file), deleted afterwards."""
    manifest, chunks = _open(src, keys)
    try:
        if manifest.get("kind") == "sqlite":
            return work(manifest, b"".join(chunks))
        with tempfile.TemporaryDirectory(prefix="care-restore-") as tmp:
            dump = Path(tmp) / "payload.dump"
            with backup_file.private_file(dump) as out:
                for piece in chunks:
                    out.write(piece)
            return work(manifest, dump)
    except backup_file.BackupFileError as err:
        raise BackupError(f"{err} Nothing was changed.") from None


def restore(url: str, src: Path, keys: tuple[str, ...], *, app_role: str = "") -> Restored:
    """Replace the database's content with the backup's, after checking it. Stop the app first."""
    started = time.monotonic()

    def work(manifest: dict, payload) -> dict:
        if url.startswith("sqlite"):
            if manifest.get("kind") != "sqlite":
                raise BackupError("This is a PostgreSQL backup; the database to restore into is SQLite.")
            _sqlite_restore(url, manifest, payload)
        else:
            if manifest.get("kind") != "postgresql":
                raise BackupError("This is a SQLite backup; the database to restore into is PostgreSQL.")
            schema = (libpq(url)[1] or [None, "public"])[1]
            if manifest.get("schema") != schema:
                raise BackupError(f"This backup holds the schema {manifest.get('schema')}; the database URL names "
                                  f"{schema}. Nothing was changed.")
            _pg_verified(manifest, payload)
            _pg_load(url, payload)
            if app_role:
                from care.db_roles import grant_app

                grant_app(url, app_role)
            _after_restore(url, manifest)
        return manifest

    manifest = _with_payload(src, keys, work)
    return Restored(manifest["made_at"], manifest["revision"], manifest["counts"], time.monotonic() - started)


@dataclass(frozen=True)
class Drill:
    restored: Restored
    tables: int
    identity_checked: bool


def restore_drill(src: Path, keys: tuple[str, ...], *, scratch_url: str = "", live_url: str = "") -> Drill:
    """Restore the backup into a scratch database, compare row counts per table and the identity
    checksum with the manifest written when it was made, then empty the scratch database.

    SQLite needs no scratch URL (a private temporary file). On PostgreSQL the scratch database
    must be another database than the live one: the drill drops what it restored there."""
    if scratch_url:
        same = live_url and make_url(scratch_url).set(query={}) == make_url(live_url).set(query={})
        if same or (live_url and scratch_url == live_url):
            raise BackupError("The drill's scratch database must not be the live database.")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="care-drill-") as tmp:
        os.chmod(tmp, 0o700)

        def work(manifest: dict, payload) -> dict:
            if manifest.get("kind") == "sqlite":
                target = f"sqlite:///{Path(tmp) / 'scratch.db'}"
                _sqlite_restore(target, manifest, payload)
                return manifest
            if not scratch_url.startswith("postgresql"):
                raise BackupError("A PostgreSQL backup needs --scratch-url: an empty database other than the live one.")
            _pg_verified(manifest, payload)
            target = make_url(scratch_url).update_query_dict(
                {"options": f"-csearch_path={manifest['schema']}"}).render_as_string(hide_password=False)
            try:
                _pg_schema(scratch_url, manifest["schema"], create=True)
                _pg_load(target, payload)
                _after_restore(target, manifest)
            finally:
                _pg_schema(scratch_url, manifest["schema"], create=False)
            return manifest

        manifest = _with_payload(src, keys, work)
    restored = Restored(manifest["made_at"], manifest["revision"], manifest["counts"], time.monotonic() - started)
    return Drill(restored, len(manifest["counts"]), bool(manifest["counts"].get(IDENTITY_TABLE)))


def _pg_schema(url: str, schema: str, *, create: bool) -> None:
    """Create the backup's schema in the scratch database, or drop it with what the drill restored."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if create:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                return
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            if schema == "public":
                conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
