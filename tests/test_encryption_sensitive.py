"""Sensitive data beyond names at rest: birth dates, exploitation, vulnerabilities, notes.

A copy of the demo database is read byte by byte (and, on PostgreSQL, with plain SQL):
none of a case's birth date, forms of exploitation, notes or child's words may be there
in clear. The indicators give the figures they gave before the encryption (a snapshot
computed on main before this change, tests/indicator_snapshot.py), the duplicate check
still finds an exact birth date without reading the whole table, the migration encrypts
what is already stored (and gives it back on downgrade), and rotation covers it all.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from care import config, identity, lifecycle
from care.crypto import day_token
from care.data_keys import encrypted_columns, rotate_data_key
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import (
    Case, ChildView, FollowUp, MinorProcedure, Mitigation, NeedsAssessment, RiskAssessment,
)
from seeds.demo import seed_demo
from seeds.reference import seed_reference
from tests.conftest import TEST_DATA_KEY
from tests.factories import make_actor, make_case
from tests.factories_intake import person, register
from tests.indicator_snapshot import SNAPSHOT, TODAY, figures
from tests.old_rows import insert_old_row


@pytest.fixture
def use_keys(monkeypatch):
    def use(current: str, *old: str) -> None:
        monkeypatch.setenv("CARE_DEMO", "1")
        monkeypatch.setenv("CARE_DATA_KEY", current)
        monkeypatch.setenv("CARE_DATA_KEYS_OLD", ",".join(old))
        config.settings.cache_clear()
    yield use
    config.settings.cache_clear()


def _demo_secrets(s: Session) -> dict[str, str]:
    """What the demo holds that a copy must not show, read back through the models: every
    birth date and list of forms of exploitation, and the notes of the kinds the issue names."""
    found: dict[str, str] = {}
    for case in s.exec(select(Case)).all():
        if case.birth_date:
            found[case.birth_date.isoformat()] = f"{case.code} birth date"
        # As the JSON column wrote it before (json.dumps), and each rarer form's code in quotes.
        found[json.dumps(case.exploitation_forms)] = f"{case.code} forms"
        found[json.dumps(case.vulnerabilities)] = f"{case.code} vulnerabilities"
        for note in (case.closing_note, case.alarm_note, case.return_region):
            if note:
                found[note] = f"{case.code} note or town"
    texts = [*(v.words for v in s.exec(select(ChildView)).all()),
             *(f.wellbeing for f in s.exec(select(FollowUp)).all()),
             *(f.alarm_note for f in s.exec(select(FollowUp)).all()),
             *(p.bid_person for p in s.exec(select(MinorProcedure)).all()),
             *(p.bid_reasons for p in s.exec(select(MinorProcedure)).all()),
             *(r.justification for r in s.exec(select(RiskAssessment)).all()),
             *(m.what for m in s.exec(select(Mitigation)).all()),
             *(n.aspirations for n in s.exec(select(NeedsAssessment)).all())]
    found |= {t: "note" for t in texts if t}
    # Fernet tokens are base64 text: a value of 4 letters ("Oran") turns up inside one by chance
    # about once in 20 files. From 8 characters on, that chance is below one in a million.
    return {k: v for k, v in found.items() if len(k) >= 8}


def test_a_copy_of_the_demo_database_reveals_no_birth_date_exploitation_or_note(tmp_path):
    url = f"sqlite:///{tmp_path / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_reference(s)
        seed_demo(s, today=TODAY)
    with Session(engine) as s:
        secrets = _demo_secrets(s)
        codes = s.exec(select(Case.code)).all()
        words = s.exec(select(ChildView.words)).all()
    engine.dispose()  # the last connection checkpoints the WAL into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("care.db"))
    # The reader sees text (case codes are not protected), and the demo has what is looked for.
    assert all(c.encode() in raw for c in codes)
    assert len(words) >= 10 and sum(v == "note" for v in secrets.values()) >= 80
    assert sum(v.endswith("birth date") for v in secrets.values()) > 100
    assert [(k, v) for k, v in secrets.items() if k.encode("utf-8") in raw] == []


def test_the_indicators_give_the_figures_computed_before_the_encryption(session):
    seed_demo(session, today=TODAY)
    session.flush()
    _same_as_before(figures(session, make_actor(session, "coordinator")))


# Tables added to the report after the snapshot was taken: not there to be snapshot.
ADDED_SINCE = {"plan_lines_by_partner", "rss_months", "rss_change", "rss_groups", "rss_quarters", "early_warnings"}


def _same_as_before(now: dict) -> None:
    """Every table the snapshot holds gives the same figures; only the tables added since are new."""
    before = json.loads(SNAPSHOT.read_text())
    assert {programme: set(tables) - set(before[programme]) for programme, tables in now.items()} == {
        programme: ADDED_SINCE for programme in before}
    assert {programme: {k: v for k, v in tables.items() if k in before[programme]}
            for programme, tables in now.items()} == before


@pytest.mark.postgres
def test_on_postgres_the_demo_columns_hold_no_sensitive_value_and_the_indicators_agree(own_pg_url):
    upgrade(own_pg_url)
    engine = make_engine(own_pg_url)
    with session_scope(engine) as s:
        seed_demo(s, today=TODAY)
    with Session(engine) as s:
        secrets = _demo_secrets(s)
        stored = []
        for table, columns in encrypted_columns().items():
            for row in s.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all():
                stored += [v for v in row if v]
        assert len(stored) > 5000 and all(v.startswith("gAAAAA") for v in stored)
        # Every row of every table as PostgreSQL prints it: what a dump of the database shows.
        everything = "\n".join(v for table in SQLModel.metadata.tables
                               for v in s.execute(text(f"SELECT CAST(t AS text) FROM {table} AS t")).scalars())
        assert "CARE-AT-2014-0001" in everything  # the reader sees text: case codes are not protected
        assert [k for k in secrets if k in everything] == []
        _same_as_before(figures(s, make_actor(s, "coordinator")))
        s.rollback()
    engine.dispose()


# --- what SQL still needs, in clear or hashed --------------------------------------


def test_the_age_at_referral_and_the_birth_date_hash_follow_every_write(session):
    case = make_case(session, referral_date=date(2014, 3, 10), birth_date=date(1994, 5, 1))
    assert (case.age_at_referral, case.birth_date_index) == (19, day_token(date(1994, 5, 1)))
    case.birth_date = date(1994, 3, 10)  # a birthday on the day of the referral: one year more
    session.add(case)
    session.flush()
    assert (case.age_at_referral, case.birth_date_index) == (20, day_token(date(1994, 3, 10)))
    case.birth_date, case.estimated_age = None, 31
    session.add(case)
    session.flush()
    raw = session.execute(text("SELECT birth_date, age_at_referral, birth_date_index FROM care_case "
                               "WHERE id = :c"), {"c": case.id}).one()
    assert tuple(raw) == (None, 31, "")


def test_the_duplicate_check_decrypts_only_the_candidates(session, use_keys):
    """A case SQL keeps out is never decrypted: one stored under a key nobody has would fail
    loudly if the check read the whole table."""
    coord = make_actor(session, "coordinator")
    first = register(session, coord, person=person(birth_date=date(1994, 5, 1))).case_id
    use_keys(Fernet.generate_key().decode())  # a case written under a key that is then gone
    make_case(session, birth_date=date(1960, 1, 1), given="Ada", family="Testperson", closing_note="Unreadable.")
    use_keys(TEST_DATA_KEY)
    session.expunge_all()
    found = identity.similar_cases(session, coord, given="Ada", family="Testperson", aliases="",
                                   birth_date=date(1994, 5, 1), estimated_age=None,
                                   referral_date=date(2014, 3, 10))
    assert [s.case_id for s in found] == [first]
    by_age = identity.similar_cases(session, coord, given="Ada", family="Testperson", aliases="",
                                    birth_date=None, estimated_age=20, referral_date=date(2014, 3, 10))
    assert [s.case_id for s in by_age] == [first]
    assert identity.similar_cases(session, coord, given="Ada", family="Testperson", aliases="",
                                  birth_date=date(1994, 5, 2), estimated_age=None,
                                  referral_date=date(2014, 3, 10)) == []


def test_rotation_covers_birth_dates_lists_and_notes(session, use_keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    use_keys(old)
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord, person=person(
        birth_date=date(1994, 5, 1), exploitation_forms=("labour", "domestic_servitude"), labour_sector="Agriculture",
        vulnerabilities=("MentalHealth",), return_region="Quartier Zongo-Bawku")).case_id
    session.add(ChildView(case_id=case_id, step="assessment", recorded_on=date(2014, 4, 1),
                          words="I want to see my grandmother in Bawku.", recorded_by_id=coord.id))
    session.commit()
    before = session.execute(text("SELECT birth_date, exploitation_forms, return_region, birth_date_index "
                                  "FROM care_case WHERE id = :c"), {"c": case_id}).one()

    use_keys(new, old)
    counts = rotate_data_key(session, username="cli:test")
    session.commit()
    assert counts["care_case"] == 1 and counts["child_view"] == 1
    use_keys(new)  # the old key gone: everything still reads, and the hash is the new key's
    session.expunge_all()
    case = session.get(Case, case_id)
    assert (case.birth_date, case.exploitation_forms, case.labour_sector, case.vulnerabilities, case.return_region) == (
        date(1994, 5, 1), ["labour", "domestic_servitude"], "Agriculture", ["MentalHealth"], "Quartier Zongo-Bawku")
    assert session.exec(select(ChildView.words)).one() == "I want to see my grandmother in Bawku."
    after = session.execute(text("SELECT birth_date, exploitation_forms, return_region, birth_date_index "
                                 "FROM care_case WHERE id = :c"), {"c": case_id}).one()
    assert all(a != b for a, b in zip(after, before))
    assert after.birth_date_index == day_token(date(1994, 5, 1))
    found = identity.similar_cases(session, coord, given="Ada", family="Testperson", aliases="",
                                   birth_date=date(1994, 5, 1), estimated_age=None, referral_date=date(2014, 3, 10))
    assert [s.case_id for s in found] == [case_id]


def test_anonymisation_blanks_the_encrypted_notes_and_keeps_the_age(session):
    case = make_case(session, stage="closed", birth_date=date(1994, 5, 1), closing_note="Moved in with Aunt Efua.",
                     closed_on=date(2014, 6, 1), return_region="Kumasi", exploitation_forms=["sexual"])
    session.add(ChildView(case_id=case.id, step="assessment", recorded_on=date(2014, 4, 1), words="Words.",
                          recorded_by_id=make_actor(session, "coordinator").id))
    session.flush()
    lifecycle.case_anonymise(session, case.id, username="cli:test")
    raw = session.execute(text("SELECT birth_date, birth_date_index, age_at_referral, estimated_age, closing_note, "
                               "return_region FROM care_case WHERE id = :c"), {"c": case.id}).one()
    assert tuple(raw) == (None, "", 19, 19, "", "")
    assert session.exec(select(ChildView.words)).one() == ""
    assert session.get(Case, case.id).exploitation_forms == ["sexual"]  # coded data stay (encrypted)


# --- the migration -----------------------------------------------------------------

PLAIN = {"birth": date(1998, 5, 1), "forms": ["sexual", "forced_criminality"], "note": "Aunt Efua Mensah-Bonsu hid her.",
         "town": "Ashaiman-Zenu", "words": "I miss Kofi and the goats.", "bid": "Judge Amadou Tchamba"}


def _old_database(url: str) -> int:
    from alembic import command

    from db.migrate import alembic_config

    command.upgrade(alembic_config(url), "followup_status_due_on")
    engine = make_engine(url)
    with engine.begin() as conn:
        programme_id = insert_old_row(conn, "programme", code="OLD", name="Old", start_date=date(2013, 1, 1),
                                      end_date=date(2016, 12, 31), currency="EUR")
        user_id = insert_old_row(conn, "app_user", username="old", name="Old", password_hash="x")
        case_id = insert_old_row(
            conn, "care_case", code="CARE-FR-2014-0001", programme_id=programme_id, host_country="FR",
            referral_date=date(2014, 3, 10), identified_by="ngo", sex="Female", birth_date=PLAIN["birth"],
            is_minor=True, nationality="NG", return_country="GH", return_region=PLAIN["town"],
            languages=["en"], exploitation_forms=PLAIN["forms"], control_methods=[], vulnerabilities=[],
            closing_note=PLAIN["note"], stage="closed")
        insert_old_row(conn, "care_case", code="CARE-FR-2014-0002", programme_id=programme_id, host_country="FR",
                       referral_date=date(2014, 3, 10), identified_by="ngo", sex="Male", estimated_age=30,
                       nationality="NG", return_country="GH", languages=[], exploitation_forms=["labour"],
                       control_methods=[], vulnerabilities=[], stage="referred")
        insert_old_row(conn, "child_view", case_id=case_id, step="assessment", recorded_on=date(2014, 4, 1),
                       words=PLAIN["words"], recorded_by_id=user_id)
        insert_old_row(conn, "minor_procedure", case_id=case_id, bid_person=PLAIN["bid"])
    engine.dispose()
    return case_id


def _check_migration(url: str, raw_dir=None) -> None:
    case_id = _old_database(url)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        raw = s.execute(text("SELECT birth_date, nationality, exploitation_forms, return_region, closing_note "
                             "FROM care_case WHERE id = :c"), {"c": case_id}).one()
        assert all(v.startswith("gAAAAA") for v in raw)
        assert s.execute(text("SELECT words FROM child_view")).scalar().startswith("gAAAAA")
        assert s.execute(text("SELECT bid_person FROM minor_procedure")).scalar().startswith("gAAAAA")
        case = s.get(Case, case_id)
        assert (case.birth_date, case.exploitation_forms, case.return_region, case.closing_note, case.nationality,
                case.age_at_referral, case.birth_date_index) == (
            PLAIN["birth"], PLAIN["forms"], PLAIN["town"], PLAIN["note"], "NG", 15, day_token(PLAIN["birth"]))
        assert s.exec(select(Case.age_at_referral).where(Case.code == "CARE-FR-2014-0002")).one() == 30
        assert s.get(MinorProcedure, case_id).bid_person == PLAIN["bid"]
    engine.dispose()
    if raw_dir is not None:  # the plain text is overwritten, not left in free pages
        data = b"".join(p.read_bytes() for p in raw_dir.iterdir() if p.name.startswith("old.db"))
        assert [v for v in (PLAIN["note"], PLAIN["town"], PLAIN["words"], PLAIN["bid"], "1998-05-01",
                            json.dumps(PLAIN["forms"])) if v.encode() in data] == []
    upgrade(url)  # a second run changes nothing
    from alembic import command

    from db.migrate import alembic_config

    command.downgrade(alembic_config(url), "followup_status_due_on")
    engine = make_engine(url)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT birth_date, exploitation_forms, closing_note FROM care_case "
                                 "WHERE id = :c"), {"c": case_id}).one()
        assert (str(back.birth_date), json.loads(back.exploitation_forms) if isinstance(back.exploitation_forms, str)
                else back.exploitation_forms, back.closing_note) == ("1998-05-01", PLAIN["forms"], PLAIN["note"])
        assert conn.execute(text("SELECT words FROM child_view")).scalar() == PLAIN["words"]
    engine.dispose()


def test_the_migration_encrypts_what_is_stored_and_the_downgrade_gives_it_back(tmp_path):
    _check_migration(f"sqlite:///{tmp_path / 'old.db'}", raw_dir=tmp_path)


@pytest.mark.postgres
def test_the_migration_on_postgres(own_pg_url):
    _check_migration(own_pg_url)

