"""Time one database, in a process of its own: `python -m bench.run URL ROLE-PAGES... --out FILE`.

Run as a child of `python -m care bench` so that the peak memory it reports is that of an
app process serving this database, not of the builder or of the other sizes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = ROOT / "bench" / "bare_page.py"
USERS = {"coordinator": "coord", "focal_point": "fp.es", "manager": "manager"}
TIMEOUT = 300


def median_time(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of `repeat` calls, after one warm-up call (imports, the engine).

    The CPU time is the process's (every thread: AppTest runs the page in its own); on a
    shared machine it moves much less than the wall time, so the targets are judged on it.
    """
    call()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def _page_run(script: Path, username: str, case_id: int) -> Callable[[], None]:
    from streamlit.testing.v1 import AppTest

    def run() -> None:
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        at.session_state["logout"] = None
        at.query_params["case"] = str(case_id)
        at.run()
        if at.exception:
            raise RuntimeError(f"{script.name} as {username}: {at.exception[0].message}")
        if [e for e in at.error]:
            raise RuntimeError(f"{script.name} as {username}: {at.error[0].value}")
    return run


def representative_case(session) -> int:
    """A case every timed role may open: a CARE case hosted in Spain, in follow-up, with about 5 follow-ups
    (the same kind of case at every size, so that its page and PDF compare across sizes)."""
    from sqlmodel import func, select

    from db.models import Case, FollowUp, Programme

    return session.exec(
        select(Case.id).join(Programme, Programme.id == Case.programme_id)
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(Programme.code == "CARE", Case.host_country == "ES", Case.stage == "follow_up")
        .group_by(Case.id).order_by(func.abs(func.count() - 5), Case.id).limit(1)
    ).one()


def _save_followup(session, actor, case_id: int, today: date) -> None:
    """Log (or correct) the case's first follow-up, with every answer, as the follow-up page does."""
    from sqlmodel import col, select

    from care import followups
    from db.models import FollowUp

    f = session.exec(select(FollowUp).where(FollowUp.case_id == case_id, col(FollowUp.status).in_(("planned", "done")))
                     .order_by(FollowUp.due_on)).first()
    entry = followups.FollowUpEntry(done_on=today, mode="visit", living_where="Benin City", living_with="Her aunt",
                                    wellbeing="Sleeps better.", scores={k: 4 for k in followups.ITEM_DIMENSION})
    followups.followup_log(session, actor, f.id, entry=entry, expected_version=f.version, today=today,
                           acknowledged=True)


def _save_contact(session, actor, case_id: int, today: date) -> None:
    from care import contacts

    contacts.contact_log(session, actor, case_id, kind="call", on=today, reached=False, note="No answer.",
                         acknowledged=True, today=today)


def measure(url: str, *, repeat: int, pages: tuple[str, ...] = ()) -> dict:
    """Every timing for the database at `url`: {"rows": {name: (wall s, cpu s)}, "errors": [...], "rss_mb": ...}."""
    os.environ["DATABASE_URL"] = url
    from care import config


    config.settings.cache_clear()
    from sqlmodel import select

    from care import users
    from care.access import may_open
    from care.caselist import CaseFilter, cases_list
    from care.indicators import indicators_report
    from care.pdf.case_summary import case_summary_pdf
    from care.pdf.indicators import indicators_pdf
    from care.persondocs import DOCUMENTS as PERSON_DOCUMENTS
    from care.pdf.person import person_document_pdf
    from care.ui.nav import PAGES
    from sqlmodel import Session

    from db.engine import make_engine, session_scope
    from db.models import Identity, Programme

    # Cached functions called outside a script run warn at every call; the warning says itself it can be ignored.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    rows: dict[str, tuple[float, float]] = {}
    errors: list[str] = []

    def timed(name: str, call: Callable[[], object]) -> None:
        try:
            rows[name] = median_time(call, repeat)
        except Exception as err:  # a failing item is reported, the others are still measured
            errors.append(f"{name}: {type(err).__name__}: {err}")

    engine = make_engine(url)
    with session_scope(engine) as session:
        case_id = representative_case(session)
        programme_id = session.exec(select(Programme.id).where(Programme.code == "CARE")).one()
        family = session.exec(select(Identity.family_names).where(Identity.case_id == case_id)).one()
        actors = {role: users.actor_load(session, username) for role, username in USERS.items()}
    today = date.today()

    for role, username in USERS.items():
        timed(f"page bare ({role})", _page_run(BARE, username, case_id))
        for spec in PAGES:
            if pages and spec.key not in pages or not may_open(actors[role], spec.key):
                continue
            timed(f"page {spec.key} ({role})", _page_run(ROOT / spec.path, username, case_id))

    rss_pages_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the pages alone
    coord = actors["coordinator"]

    def in_session(fn: Callable) -> Callable[[], object]:
        def call():
            with session_scope(engine) as session:
                return fn(session)
        return call

    timed("indicator queries", in_session(lambda s: indicators_report(s, coord, programme_id=programme_id,
                                                                      today=today)))
    timed("case search by code", in_session(lambda s: cases_list(s, coord, CaseFilter(code="CARE-ES-2014"))))
    timed("case search by name", in_session(lambda s: cases_list(s, coord, CaseFilter(name=family))))

    def rolled_back(fn: Callable) -> Callable[[], object]:
        """A save as the page makes it (checks, writes, audit, flush), rolled back: the database stays as built."""
        def call():
            with Session(engine) as session:
                fn(session)
                session.flush()
                session.rollback()
        return call

    def first(name: str, call: Callable[[], object]) -> None:
        """The first call of the process, before anything is warm (fonts, chart images)."""
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            rows[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        except Exception as err:
            errors.append(f"{name}: {type(err).__name__}: {err}")

    first("case summary PDF, first of the process", in_session(lambda s: case_summary_pdf(s, coord, case_id)))
    first("indicators PDF, first of the process", in_session(
        lambda s: indicators_pdf(s, coord, programme_id=programme_id, date_from=None, date_to=None, today=today,
                                 language="en")))
    timed("case summary PDF", in_session(lambda s: case_summary_pdf(s, coord, case_id)))
    # The person's documents, in Arabic: shaped and mirrored, the slowest of the shipped languages.
    first("person document consent (ar), first of the process", in_session(
        lambda s: person_document_pdf(s, coord, case_id, "consent", language="ar")))
    for document in PERSON_DOCUMENTS:
        timed(f"person document {document} (ar)", in_session(
            lambda s, document=document: person_document_pdf(s, coord, case_id, document, language="ar")))
    timed("indicators PDF", in_session(lambda s: indicators_pdf(s, coord, programme_id=programme_id, date_from=None,
                                                                date_to=None, today=today, language="en")))
    timed("save a follow-up", rolled_back(lambda s: _save_followup(s, coord, case_id, today)))
    timed("save a contact", rolled_back(lambda s: _save_contact(s, coord, case_id, today)))
    engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"rows": rows, "errors": errors, "rss_mb": rss_mb, "rss_pages_mb": rss_pages_mb, "case_id": case_id}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: every page)")
    parser.add_argument("--out", required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    pages = tuple(p for p in args.pages.split(",") if p)
    Path(args.out).write_text(json.dumps(measure(args.url, repeat=args.repeat, pages=pages)))


if __name__ == "__main__":
    main()
