"""`python -m care`: init-db, user add/list/lock/unlock/set-password/reset-2fa, seed-demo refusal."""

import io

import pytest
from sqlmodel import select

from care import config
from care.__main__ import main
from db import engine as db_engine


@pytest.fixture
def cli_db(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    config.settings.cache_clear()
    db_engine.engine_for.cache_clear()
    yield
    config.settings.cache_clear()
    db_engine.engine_for.cache_clear()


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_user_lifecycle_on_the_command_line(cli_db, monkeypatch, capsys):
    assert run(monkeypatch, capsys, "init-db")[0] == 0
    code, out = run(monkeypatch, capsys, "user", "add", "fp.ne", "--name", "Awa Demo", "--role", "focal_point",
                    "--country", "NE", "--programme", "CARE", "--password-stdin", stdin="long-enough-secret\n")
    assert code == 0, out
    code, out = run(monkeypatch, capsys, "user", "list")
    assert "fp.ne" in out and "focal_point" in out and "NE" in out and "CARE" in out
    assert run(monkeypatch, capsys, "user", "lock", "fp.ne")[0] == 0
    assert "locked" in run(monkeypatch, capsys, "user", "list")[1]
    assert run(monkeypatch, capsys, "user", "unlock", "fp.ne")[0] == 0
    code, out = run(monkeypatch, capsys, "user", "set-password", "fp.ne", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least" in out
    code, out = run(monkeypatch, capsys, "user", "set-password", "fp.ne", "--password-stdin",
                    stdin="another-long-secret\n")
    assert code == 0, out


def test_seed_demo_refuses_outside_demo_mode(cli_db, monkeypatch, capsys):
    monkeypatch.setenv("CARE_DEMO", "0")
    config.settings.cache_clear()
    code, out = run(monkeypatch, capsys, "seed-demo")
    assert code == 1 and "CARE_DEMO=1" in out


def test_backup_and_restore_commands(cli_db, monkeypatch, capsys, tmp_path):
    import base64

    assert run(monkeypatch, capsys, "init-db")[0] == 0
    target = tmp_path / "backups" / "copy.carebackup"
    monkeypatch.delenv("CARE_BACKUP_KEY", raising=False)
    monkeypatch.setenv("CARE_DEMO", "0")
    config.settings.cache_clear()
    code, out = run(monkeypatch, capsys, "backup", "--to", str(target))
    assert code == 1 and "CARE_BACKUP_KEY is missing" in out and not target.exists()
    monkeypatch.setenv("CARE_DEMO", "1")
    monkeypatch.setenv("CARE_BACKUP_KEY", base64.urlsafe_b64encode(b"b" * 32).decode())
    config.settings.cache_clear()
    code, out = run(monkeypatch, capsys, "backup", "--to", str(target))
    assert code == 0 and target.is_file() and "encrypted with CARE_BACKUP_KEY" in out, out
    code, out = run(monkeypatch, capsys, "restore", str(target))
    assert code == 1 and "--yes" in out
    code, out = run(monkeypatch, capsys, "restore", str(target), "--yes")
    assert code == 0 and "restored from" in out and "0 cases" in out, out
    code, out = run(monkeypatch, capsys, "restore-drill", str(target))
    assert code == 0 and "restore drill passed" in out and "equal the backup's manifest" in out, out
    monkeypatch.setenv("CARE_BACKUP_KEY", config.settings().data_key)
    config.settings.cache_clear()
    code, out = run(monkeypatch, capsys, "backup", "--to", str(tmp_path / "b2"))
    assert code == 1 and "must not be a data key" in out


def test_anonymise_command_lists_with_dry_run_then_anonymises(cli_db, monkeypatch, capsys):
    from datetime import date

    from db.engine import get_engine, session_scope
    from db.models import Case
    from tests.factories import make_case

    assert run(monkeypatch, capsys, "init-db")[0] == 0
    with session_scope(get_engine()) as s:
        code = make_case(s, stage="closed", closing_reason="completed", closed_on=date(2014, 1, 10)).code
        make_case(s, stage="follow_up")
    out = run(monkeypatch, capsys, "anonymise", "--dry-run")[1]
    assert f"would anonymise {code} (ended 2014-01-10, retention ended 2019-01-10)" in out
    assert "1 case(s) would anonymise" in out
    with session_scope(get_engine()) as s:
        assert s.exec(select(Case).where(Case.code == code)).one().anonymised_at is None
    exit_code, out = run(monkeypatch, capsys, "anonymise")
    assert exit_code == 0 and f"anonymised {code}" in out
    with session_scope(get_engine()) as s:
        assert s.exec(select(Case).where(Case.code == code)).one().anonymised_at is not None
    assert "0 case(s) anonymised" in run(monkeypatch, capsys, "anonymise")[1]


def test_a_lost_second_factor_is_cleared_on_the_command_line(cli_db, monkeypatch, capsys):
    import pyotp

    from care import second_factor, users
    from db.engine import engine_for, session_scope

    assert run(monkeypatch, capsys, "init-db")[0] == 0
    assert run(monkeypatch, capsys, "user", "add", "co.lost", "--name", "Co Demo", "--role", "coordinator",
               "--programme", "CARE", "--password-stdin", stdin="long-enough-secret\n")[0] == 0
    secret = pyotp.random_base32()
    url = config.settings().database_url
    with session_scope(engine_for(url)) as s:
        second_factor.enrol(s, users.actor_load(s, "co.lost"), secret=secret, code=pyotp.TOTP(secret).now())
    code, out = run(monkeypatch, capsys, "user", "reset-2fa", "co.lost")
    assert code == 0 and "enrol again" in out
    with session_scope(engine_for(url)) as s:
        assert not second_factor.is_enrolled(s, users.actor_load(s, "co.lost").id)


def test_drafts_expire_command_deletes_old_drafts_only(cli_db, monkeypatch, capsys):
    from datetime import UTC, datetime, timedelta

    from db.engine import get_engine, session_scope
    from db.models import Draft
    from tests.factories import make_actor, make_case

    assert run(monkeypatch, capsys, "init-db")[0] == 0
    monkeypatch.setenv("CARE_DRAFT_DAYS", "5")
    config.settings.cache_clear()
    now = datetime.now(UTC)
    with session_scope(get_engine()) as s:
        user_id, case_id = make_actor(s, "coordinator").id, make_case(s).id
        s.add_all([Draft(user_id=user_id, case_id=case_id, form="contact", payload="{}", saved_at=now - timedelta(days=6)),
                   Draft(user_id=user_id, case_id=case_id, form="followup", payload="{}",
                         saved_at=now - timedelta(days=4))])
    exit_code, out = run(monkeypatch, capsys, "drafts-expire")
    assert exit_code == 0 and "1 draft(s) older than 5 days deleted" in out
    with session_scope(get_engine()) as s:
        assert s.exec(select(Draft.form)).all() == ["followup"]
