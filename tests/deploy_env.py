"""The files in deploy/, made runnable by a test without root: the shipped nginx config with
only its ports, certificate and log paths changed, and the shipped PostgreSQL roles script."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
PSQL = shutil.which("psql")


def free_port() -> int:
    """A free port in a high range on 127.0.0.1 (never another interface)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    crt, pem = folder / "cert.pem", folder / "key.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    os.chmod(pem, 0o600)
    return crt, pem


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/care.conf no longer holds {old!r}: update the test with the config"
    return text.replace(old, new)


@dataclass
class Nginx:
    folder: Path
    https_port: int
    conf: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "care-access.log"


def nginx_config(folder: Path, app_ports: tuple[int, int]) -> Nginx:
    """A main nginx.conf in `folder` that includes the shipped site config, changed only where a
    test must: loopback high ports, a self-signed certificate, logs and pid in `folder`."""
    crt, pem = self_signed(folder)
    https_port, http_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "care.conf").read_text(encoding="utf-8")
    for old, new in [
        ("server 127.0.0.1:8501 ", f"server 127.0.0.1:{app_ports[0]} "),
        ("server 127.0.0.1:8502 ", f"server 127.0.0.1:{app_ports[1]} "),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("/etc/letsencrypt/live/care.example.org/fullchain.pem", str(crt)),
        ("/etc/letsencrypt/live/care.example.org/privkey.pem", str(pem)),
        ("/var/log/nginx/care-access.log", str(folder / "care-access.log")),
    ]:
        site = _replace(site, old, new)
    (folder / "care.conf").write_text(site, encoding="utf-8")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder / 'client_body'};
    proxy_temp_path {folder / 'proxy'};
    fastcgi_temp_path {folder / 'fastcgi'};
    uwsgi_temp_path {folder / 'uwsgi'};
    scgi_temp_path {folder / 'scgi'};
    access_log off;
    include {folder / 'care.conf'};
}}
""", encoding="utf-8")
    return Nginx(folder, https_port, conf)


def nginx_test(nginx: Nginx) -> subprocess.CompletedProcess:
    return subprocess.run([NGINX, "-t", "-p", str(nginx.folder), "-c", str(nginx.conf)],
                          capture_output=True, text=True)


@dataclass
class TeamDatabase:
    """A database made by deploy/postgres-roles.sql, with its owner and app roles."""

    admin_url: str  # the superuser's, for the test's own checks and the cleanup
    name: str
    owner: str
    app: str
    password: str

    def url(self, role: str, database: str | None = None) -> str:
        u = make_url(self.admin_url).set(username=role, password=self.password, database=database or self.name)
        return u.difference_update_query(["options"]).render_as_string(hide_password=False)


def create_team_database(admin_url: str) -> TeamDatabase:
    """Run the shipped roles script as the superuser, with unique names (roles are cluster-wide)."""
    tag = uuid.uuid4().hex[:8]
    db = TeamDatabase(admin_url, f"care_t_{tag}", f"care_owner_{tag}", f"care_app_{tag}", f"pw-{uuid.uuid4().hex}")
    u = make_url(admin_url)
    env = {**os.environ, "PGHOST": u.host or "127.0.0.1", "PGPORT": str(u.port or 5432),
           "PGUSER": u.username or "postgres", "PGDATABASE": u.database or "postgres"}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    out = subprocess.run([PSQL, "-X", "-q", "-v", f"db={db.name}", "-v", f"owner={db.owner}", "-v", f"app={db.app}",
                          "-v", f"owner_password={db.password}", "-v", f"app_password={db.password}",
                          "-f", str(DEPLOY / "postgres-roles.sql")], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        drop_team_database(db)
        raise AssertionError(f"deploy/postgres-roles.sql failed: {out.stderr}")
    return db


def drop_team_database(db: TeamDatabase) -> None:
    from sqlalchemy import create_engine

    eng = create_engine(make_url(db.admin_url).difference_update_query(["options"]), isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        for name in (db.name, f"{db.name}_drill"):
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in (db.app, db.owner):
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    eng.dispose()
