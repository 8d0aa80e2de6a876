"""Identifying data at rest: a copy of the database alone reveals no name, contact or address.

Names are written through the domain to a real database file, which is then read byte by
byte; the same on PostgreSQL with plain SQL. A wrong key fails loudly, keys rotate, and
the search still finds people by whole words of their names.
"""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import Session, select

from care import config, minors_write
from care.caselist import CaseFilter, cases_list
from care.crypto import DataKeyError, decrypt
from care.data_keys import encrypted_columns, rotate_data_key
from care.identity import identity_read, name_key
from db.engine import make_engine
from db.migrate import upgrade
from db.models import AuditEvent, FollowUp, Identity, MinorActor, MinorProcedure
from seeds.reference import seed_reference
from tests import pg
from tests.factories import make_actor, make_case
from tests.factories_intake import identity, register
from tests.factories_minors import make_minor_case, procedure
from tests.old_rows import insert_old_row

# Synthetic, distinctive names in three scripts, and contacts nobody has.
PERSON = dict(given_names="Élodie Xiomara", family_names="Здравковска", aliases="فاطمة الزهراء; Quellmalz Zuzanka",
              phone="+234 803 555 0142", contact_return="Aunt Wilhelmina, 12 Rue Étienne-Marcel, Lomé",
              emergency_contact="Brother Kwabenyah: +234 803 555 0177")
GUARDIAN, GUARDIAN_PHONE, ACTOR_CONTACT = "Gwendolyn Thistlewood", "+33 6 12 34 56 78", "Maximilienne Orsolya"
LIVING_WHERE, LIVING_WITH = "Quartier Bè-Kpota, Lomé", "Grandmother Adjoavi"
SECRETS = [GUARDIAN, GUARDIAN_PHONE, "33612345678", ACTOR_CONTACT, LIVING_WHERE, LIVING_WITH,
           "2348035550142", "555 0142", "555 0177", "Wilhelmina", "Étienne-Marcel", "Kwabenyah",
           *PERSON["given_names"].split(), PERSON["family_names"], "فاطمة", "الزهراء", "Quellmalz", "Zuzanka",
           # the folded forms a search index in clear would hold
           *name_key(PERSON["given_names"], PERSON["family_names"], PERSON["aliases"]).replace("|", " ").split()]


@pytest.fixture
def use_keys(monkeypatch):
    def use(current: str, *old: str, demo: bool = True) -> None:
        monkeypatch.setenv("CARE_DEMO", "1" if demo else "0")  # demo mode would fall back on the demo key
        monkeypatch.setenv("CARE_DATA_KEY", current)
        monkeypatch.setenv("CARE_DATA_KEYS_OLD", ",".join(old))
        config.settings.cache_clear()
    yield use
    config.settings.cache_clear()  # monkeypatch restores the environment right after


def _write_people(session: Session) -> int:
    """A case with every kind of protected value, written as users would write them."""
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord, identity=identity(**PERSON)).case_id
    minor = make_minor_case(session)
    minors_write.minor_procedure_open(session, coord, case_id=minor.id)
    minors_write.minor_guardian_set(session, coord, case_id=minor.id, version=procedure(session, minor).version,
                                    name=GUARDIAN, organisation="Service (test)", contact=GUARDIAN_PHONE)
    minors_write.minor_escort_set(session, coord, case_id=minor.id, version=procedure(session, minor).version,
                                  kind="guardian", name="")
    row = session.exec(select(MinorActor).where(MinorActor.case_id == minor.id)).first()
    minors_write.minor_actor_update(session, coord, minor_actor_id=row.id, version=row.version, required=True,
                                    contacted_on=date(2014, 10, 1), agreed="Agrees.", contact_name=ACTOR_CONTACT,
                                    today=date(2015, 6, 1))
    session.add(FollowUp(case_id=case_id, due_on=date(2015, 1, 1), living_where=LIVING_WHERE, living_with=LIVING_WITH))
    session.flush()
    # Reads and searches leave their traces in the audit log: those must hold no name either.
    identity_read(session, coord, case_id)
    rows, _total = cases_list(session, coord, CaseFilter(name="ÉLODIE здравковска"))
    assert [r.id for r in rows] == [case_id]
    return case_id


def _leaks(data: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in data or s.casefold().encode("utf-8") in data]


def test_a_copy_of_the_database_file_reveals_no_name_contact_or_address(tmp_path):
    db = tmp_path / "care.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        seed_reference(s)
        case_id = _write_people(s)
        s.commit()
        assert identity_read(s, make_actor(s, "coordinator"), case_id).family_names == "Здравковска"
        s.commit()
    engine.dispose()  # the last connection checkpoints the WAL into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("care.db"))
    assert b"Service (test)" in raw  # the check can see text: the organisation is not protected
    assert _leaks(raw) == []


def test_the_audit_log_holds_no_name(session):
    _write_people(session)
    events = session.exec(select(AuditEvent)).all()
    assert {"identity.read", "identity.search"} <= {e.action for e in events}
    held = " ".join(f"{e.entity_id} {e.detail}" for e in events)
    assert [s for s in SECRETS if s in held or s.casefold() in held.casefold()] == []


@pytest.mark.postgres
def test_on_postgres_the_columns_hold_no_plain_text(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    conn = engine.connect()
    outer = conn.begin()
    try:
        s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        seed_reference(s)
        case_id = _write_people(s)
        stored = []
        for table, columns in encrypted_columns().items():
            for row in conn.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all():
                stored += [v for v in row if v]
        stored += conn.execute(text("SELECT name_index FROM identity")).scalars().all()
        stored += conn.execute(text("SELECT detail FROM audit_event")).scalars().all()
        assert len(stored) > 10 and _leaks("\n".join(stored).encode()) == []
        assert s.get(Identity, case_id).aliases == PERSON["aliases"]
        s.close()
    finally:
        outer.rollback()
        conn.close()
        engine.dispose()


def test_empty_stays_empty_and_sql_comparisons_are_refused(session):
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord, identity=identity(aliases="")).case_id
    raw = session.execute(text("SELECT aliases, given_names FROM identity WHERE case_id = :c"), {"c": case_id}).one()
    assert raw.aliases == "" and raw.given_names not in ("", "Ada")
    with pytest.raises(TypeError, match="encrypted"):
        select(Identity).where(Identity.family_names == "Testperson")
    with pytest.raises(TypeError, match="encrypted"):
        select(MinorProcedure).order_by(MinorProcedure.guardian_name.desc())


def test_a_wrong_key_fails_loudly_and_never_returns_garbage(session, use_keys):
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord).case_id
    session.commit()
    use_keys(Fernet.generate_key().decode())
    session.expunge_all()
    with pytest.raises(DataKeyError, match="CARE_DATA_KEY"):
        session.get(Identity, case_id)
    with pytest.raises(DataKeyError):
        decrypt("not a token")


def test_rotation_re_encrypts_everything_then_the_old_key_can_go(session, use_keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    use_keys(old)
    case_id = _write_people(session)
    coord = make_actor(session, "coordinator")
    session.commit()

    use_keys(new, old)  # step 2 of the README: the new key current, the old one still read
    session.expunge_all()
    assert identity_read(session, coord, case_id).given_names == PERSON["given_names"]
    rows, _ = cases_list(session, coord, CaseFilter(name="xiomara"))  # index still under the old key
    assert [r.id for r in rows] == [case_id]
    counts = rotate_data_key(session, username="cli:test")
    session.commit()
    assert counts["identity"] >= 2 and counts["minor_procedure"] == 1 and counts["followup"] == 1

    use_keys(new)  # step 4: the old key removed
    session.expunge_all()
    view = identity_read(session, coord, case_id)
    assert (view.family_names, view.aliases, view.phone) == (PERSON["family_names"], PERSON["aliases"],
                                                             "+2348035550142")
    proc = session.exec(select(MinorProcedure)).one()
    assert (proc.guardian_name, proc.escort_name) == (GUARDIAN, GUARDIAN)
    assert ACTOR_CONTACT in [a.contact_name for a in session.exec(select(MinorActor)).all()]
    assert session.exec(select(FollowUp)).one().living_with == LIVING_WITH
    for query in ("xiomara", "Quellmalz", "فاطمة"):
        rows, _ = cases_list(session, coord, CaseFilter(name=query))
        assert [r.id for r in rows] == [case_id], query
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "data_key.rotate")).one()
    assert event.username == "cli:test" and '"identity"' in event.detail and _leaks(event.detail.encode()) == []


def test_the_rotate_key_and_new_key_commands(tmp_path, monkeypatch, use_keys, capsys):
    from care.__main__ import main

    assert main(["new-key"]) == 0
    fresh = capsys.readouterr().out.strip()
    Fernet(fresh)  # a valid key
    old = Fernet.generate_key().decode()
    url = f"sqlite:///{tmp_path / 'care.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    use_keys(old)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        seed_reference(s)
        case_id = register(s, make_actor(s, "coordinator")).case_id
        s.commit()
    use_keys(fresh, old)
    assert main(["rotate-key"]) == 0
    assert "identity 1" in capsys.readouterr().out
    use_keys(fresh)
    with Session(engine) as s:
        assert s.get(Identity, case_id).family_names == "Testperson"
    engine.dispose()
    use_keys("not-a-key")
    assert main(["rotate-key"]) == 1
    assert "python -m care new-key" in capsys.readouterr().err


def test_the_migration_encrypts_plain_text_already_stored(tmp_path, use_keys):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _upgrade_plain_database_and_check(url, use_keys, raw_file=tmp_path)


@pytest.mark.postgres
def test_the_migration_encrypts_plain_text_already_stored_on_postgres(use_keys):
    base, reason = pg.test_url()
    if base is None:
        pytest.skip(reason)
    url = pg.create_schema(base)
    try:
        _upgrade_plain_database_and_check(url, use_keys)
    finally:
        pg.drop_schema(url)


def _upgrade_plain_database_and_check(url: str, use_keys, raw_file=None) -> None:
    from alembic import command

    from db.migrate import alembic_config

    command.upgrade(alembic_config(url), "plan_line_lineage")
    engine = make_engine(url)
    with Session(engine) as s:
        seed_reference(s)
        s.commit()
        case_id = _plain_case(s)
    engine.dispose()

    use_keys("", demo=False)  # no key: a clear refusal, nothing changed
    with pytest.raises(config.ConfigError, match="CARE_DATA_KEY is missing"):
        upgrade(url)
    use_keys(Fernet.generate_key().decode())
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        stored = s.execute(text("SELECT given_names, family_names, aliases, phone, name_index FROM identity")).one()
        assert all(v.startswith("gAAAAA") for v in stored[:4])  # Fernet tokens
        assert "ada" not in stored.name_index.split()  # (hex tokens may hold the letters "ada")
        guardian = s.execute(text("SELECT guardian_name, escort_name FROM minor_procedure")).one()
        assert all(v.startswith("gAAAAA") for v in guardian)
        assert s.execute(text("SELECT living_where FROM followup")).scalar().startswith("gAAAAA")
        coord = make_actor(s, "coordinator")
        view = identity_read(s, coord, case_id)
        assert (view.given_names, view.family_names, view.aliases) == ("Élodie", "Здравковска", "Zuzanka")
        assert s.get(MinorProcedure, case_id).escort_name == GUARDIAN
        for query in ("elodie", "здравковска", "zuzanka"):
            rows, _ = cases_list(s, coord, CaseFilter(name=query))
            assert [r.id for r in rows] == [case_id], query
        s.commit()
    engine.dispose()
    if raw_file is not None:  # the plain text is overwritten, not left in free pages
        raw = b"".join(p.read_bytes() for p in raw_file.iterdir() if p.name.startswith("old.db"))
        assert b"Thistlewood" not in raw and "Здравковска".encode() not in raw and b"Zuzanka" not in raw
    upgrade(url)  # a second run changes nothing
    engine = make_engine(url)
    with Session(engine) as s:
        assert s.get(Identity, case_id).family_names == "Здравковска"
    engine.dispose()


def _plain_case(s: Session) -> int:
    """A case as the previous version stored it: names in clear, the index folded text.

    Written with plain SQL into the tables as they were at that revision (the models have
    moved on since)."""
    conn = s.connection()
    case_id = insert_old_row(conn, "care_case", code="CARE-FR-2014-0001", programme_id=1, host_country="FR",
                             referral_date=date(2014, 3, 10), identified_by="ngo", sex="Female",
                             birth_date=date(1998, 5, 1), is_minor=True, nationality="NG", return_country="NG",
                             stage="referred")
    insert_old_row(conn, "identity", case_id=case_id, given_names="Élodie", family_names="Здравковска",
                   aliases="Zuzanka", phone="+2348035550142", name_index="elodie здравковска | zuzanka")
    insert_old_row(conn, "minor_procedure", case_id=case_id, guardian_name=GUARDIAN, escort_name=GUARDIAN)
    insert_old_row(conn, "followup", case_id=case_id, due_on=date(2015, 1, 1), living_where=LIVING_WHERE)
    s.commit()
    return case_id
