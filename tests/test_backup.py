"""A backup restores every record, on SQLite and on PostgreSQL; it is encrypted, private to its
owner, and a restore checks the file before it touches anything."""

import base64
import os
import sqlite3
import stat

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from care import backup_file
from care.backup import BackupError, backup, libpq
from care.restore import restore, restore_drill
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from seeds.demo import seed_demo

KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
OTHER_KEY = base64.urlsafe_b64encode(b"o" * 32).decode()
KEYS = (KEY,)


def snapshot(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                  for name, table in SQLModel.metadata.tables.items()}
    engine.dispose()
    return counts


def seeded(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_demo(s)
    engine.dispose()


def damage(url: str) -> None:
    """Lose rows and change others (not the audit log: the database refuses to touch it)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM checklist_item"))
        conn.execute(text("UPDATE care_case SET return_region = 'changed'"))
    engine.dispose()


def add_audit_event(url: str) -> None:
    """An event written after the backup: the restore takes the log back to the backup's."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (at, username, action, entity, entity_id, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'tester', 'after.backup', '', '', '')"))
    engine.dispose()


def round_trip(url: str, path) -> None:
    before = snapshot(url)
    assert before["care_case"] > 100 and before["audit_event"] > 0 and before["checklist_item"] > 0
    backup(url, path, KEY)
    damage(url)
    add_audit_event(url)
    after = snapshot(url)
    assert after["checklist_item"] == 0 and after["audit_event"] == before["audit_event"] + 1
    done = restore(url, path, KEYS)
    assert snapshot(url) == before
    assert done.counts["care_case"] == before["care_case"]
    assert f"{before['care_case']} cases" in done.summary()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM care_case WHERE return_region = 'changed'")).scalar_one() == 0
    engine.dispose()


@pytest.fixture(scope="module")
def live_sqlite(tmp_path_factory):
    """A seeded SQLite database and a backup of it; tests copy the database before changing it."""
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'live.db'}"
    seeded(url)
    return folder / "live.db"


def fresh_copy(live_sqlite, tmp_path) -> str:
    dest = tmp_path / "care.db"
    src, out = sqlite3.connect(live_sqlite), sqlite3.connect(dest)
    src.backup(out)
    src.close(), out.close()
    return f"sqlite:///{dest}"


def test_sqlite_backup_and_restore(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    round_trip(url, tmp_path / "backups" / "care.sqlite.carebackup")
    assert not (tmp_path / "care.db.before-restore").exists()  # kept only until the restore succeeded


@pytest.mark.postgres
def test_postgres_backup_and_restore(pg_url, tmp_path):
    seeded(pg_url)
    round_trip(pg_url, tmp_path / "backup.pg.carebackup")


def test_backup_and_its_folder_are_private_and_hold_no_plain_text(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    dest = tmp_path / "backups" / "one.carebackup"
    backup(url, dest, KEY)
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(dest.parent).st_mode) == 0o700
    raw = dest.read_bytes()
    assert b"SQLite format 3" not in raw and b"care_case" not in raw and b"checklist_item" not in raw
    with pytest.raises(BackupError, match="never overwrites"):
        backup(url, dest, KEY)


def test_database_file_and_folder_are_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    url = f"sqlite:///{folder / 'care.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x int)"))
    engine.dispose()
    assert stat.S_IMODE(os.stat(folder / "care.db").st_mode) == 0o600


def test_default_data_folder_is_private():
    from care.config import ROOT, default_sqlite_url

    default_sqlite_url()
    assert stat.S_IMODE(os.stat(ROOT / "data").st_mode) == 0o700


def test_password_goes_to_the_environment_not_the_command_line():
    conn, schema, env = libpq("postgresql+psycopg://care_owner:S3cret-pw@db.example.org:5433/care"
                              "?options=-csearch_path%3Dcare")
    assert "S3cret-pw" not in conn and conn == "postgresql://care_owner@db.example.org:5433/care"
    assert schema == ["--schema", "care"]
    assert env["PGPASSWORD"] == "S3cret-pw"


# --- a restore refuses what it cannot trust, and the live database stays as it was ---------------

def one_table_database(tmp_path) -> bytes:
    path = tmp_path / "hostile.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body text)")
    conn.execute("INSERT INTO notes VALUES ('nothing to see')")
    conn.commit()
    conn.close()
    return path.read_bytes()


def refused(url: str, path, match: str, keys=KEYS) -> None:
    before = snapshot(url)
    with pytest.raises(BackupError, match=match):
        restore(url, path, keys)
    assert snapshot(url) == before


def test_a_plain_database_file_is_refused(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    hostile = tmp_path / "hostile.db"
    hostile.write_bytes(one_table_database(tmp_path / ".."))
    refused(url, hostile, "not a CARE backup")


def test_an_encrypted_file_with_one_unrelated_table_is_refused(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    hostile = tmp_path / "hostile.carebackup"
    manifest = {"kind": "sqlite", "made_at": "2026-01-01T00:00:00+00:00", "revision": None,
                "counts": {"notes": 1}, "identity_sha256": ""}
    backup_file.write(hostile, KEY, manifest, iter([one_table_database(tmp_path)]))
    refused(url, hostile, "schema revision")


def test_a_backup_without_the_tables_the_app_needs_is_refused(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    good = tmp_path / "good.carebackup"
    manifest = backup(url, good, KEY)
    stripped = tmp_path / "stripped.db"
    conn = sqlite3.connect(stripped)
    src = sqlite3.connect(live_sqlite)
    src.backup(conn)
    src.close()
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DROP TABLE checklist_item")
    conn.commit()
    conn.close()
    hostile = tmp_path / "hostile.carebackup"
    backup_file.write(hostile, KEY, manifest, iter([stripped.read_bytes()]))
    refused(url, hostile, "lacks tables the app needs: checklist_item")


def test_a_changed_byte_a_cut_file_and_another_key_are_refused(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    good = tmp_path / "good.carebackup"
    backup(url, good, KEY)
    raw = good.read_bytes()
    changed = tmp_path / "changed.carebackup"
    changed.write_bytes(raw[:5000] + bytes([raw[5000] ^ 1]) + raw[5001:])
    refused(url, changed, "changed or damaged")
    cut = tmp_path / "cut.carebackup"
    cut.write_bytes(raw[: len(raw) // 2])
    refused(url, cut, "cut short")
    refused(url, good, "backup key that is not configured", keys=(OTHER_KEY,))
    # an earlier key kept in CARE_BACKUP_KEYS_OLD still opens it
    assert restore(url, good, (OTHER_KEY, KEY)).counts["care_case"] > 100


def test_names_that_do_not_decrypt_with_the_current_data_key_are_refused(live_sqlite, tmp_path, monkeypatch):
    from care import config, crypto

    url = fresh_copy(live_sqlite, tmp_path)
    good = tmp_path / "good.carebackup"
    backup(url, good, KEY)
    monkeypatch.setenv("CARE_DATA_KEY", base64.urlsafe_b64encode(b"d" * 32).decode())
    config.settings.cache_clear()
    crypto._cipher.cache_clear()
    try:
        before = (tmp_path / "care.db").read_bytes()
        with pytest.raises(BackupError, match="do not decrypt with CARE_DATA_KEY"):
            restore(url, good, KEYS)
        assert (tmp_path / "care.db").read_bytes() == before
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()
        crypto._cipher.cache_clear()


# --- the restore drill -------------------------------------------------------------------------

def test_restore_drill_on_sqlite(live_sqlite, tmp_path):
    url = fresh_copy(live_sqlite, tmp_path)
    good = tmp_path / "good.carebackup"
    manifest = backup(url, good, KEY)
    drill = restore_drill(good, KEYS)
    assert drill.identity_checked and drill.tables == len(manifest["counts"]) > 30
    assert drill.restored.counts["care_case"] == snapshot(url)["care_case"]


@pytest.mark.postgres
def test_restore_drill_on_postgres_into_a_scratch_database(pg_url, tmp_path):
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    seeded(pg_url)
    good = tmp_path / "good.carebackup"
    manifest = backup(pg_url, good, KEY)
    scratch_db = f"care_drill_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(pg_url).difference_update_query(["options"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{scratch_db}"')
    try:
        scratch = make_url(pg_url).difference_update_query(["options"]).set(database=scratch_db)
        scratch_url = scratch.render_as_string(hide_password=False)
        with pytest.raises(BackupError, match="must not be the live database"):
            restore_drill(good, KEYS, scratch_url=pg_url, live_url=pg_url)
        drill = restore_drill(good, KEYS, scratch_url=scratch_url, live_url=pg_url)
        assert drill.identity_checked and drill.tables == len(manifest["counts"]) > 30
        assert drill.restored.counts["care_case"] == snapshot(pg_url)["care_case"]
        eng = create_engine(scratch_url)
        with eng.connect() as conn:  # the drill emptied the scratch database again
            assert conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                {"s": manifest["schema"]}).scalar_one() == 0
        eng.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.postgres
def test_postgres_hostile_backup_is_refused_with_live_database_untouched(pg_url, tmp_path):
    upgrade(pg_url)
    hostile = tmp_path / "hostile.carebackup"
    backup_file.write(hostile, KEY, {"kind": "postgresql", "made_at": "x", "revision": None, "schema": "public",
                                     "counts": {}, "identity_sha256": ""}, iter([b"PGDMP not really"]))
    before = snapshot(pg_url)
    with pytest.raises(BackupError):
        restore(pg_url, hostile, KEYS)
    assert snapshot(pg_url) == before
