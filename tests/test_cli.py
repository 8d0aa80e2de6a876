"""`python -m care`: init-db, user add/list/lock/unlock/set-password, seed-demo refusal."""

import io

import pytest

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
