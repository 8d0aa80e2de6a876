"""The files in deploy/: nginx accepts the config, systemd the units, PostgreSQL the roles script,
and the app's role can do what the app needs and nothing more."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from tests import deploy_env, pg
from tests.deploy_env import DEPLOY, NGINX, PSQL, ROOT

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx; see README)")
def test_nginx_accepts_the_shipped_config(tmp_path):
    result = deploy_env.nginx_test(deploy_env.nginx_config(tmp_path, (deploy_env.free_port(), deploy_env.free_port())))
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_config_has_what_streamlit_and_a_team_need():
    conf = (DEPLOY / "nginx" / "care.conf").read_text(encoding="utf-8")
    for needed in ["proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $care_connection_upgrade;",
                   "hash $care_route consistent;", "location = /_stcore/health", "client_max_body_size 11m;",
                   "Strict-Transport-Security", "X-Frame-Options", "Content-Security-Policy", "frame-ancestors 'self'",
                   "listen 443 ssl", "return 301 https://"]:
        assert needed in conf, needed
    # the upload limit matches the app's (10 MB: case documents)
    assert 'maxUploadSize = 10\n' in (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (systemd)")
def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` on the units, with /opt/care pointing at this checkout and the
    environment files present (it checks that the programs exist)."""
    units = sorted(p.name for p in (DEPLOY / "systemd").iterdir())
    assert {"care@.service", "care-migrate.service", "care-backup.service", "care-backup.timer",
            "care-restore-drill.service", "care-restore-drill.timer", "care.target"} <= set(units)
    venv = tmp_path / "opt"
    (venv / ".venv" / "bin").mkdir(parents=True)
    for tool in ("python", "streamlit"):
        (venv / ".venv" / "bin" / tool).symlink_to(sys.executable)
    for unit in units:
        body = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8").replace("/opt/care", str(venv))
        (tmp_path / unit).write_text(body, encoding="utf-8")
    (tmp_path / "care@8501.service").symlink_to(tmp_path / "care@.service")
    checked = [str(tmp_path / u) for u in units if u != "care@.service"] + [str(tmp_path / "care@8501.service")]
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", *checked], capture_output=True, text=True)
    problems = [line for line in result.stderr.splitlines()
                if line.strip() and "/etc/care/" not in line and "User=" not in line]  # not on this machine
    assert result.returncode == 0 or not problems, result.stderr


def test_make_serve_installs_the_runtime_only_and_make_test_the_test_tools():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # -B: every recipe as on a fresh machine, whatever this venv already has installed.
    serve = subprocess.run(["make", "-n", "-B", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    test = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "requirements-test.txt" not in serve and "-r requirements.txt" in serve
    assert "python -m care migrate" in serve and "--server.address 127.0.0.1" in serve
    assert "-r requirements-test.txt" in test
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "\npypdf==" in runtime  # it reads uploaded case documents (care/case_documents.py)
    for tool in ("pytest", "playwright", "hypothesis"):
        assert f"\n{tool}==" not in runtime, tool
        assert f"\n{tool}==" in (ROOT / "requirements-test.txt").read_text(encoding="utf-8").lower(), tool


def test_the_app_listens_on_loopback_only_and_prints_no_network_url(tmp_path, demo_db_url):
    port = deploy_env.free_port()
    log = tmp_path / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": demo_db_url, "CARE_DEMO": "1"},
            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.25)
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout \
            if shutil.which("ss") else ""
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    printed = log.read_text()
    assert f"http://127.0.0.1:{port}" in printed
    assert "Network URL" not in printed and "External URL" not in printed
    if listening:  # the local address of every listening socket on that port
        assert {line.split()[3] for line in listening.splitlines()} == {f"127.0.0.1:{port}"}


# --- PostgreSQL roles ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def team_db():
    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    if PSQL is None:
        pytest.skip("psql is not installed (apt-get install postgresql-client)")
    db = deploy_env.create_team_database(url)
    env = {**os.environ, "CARE_DEMO": "1", "DATABASE_URL": db.url(db.app),
           "CARE_MIGRATE_DATABASE_URL": db.url(db.owner), "CARE_APP_ROLE": db.app}
    result = subprocess.run([sys.executable, "-m", "care", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"rights of the app role {db.app} set" in result.stdout
    yield db
    deploy_env.drop_team_database(db)


def refused(engine, sql: str, match: str) -> None:
    with engine.connect() as conn, pytest.raises(ProgrammingError, match=match):
        conn.execute(text(sql))


@pytest.mark.postgres
def test_the_app_role_changes_rows_not_the_schema(team_db):
    app = create_engine(team_db.url(team_db.app))
    with app.begin() as conn:  # what the app does: read and write rows
        assert conn.execute(text("SELECT count(*) FROM programme")).scalar_one() > 0
        conn.execute(text("UPDATE programme SET name = name"))
        conn.execute(text("INSERT INTO audit_event (at, username, action, entity, entity_id, detail) "
                          "VALUES (now(), 'test', 'test.insert', '', '', '')"))
        assert conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'test.insert'")).scalar_one() == 1
    refused(app, "ALTER TABLE care_case ADD COLUMN x int", "must be owner of table care_case")
    refused(app, "DROP TRIGGER audit_event_no_change ON audit_event", "must be owner")
    refused(app, "CREATE TABLE mine (x int)", "permission denied for schema public")
    refused(app, "CREATE TEMP TABLE mine (x int)", "permission denied to create temporary tables")
    refused(app, "UPDATE alembic_version SET version_num = 'x'", "permission denied for table alembic_version")
    app.dispose()


@pytest.mark.postgres
def test_the_app_role_only_adds_to_the_audit_log(team_db):
    """Refused by the privileges themselves (not only by the triggers, which the owner could drop)."""
    app = create_engine(team_db.url(team_db.app))
    refused(app, "UPDATE audit_event SET action = 'rewritten'", "permission denied for table audit_event")
    refused(app, "DELETE FROM audit_event", "permission denied for table audit_event")
    refused(app, "TRUNCATE audit_event", "permission denied for table audit_event")
    app.dispose()


@pytest.mark.postgres
def test_the_app_role_reads_no_other_schema_or_database(team_db):
    admin = create_engine(make_url(team_db.admin_url).difference_update_query(["options"]).set(database=team_db.name))
    with admin.begin() as conn:
        conn.execute(text("CREATE SCHEMA other"))
        conn.execute(text("CREATE TABLE other.secret (x text)"))
        conn.execute(text("INSERT INTO other.secret VALUES ('not for the app')"))
    admin.dispose()
    app = create_engine(team_db.url(team_db.app))
    refused(app, "SELECT * FROM other.secret", "permission denied for schema other")
    app.dispose()
    drill = create_engine(team_db.url(team_db.app, f"{team_db.name}_drill"))
    with pytest.raises(Exception, match="permission denied for database"):
        with drill.connect():
            pass
    drill.dispose()
