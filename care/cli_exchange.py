"""`python -m care export htcds ...` and `python -m care import FILE [--dry-run]`.

Whoever runs these has the server and the database in hand, as for `backup`: they act as a
coordinator of every programme, recorded in the audit log as `cli:<system user>`.
"""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path

from sqlmodel import select

from care.access import Actor, Role
from care.errors import DomainError
from care.ui.markdown import md_escape
from db.engine import get_engine, session_scope
from db.models import Programme


def cli_actor(session) -> Actor:
    ids = frozenset(session.exec(select(Programme.id)).all())
    name = f"cli:{getpass.getuser()}"
    return Actor(id=None, username=name, name=name, roles=frozenset({Role.COORDINATOR}), programme_ids=ids)


def _programme_id(session, code: str) -> int:
    pid = session.exec(select(Programme.id).where(Programme.code == code)).first()
    if pid is None:
        raise DomainError(f"No programme with the code {md_escape(code)}.")
    return pid


def _export(args) -> None:
    from care.htcds_export import htcds_export

    with session_scope(get_engine()) as session:
        actor = cli_actor(session)
        export = htcds_export(session, actor, programme_id=_programme_id(session, args.programme), fmt=args.format,
                              include_identity=args.include_identity, today=date.today())
        Path(args.out).write_bytes(export.data)
    print(f"{export.cases} case(s) written to {args.out} ({export.with_identity} with identity)")


def _import(args) -> int:
    from care.bulk_import import cases_import

    path = Path(args.file)
    with session_scope(get_engine()) as session:
        actor = cli_actor(session)
        pid = _programme_id(session, args.programme) if args.programme else None
        result = cases_import(session, actor, data=path.read_bytes(), file_name=path.name, today=date.today(),
                              programme_id=pid, dry_run=args.dry_run)
    for error in result.errors:
        where = f"row {error.row}, column {error.column}" if error.row else "file"
        print(f"{where}: {error.message}", file=sys.stderr)
    for row, code, similar in result.possible_duplicates:
        print(f"row {row}: {code} may be the same person as {', '.join(similar)}")
    if not result.ok:
        print(f"{len(result.errors)} error(s): nothing imported", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{result.rows} row(s) checked, no error: run again without --dry-run to import")
    else:
        print(f"{len(result.created)} case(s) imported")
    return 0


def add_parsers(sub) -> None:
    ex = sub.add_parser("export", help="export data").add_subparsers(dest="export_command", required=True)
    ht = ex.add_parser("htcds", help="a programme's cases with HTCDS field names and codes")
    ht.add_argument("--programme", required=True, help="programme code")
    ht.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    ht.add_argument("--out", required=True, help="file to write")
    ht.add_argument("--include-identity", action="store_true",
                    help="names, phone and date of birth, only of the people who consented to sharing")
    ht.set_defaults(func=_export)
    im = sub.add_parser("import", help="import cases from a filled template or an HTCDS-shaped CSV or XLSX file")
    im.add_argument("file")
    im.add_argument("--dry-run", action="store_true", help="check every row and list the errors; write nothing")
    im.add_argument("--programme", help="programme code (default: the file's care_Programme column)")
    im.set_defaults(func=_import)
