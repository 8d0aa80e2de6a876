"""`python -m care`: init-db, user add/list/lock/unlock/set-password, seed-demo refusal."""

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
    assert run(monkeypatch, capsys, "init-db")[0] == 0
    target = tmp_path / "copy.db"
    code, out = run(monkeypatch, capsys, "backup", "--to", str(target))
    assert code == 0 and target.is_file(), out
    code, out = run(monkeypatch, capsys, "restore", str(target))
    assert code == 1 and "--yes" in out
    code, out = run(monkeypatch, capsys, "restore", str(target), "--yes")
    assert code == 0, out


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
