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
USERS = {"coordinator": "coord", "focal_point": "fp.es", "return focal point": "fp.ng", "manager": "manager",
         "admin": "admin"}
TIMEOUT = 300


def clear_caches() -> None:
    """What a cold run starts from: no app cache (Streamlit's cache_data: the indicators report,
    the chart specs), and the report cache's counters at zero. The engine and its connections
    stay (a running server keeps them), and so do the database's own buffers."""
    import streamlit as st

    from care.ui import indicators as ui_indicators

    st.cache_data.clear()
    ui_indicators.CACHE_STATS.update(asked=0, computed=0)


def cache_hits() -> int:
    from care.ui import indicators as ui_indicators

    return ui_indicators.cache_hits()


def timings(call: Callable[[], object], repeat: int) -> dict:
    """Median wall and CPU time of `repeat` cold calls (caches cleared before each) and of `repeat`
    warm calls (the caches as the last cold call left them); with the cache hits the cold calls
    saw (must be 0: otherwise they were not cold).

    The CPU time is this process's (every thread: AppTest runs the page in its own); the
    database server's work is not in it, so the targets are judged on wall time."""
    call()  # imports, the engine's first connection, fonts: what only the first call of a process pays
    cold_w, cold_c, hits = [], [], 0
    for _ in range(repeat):
        clear_caches()
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cold_c.append(time.process_time() - cpu)
        cold_w.append(time.perf_counter() - wall)
        hits += cache_hits()
    warm_w, warm_c = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        warm_c.append(time.process_time() - cpu)
        warm_w.append(time.perf_counter() - wall)
    med = statistics.median
    return {"cold": (med(cold_w), med(cold_c)), "warm": (med(warm_w), med(warm_c)), "cold_cache_hits": hits}


def _page_run(script: Path, username: str, case_id: int, state: dict | None = None) -> Callable[[], None]:
    from streamlit.testing.v1 import AppTest

    def run() -> None:
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        for key, value in (state or {}).items():
            at.session_state[key] = value
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


def floor_pass(session, programme_id: int) -> int:
    """The physical floor of the indicators: one pass over the programme's cases, follow-ups, plan
    lines and payments (every column the indicators read), through the same driver; the rows read."""
    from sqlmodel import select

    from db.models import Case, FollowUp, Payment, Plan, PlanLine

    n = 0
    for stmt in (
        select(Case.id, Case.stage, Case.is_minor, Case.host_country, Case.return_country, Case.sex,
               Case.age_at_referral, Case.referral_date, Case.departure_date, Case.arrival_date, Case.alarm_open)
        .where(Case.programme_id == programme_id),
        select(FollowUp.case_id, FollowUp.kind, FollowUp.months_after, FollowUp.status, FollowUp.due_on,
               FollowUp.done_on, FollowUp.alarms).join(Case, Case.id == FollowUp.case_id)
        .where(Case.programme_id == programme_id),
        select(Plan.case_id, Plan.status, PlanLine.category, PlanLine.subcategory, PlanLine.amount_programme,
               PlanLine.duration_months, PlanLine.partner_id).join(Plan, Plan.id == PlanLine.plan_id)
        .join(Case, Case.id == Plan.case_id).where(Case.programme_id == programme_id),
        select(Payment.plan_line_id, Payment.amount, Payment.cancelled_at).join(PlanLine, PlanLine.id == Payment.plan_line_id)
        .join(Plan, Plan.id == PlanLine.plan_id).join(Case, Case.id == Plan.case_id)
        .where(Case.programme_id == programme_id),
    ):
        n += len(session.connection().execute(stmt).all())  # Core rows, as the indicators read theirs
    return n


IMPORT_ROW = {  # one case of a partner's spreadsheet (tests/test_bulk_import.py's), checked, not written
    "care_Programme": "CARE", "care_CaseCode": "OLD-1", "cas_Status": "Active", "care_HostCountry": "FR",
    "cas_IncomingReferralDate": "2014-03-10", "care_IdentifiedBy": "ngo", "cas_ReferringOrganisation": "Amicale Test",
    "org_Type": "NGO", "prs_FirstName": "Ada", "prs_SecondName": "Okoro", "prs_Birthdate": "1994-05-01",
    "prs_Gender": "Female", "prs_Nationality": "NG", "care_Languages": "en; yo",
    "vic_AgreementToManagePersonalData": "yes", "care_ConsentDate": "2014-03-10", "care_ConsentMethod": "written",
    "care_ConsentLanguage": "en", "care_ConsentSharing": "yes", "care_ExploitationForms": "sexual",
    "care_ReturnCountry": "NG", "care_ReturnRegion": "Edo",
}


def _import_file(rows: int) -> bytes:
    heads = list(IMPORT_ROW)
    lines = [",".join(heads)]
    for n in range(rows):
        row = IMPORT_ROW | {"care_CaseCode": f"OLD-{n}", "prs_FirstName": f"Ada{n}"}
        lines.append(",".join(f'"{row[h]}"' for h in heads))
    return ("\r\n".join(lines) + "\r\n").encode()


def measure(url: str, *, repeat: int, pages: tuple[str, ...] = ()) -> dict:
    """Every timing for the database at `url`: {"rows": {name: {"cold": (wall, cpu), "warm": ..., ...}}, ...}."""
    os.environ["DATABASE_URL"] = url
    from care import config

    config.settings.cache_clear()
    from sqlmodel import Session, func, select

    from care import identity, referrals, users
    from care.access import may_open
    from care.audit import AuditFilter, audit_choices, audit_events
    from care.bulk_import import cases_import
    from care.caselist import CaseFilter, cases_list
    from care.indicators import indicators_report
    from care.indicators_xlsx import indicators_xlsx
    from care.pdf.case_summary import case_summary_pdf
    from care.pdf.indicators import indicators_pdf
    from care.persondocs import DOCUMENTS as PERSON_DOCUMENTS
    from care.pdf.person import person_document_pdf
    from care.programmes import programmes_for
    from care.ui.nav import PAGES
    from db.engine import make_engine, session_scope
    from db.models import Case, Identity, PartnerOrganisation, Programme

    # Cached functions called outside a script run warn at every call; the warning says itself it can be ignored.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    rows: dict[str, dict] = {}
    errors: list[str] = []

    def timed(name: str, call: Callable[[], object]) -> None:
        try:
            rows[name] = timings(call, repeat)
        except Exception as err:  # a failing item is reported, the others are still measured
            errors.append(f"{name}: {type(err).__name__}: {err}")
        else:
            if rows[name]["cold_cache_hits"]:
                errors.append(f"{name}: {rows[name]['cold_cache_hits']} cache hits in the cold runs")

    engine = make_engine(url)
    with session_scope(engine) as session:
        case_id = representative_case(session)
        by_size = session.exec(select(Case.programme_id, func.count()).group_by(Case.programme_id)
                               .order_by(func.count().desc())).all()
        largest = by_size[0][0]
        family, given = session.exec(select(Identity.family_names, Identity.given_names)
                                     .where(Identity.case_id == case_id)).one()
        birth = session.get(Case, case_id).birth_date
        actors = {role: users.actor_load(session, username) for role, username in USERS.items()}
        default = sorted(programmes_for(session, actors["coordinator"]),
                         key=lambda p: (p.end_date, p.start_date), reverse=True)[0].id  # the picker's first
        codes = dict(session.exec(select(Programme.id, Programme.code)).all())
        partner = session.exec(select(PartnerOrganisation.id).where(
            PartnerOrganisation.country == session.get(Case, case_id).return_country)).first()
        n_cases = session.exec(select(func.count()).select_from(Case).where(Case.programme_id == largest)).one()
    today = date.today()

    for role, username in USERS.items():
        timed(f"page bare ({role})", _page_run(BARE, username, case_id))
        for spec in PAGES:
            if pages and spec.key not in pages or not may_open(actors[role], spec.key):
                continue
            if spec.key == "indicators":
                timed(f"page indicators, {codes[default]} (default) ({role})",
                      _page_run(ROOT / spec.path, username, case_id))
                timed(f"page indicators, {codes[largest]} (largest) ({role})",
                      _page_run(ROOT / spec.path, username, case_id, {"indicators_programme": largest}))
                continue
            timed(f"page {spec.key} ({role})", _page_run(ROOT / spec.path, username, case_id))
            if spec.key == "cases" and role == "coordinator":
                timed(f"page cases, filtered ({role})", _page_run(
                    ROOT / spec.path, username, case_id, {"cases_return": "NG", "cases_minor": False,
                                                           "cases_stages": ["follow_up"]}))
                timed(f"page cases, name search ({role})", _page_run(
                    ROOT / spec.path, username, case_id, {"cases_name": family}))

    rss_pages_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the pages alone
    coord, admin = actors["coordinator"], actors["admin"]

    def in_session(fn: Callable) -> Callable[[], object]:
        def call():
            with session_scope(engine) as session:
                return fn(session)
        return call

    def rolled_back(fn: Callable) -> Callable[[], object]:
        """A save as the page makes it (checks, writes, audit, flush), rolled back: the database stays as built."""
        def call():
            with Session(engine) as session:
                fn(session)
                session.flush()
                session.rollback()
        return call

    timed("one-pass floor, largest programme", in_session(lambda s: floor_pass(s, largest)))
    timed("indicator queries, largest programme", in_session(
        lambda s: indicators_report(s, coord, programme_id=largest, today=today)))
    timed("indicator queries, default programme", in_session(
        lambda s: indicators_report(s, coord, programme_id=default, today=today)))
    timed("case search by code", in_session(lambda s: cases_list(s, coord, CaseFilter(code="CARE-ES-2014"))))
    timed("case search by name", rolled_back(lambda s: cases_list(s, coord, CaseFilter(name=family))))
    timed("case list, filtered", in_session(lambda s: cases_list(s, coord, CaseFilter(
        return_country="NG", stages=("follow_up",), minor=False))))
    timed("duplicate check, birth date", rolled_back(lambda s: identity.similar_cases(
        s, coord, given=given, family=family, aliases="", birth_date=birth, estimated_age=None,
        referral_date=today)))
    timed("duplicate check, estimated age", rolled_back(lambda s: identity.similar_cases(
        s, coord, given=given, family=family, aliases="", birth_date=None, estimated_age=25, referral_date=today)))
    timed("audit page query, 1st page", rolled_back(lambda s: audit_events(s, admin, AuditFilter(), limit=50)))
    timed("audit page query, by user", rolled_back(lambda s: audit_events(s, admin, AuditFilter(username="coord"),
                                                                        limit=50)))
    timed("audit filter choices", in_session(lambda s: audit_choices(s, admin)))

    def first(name: str, call: Callable[[], object]) -> None:
        """The first call of the process, before anything is warm (fonts, chart images)."""
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            rows[name] = {"cold": (time.perf_counter() - wall, time.process_time() - cpu)}
        except Exception as err:
            errors.append(f"{name}: {type(err).__name__}: {err}")

    first("case summary PDF, first of the process", in_session(lambda s: case_summary_pdf(s, coord, case_id)))
    first("indicators PDF, first of the process", in_session(
        lambda s: indicators_pdf(s, coord, programme_id=largest, date_from=None, date_to=None, today=today,
                                 language="en")))
    timed("case summary PDF", in_session(lambda s: case_summary_pdf(s, coord, case_id)))
    first("person document consent (ar), first of the process", in_session(
        lambda s: person_document_pdf(s, coord, case_id, "consent", language="ar")))
    for document in PERSON_DOCUMENTS:
        timed(f"person document {document} (ar)", in_session(
            lambda s, document=document: person_document_pdf(s, coord, case_id, document, language="ar")))
    timed("indicators PDF", in_session(lambda s: indicators_pdf(s, coord, programme_id=largest, date_from=None,
                                                                date_to=None, today=today, language="en")))
    timed("indicators XLSX", in_session(lambda s: indicators_xlsx(s, coord, programme_id=largest, date_from=None,
                                                                  date_to=None, today=today, language="en")))
    timed("save a follow-up", rolled_back(lambda s: _save_followup(s, coord, case_id, today)))
    timed("save a contact", rolled_back(lambda s: _save_contact(s, coord, case_id, today)))
    if partner is None:
        errors.append("save a referral draft: no partner organisation in the case's return country")
    else:
        timed("save a referral draft", rolled_back(lambda s: referrals.referral_create(
            s, coord, case_id, referrals.ReferralInput(partner_id=partner, purposes=("reception",)))))
    timed("import check, 20 cases", rolled_back(lambda s: cases_import(
        s, coord, data=_import_file(20), file_name="bench.csv", today=today, dry_run=True)))
    engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    from datetime import UTC, datetime

    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return {"timed": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load}",
            "rows": rows, "errors": errors, "rss_mb": rss_mb, "rss_pages_mb": rss_pages_mb, "case_id": case_id,
            "largest_cases": n_cases, "database": engine.dialect.name}


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
