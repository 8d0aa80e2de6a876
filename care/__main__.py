"""Command line: `python -m care init-db | seed-demo | user ... | backup | restore | anonymise | drafts-expire | new-key | rotate-key`.

Runs without the browser, for the first start and for an admin with a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from care import users
from care.config import ConfigError, settings
from care.backup import BackupError
from care.errors import DomainError
from db.engine import get_engine, make_engine, session_scope
from db.migrate import upgrade


def _init_db(_args) -> None:
    from seeds.reference import seed_reference

    upgrade()
    with session_scope(get_engine()) as session:
        seed_reference(session)
    print(f"database ready: {_safe_url()}")


def _seed_demo(args) -> None:
    if not settings().demo:
        raise DomainError("Demo data goes only into a demo database: set CARE_DEMO=1.")
    from seeds.demo import demo_loaded, seed_demo

    _init_db(args)
    with session_scope(get_engine()) as session:
        if demo_loaded(session):
            print("demo data already loaded")
            return
        counts = seed_demo(session)
    print("demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _migrate(_args) -> None:
    """Migrate as the owner role, load reference data, give the app role its rights."""
    from care.db_roles import grant_app, same_role
    from seeds.reference import seed_reference

    s = settings()
    upgrade(s.owner_url)
    engine = make_engine(s.owner_url)
    try:
        with session_scope(engine) as session:
            seed_reference(session)
    finally:
        engine.dispose()
    if s.app_role:
        grant_app(s.owner_url, s.app_role)
        print(f"rights of the app role {s.app_role} set")
    elif s.migrate_url and not same_role(s.migrate_url, s.database_url):
        print("warning: CARE_APP_ROLE is not set: the app role's rights were not granted", file=sys.stderr)
    print(f"database ready: {_safe_url(s.owner_url)}")


def _backup(args) -> None:
    import getpass as gp
    from pathlib import Path

    from care.audit import audit_record
    from care.backup import backup, default_backup_path, rotate
    from care.config import ROOT, backup_keys

    s = settings()
    keys = backup_keys(s)
    folder = Path(s.backup_dir) if s.backup_dir else ROOT / "backups"
    dest = Path(args.to) if args.to else default_backup_path(s.owner_url, folder)
    manifest = backup(s.owner_url, dest, keys[0])
    with session_scope(get_engine()) as session:  # after the copy: the copy does not hold its own record
        audit_record(session, None, "export.backup", detail={"file": dest.name}, username=f"cli:{gp.getuser()}")
    print(f"backup written: {dest} ({manifest['counts'].get('care_case', 0)} cases, "
          f"{sum(manifest['counts'].values())} rows, encrypted with CARE_BACKUP_KEY)")
    if args.rotate:
        for old in rotate(dest.parent, s.backup_keep):
            print(f"old backup deleted: {old.name}")


def _restore(args) -> None:
    import getpass as gp
    from pathlib import Path

    from care.audit import audit_record
    from care.config import backup_keys
    from care.restore import restore

    if not args.yes:
        raise DomainError("Restoring replaces everything in the database. Stop the app, then run again with --yes.")
    s = settings()
    done = restore(s.owner_url, Path(args.file), backup_keys(s), app_role=s.app_role)
    with session_scope(get_engine()) as session:
        audit_record(session, None, "restore", detail={"file": Path(args.file).name, "made_at": done.made_at},
                     username=f"cli:{gp.getuser()}")
    print(f"restored from {args.file}: {done.summary()}")


def _restore_drill(args) -> None:
    from pathlib import Path

    from care.config import backup_keys
    from care.restore import restore_drill

    s = settings()
    drill = restore_drill(Path(args.file), backup_keys(s), scratch_url=args.scratch_url or "", live_url=s.owner_url)
    print(f"restore drill passed: {drill.restored.summary()}; row counts of {drill.tables} tables"
          + (" and the identity checksum" if drill.identity_checked else "") + " equal the backup's manifest")


def _anonymise(args) -> None:
    import getpass as gp
    from datetime import date

    from care.lifecycle import anonymise_due

    with session_scope(get_engine()) as session:
        due = anonymise_due(session, today=date.today(), username=f"cli:{gp.getuser()}", dry_run=args.dry_run)
    verb = "would anonymise" if args.dry_run else "anonymised"
    for item in due:
        print(f"{verb} {item.code} (ended {item.ended_on}, retention ended {item.retention_ends})")
    print(f"{len(due)} case(s) {verb}")


def _drafts_expire(_args) -> None:
    import getpass as gp

    from care.audit import audit_record
    from care.drafts import drafts_expire

    with session_scope(get_engine()) as session:
        n = drafts_expire(session)
        audit_record(session, None, "draft.expire", detail={"deleted": n}, username=f"cli:{gp.getuser()}")
    print(f"{n} draft(s) older than {settings().draft_days} days deleted")


def _new_key(_args) -> None:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode("ascii"))


def _rotate_key(_args) -> None:
    import getpass as gp

    from care.data_keys import rotate_data_key

    with session_scope(get_engine()) as session:
        counts = rotate_data_key(session, username=f"cli:{gp.getuser()}")
    print("re-encrypted with the current key: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if settings().data_keys_old:
        print("every value now reads with CARE_DATA_KEY alone: remove CARE_DATA_KEYS_OLD and restart the app")


def _safe_url(url: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url or settings().database_url).render_as_string(hide_password=True)


def _password(args) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise DomainError("The two passwords differ.")
    return first


def _user_add(args) -> None:
    data = users.NewUser(
        username=args.username, name=args.name, password=_password(args), roles=tuple(args.role),
        email=args.email or "", countries=tuple(args.country or ()), programme_codes=tuple(args.programme or ()),
        language=args.language, must_change_password=not args.no_change,
    )
    with session_scope(get_engine()) as session:
        users.user_create(session, data, actor=None)
    print(f"user {args.username} added")


def _user_list(_args) -> None:
    with session_scope(get_engine()) as session:
        for row in users.users_list(session, actor=None):
            flags = ("locked " if row.locked else "") + ("" if row.is_active else "inactive")
            print(f"{row.username:20} {','.join(row.roles):28} {','.join(row.countries):12} "
                  f"{','.join(row.programmes):24} {flags}")


def _user_lock(args, locked: bool) -> None:
    with session_scope(get_engine()) as session:
        users.user_set_locked(session, args.username, locked, actor=None)
    print(f"user {args.username} {'locked' if locked else 'unlocked'}")


def _user_reset_second_factor(args) -> None:
    from care.users import second_factor_reset

    with session_scope(get_engine()) as session:
        second_factor_reset(session, None, args.username)
    print(f"second factor of {args.username} cleared: they enrol again at their next sign-in")


def _user_set_password(args) -> None:
    with session_scope(get_engine()) as session:
        users.user_set_password(session, args.username, _password(args), actor=None, must_change=not args.no_change)
    print(f"password of {args.username} set")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m care", description="CARE case management")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help="create or migrate the database, load reference data").set_defaults(func=_init_db)
    sub.add_parser("migrate", help="migrate as the owner role (CARE_MIGRATE_DATABASE_URL), load reference data, "
                   "grant the app role (CARE_APP_ROLE) its rights").set_defaults(func=_migrate)
    sub.add_parser("seed-demo", help="load the synthetic demo data set (once)").set_defaults(func=_seed_demo)

    sub.add_parser("new-key", help="print a new random data key (for CARE_DATA_KEY)").set_defaults(func=_new_key)
    sub.add_parser("rotate-key", help="re-encrypt all encrypted data with CARE_DATA_KEY "
                   "(the old key in CARE_DATA_KEYS_OLD)").set_defaults(func=_rotate_key)

    bk = sub.add_parser("backup", help="write a consistent copy of the database")
    bk.add_argument("--to", help="file to write (default: CARE_BACKUP_DIR/care-<UTC time>.<kind>.carebackup)")
    bk.add_argument("--rotate", action="store_true", help="then keep only the CARE_BACKUP_KEEP newest backups")
    bk.set_defaults(func=_backup)
    rs = sub.add_parser("restore", help="check a backup, then replace the database's content with it (stop the app first)")
    rs.add_argument("file")
    rs.add_argument("--yes", action="store_true", help="confirm: everything in the database is replaced")
    rs.set_defaults(func=_restore)
    dr = sub.add_parser("restore-drill", help="restore a backup into a scratch database and compare it with "
                        "its manifest (row counts per table, identity checksum)")
    dr.add_argument("file")
    dr.add_argument("--scratch-url", help="PostgreSQL: an empty database other than the live one (emptied after)")
    dr.set_defaults(func=_restore_drill)

    an = sub.add_parser("anonymise", help="remove the person from cases closed or found ineligible "
                        "longer ago than their programme's retention period")
    an.add_argument("--dry-run", action="store_true", help="only list the cases that would be anonymised")
    an.set_defaults(func=_anonymise)
    sub.add_parser("drafts-expire", help="delete the drafts nobody logged within CARE_DRAFT_DAYS days "
                   "(also done on every draft save)").set_defaults(func=_drafts_expire)

    from bench.cli import add_parser as add_bench
    from care.cli_exchange import add_parsers as add_exchange
    from care.cli_reminders import add_parsers as add_reminders

    add_exchange(sub)
    add_reminders(sub)

    add_bench(sub)

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True,
                     choices=["admin", "coordinator", "focal_point", "manager"])
    add.add_argument("--country", action="append", help="ISO 3166 alpha-2, for focal points (repeat)")
    add.add_argument("--programme", action="append", help="programme code (repeat)")
    add.add_argument("--email")
    add.add_argument("--language", default="en", choices=["en", "fr"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--no-change", action="store_true", help="do not ask for a new password at first login")
    add.set_defaults(func=_user_add)
    user.add_parser("list", help="list users").set_defaults(func=_user_list)
    for name, locked in (("lock", True), ("unlock", False)):
        p = user.add_parser(name, help=f"{name} a user")
        p.add_argument("username")
        p.set_defaults(func=lambda a, locked=locked: _user_lock(a, locked))
    rf = user.add_parser("reset-2fa", help="clear a user's second factor (a lost phone): they enrol again")
    rf.add_argument("username")
    rf.set_defaults(func=_user_reset_second_factor)
    sp = user.add_parser("set-password", help="set a user's password (asks for it)")
    sp.add_argument("username")
    sp.add_argument("--password-stdin", action="store_true")
    sp.add_argument("--no-change", action="store_true")
    sp.set_defaults(func=_user_set_password)

    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except DomainError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    except (BackupError, ConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
