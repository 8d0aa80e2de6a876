"""Reminder e-mails, sent to a real SMTP server started here (aiosmtpd): what each role's digest says, in
the user's language, with case codes and never a name; once a day; a failing server; the alarm e-mail."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

pytest.importorskip("aiosmtpd", reason="aiosmtpd (requirements-test.txt) runs the SMTP server these tests send to")

from care import outbox, reminders, tasks  # noqa: E402
from care.config import load_settings  # noqa: E402
from care.followups import FollowUpEntry, followup_log  # noqa: E402
from db.models import Case, EmailOutbox, FollowUp, Identity, PartnerReferral, Plan, User  # noqa: E402
from tests.factories import make_actor, make_case, make_partner  # noqa: E402
from tests.factories_indicators import add_followup  # noqa: E402
from tests.factories_path import arrived_case  # noqa: E402
from tests.smtp_server import SmtpServer, body  # noqa: E402
from tests.test_pages_intake import db_url  # noqa: E402,F401

TODAY = date(2014, 7, 10)


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def smtp_settings(server):
    return load_settings().model_copy(update=dict(smtp_host="127.0.0.1", smtp_port=server.port, smtp_tls="none",
                               smtp_sender="care@example.org"))


def with_email(session, actor, language="en"):
    user = session.get(User, actor.id)
    user.email, user.language = f"{actor.username}@example.org", language
    session.add(user)
    session.flush()
    return user.email


@pytest.fixture
def world(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    coord2 = make_actor(session, "coordinator", programmes=("CARE",))
    focal = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    manager = make_actor(session, "manager", programmes=("CARE",))
    a = make_case(session, stage="follow_up", given="Blessing", family="Okafor")
    add_followup(session, a, 1, date(2014, 7, 3))  # overdue on TODAY
    b = make_case(session, stage="assessed", given="Joy", family="Edet")
    session.add(Plan(case_id=b.id, revision_no=1, status="submitted", author_id=coord2.id))
    c = make_case(session, stage="follow_up", alarm_open=True, given="Grace", family="Eze")
    d = make_case(session, stage="departed", departure_date=TODAY, given="Mercy", family="Obi")
    org = make_partner(session)
    session.add(PartnerReferral(case_id=a.id, partner_id=org.id, state="sent", answer_by=date(2014, 7, 1),
                                sent_by_id=coord2.id, created_by_id=coord2.id))
    session.flush()
    tasks.task_add(session, coord, case_id=a.id, assignee_id=coord.id, due_on=TODAY, text="Call Blessing's aunt",
                   today=TODAY)
    emails = {"coord": with_email(session, coord), "focal": with_email(session, focal, "fr"),
              "manager": with_email(session, manager)}
    return dict(coord=coord, coord2=coord2, focal=focal, manager=manager, a=a, b=b, c=c, d=d, emails=emails)


def test_digest_per_role_and_language(session, world, smtp):
    a, b, c, d = (world[k].code for k in "abcd")
    queued = reminders.digest_queue(session, today=TODAY)
    session.commit()
    # The manager has nothing to do on cases; the second coordinator has no e-mail address.
    assert sorted(q.username for q in queued) == sorted([world["coord"].username, world["focal"].username])
    report = reminders.outbox_deliver(session, smtp_settings(smtp), wait_seconds=0)
    assert (report.sent, report.failed) == (2, [])

    (coord_mail,) = [m for m in smtp.inbox.messages if m["To"] == world["emails"]["coord"]]
    assert coord_mail["Subject"] == "CARE: your work for Jul 10, 2014"
    assert coord_mail["From"] == "care@example.org"
    assert body(coord_mail) == (
        "What is waiting for you in CARE today (Jul 10, 2014):\n\n"
        f"Overdue follow-ups: 1\n  {a}\n"
        f"Tasks due: 1\n  {a}\n"
        f"Plans waiting for your approval: 1\n  {b}\n"
        f"Open alarms: 1\n  {c}\n"
        f"Referrals waiting: 1\n  {a}\n"
        f"Departures and arrivals in the next 7 days: 1\n  {d}\n\n"
        "Open CARE for the details. This e-mail names no person: only case codes.\n"
        "You can stop these e-mails in My account.\n")

    (focal_mail,) = [m for m in smtp.inbox.messages if m["To"] == world["emails"]["focal"]]
    assert focal_mail["Subject"] == "CARE : votre travail du 10 juil. 2014"
    fr = body(focal_mail)
    assert fr.startswith("Ce qui vous attend dans CARE aujourd’hui (10 juil. 2014) :\n\n"
                           f"Suivis en retard : 1\n  {a}\n")
    assert f"Alertes ouvertes : 1\n  {c}\n" in fr
    assert f"Départs et arrivées des 7 prochains jours : 1\n  {d}\n" in fr
    assert "Plans" not in fr and "Tâches" not in fr  # not a coordinator; no task of hers is due
    for name in ("Blessing", "Okafor", "Joy", "Edet", "Grace", "Eze", "Mercy", "Obi"):
        assert name not in body(coord_mail) + fr + coord_mail["Subject"]


def test_twice_the_same_day_sends_once(session, world, smtp):
    settings = smtp_settings(smtp)
    assert len(reminders.digest_queue(session, today=TODAY)) == 2
    session.commit()
    reminders.outbox_deliver(session, settings, wait_seconds=0)
    assert reminders.digest_queue(session, today=TODAY) == []
    session.commit()
    assert reminders.outbox_deliver(session, settings, wait_seconds=0).sent == 0
    assert len(smtp.inbox.messages) == 2
    # The next day is a new digest.
    assert len(reminders.digest_queue(session, today=date(2014, 7, 11))) == 2


def test_opted_out_user_gets_nothing(session, world, smtp):
    reminders.reminders_set(session, world["coord"], False)
    assert not reminders.reminders_wanted(session, world["coord"])
    assert [q.username for q in reminders.digest_queue(session, today=TODAY)] == [world["focal"].username]
    reminders.reminders_set(session, world["coord"], True)
    assert [q.username for q in reminders.digest_queue(session, today=date(2014, 7, 11))] == [
        world["coord"].username, world["focal"].username]


def test_failing_server_is_retried_reported_and_nothing_is_lost(session, world, smtp):
    admin = make_actor(session, "admin")
    settings = smtp_settings(smtp)
    reminders.digest_queue(session, today=TODAY)
    session.commit()
    smtp.inbox.refuse = 4  # the first message is refused 3 times (one run's tries), the second once
    report = reminders.outbox_deliver(session, settings, wait_seconds=0)
    assert report.sent == 1 and len(report.failed) == 1 and "451" in report.failed[0]
    assert smtp.inbox.refused == 4
    failed = reminders.reminders_failed(session, admin)
    assert [(f.kind, f.attempts) for f in failed] == [("digest", 3)]
    assert "Try again later" in failed[0].last_error
    # The next run: the server is back; the kept e-mail goes, once.
    report = reminders.outbox_deliver(session, settings, wait_seconds=0)
    assert (report.sent, report.failed) == (1, [])
    assert reminders.reminders_failed(session, admin) == []
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted([world["emails"]["coord"], world["emails"]["focal"]])


def test_no_server_at_all_keeps_the_mail(session, world):
    down = load_settings().model_copy(update=dict(smtp_host="127.0.0.1", smtp_port=1, smtp_tls="none",
                               smtp_sender="care@example.org"))
    reminders.digest_queue(session, today=TODAY)
    session.commit()
    report = reminders.outbox_deliver(session, down, wait_seconds=0)
    assert report.sent == 0 and len(report.failed) == 2
    assert session.exec(select(EmailOutbox).where(EmailOutbox.sent_at == None)).all().__len__() == 2  # noqa: E711
    unset = load_settings().model_copy(update=dict(smtp_host=""))
    assert reminders.outbox_deliver(session, unset).failed == [
        "2 e-mail(s) waiting: CARE_SMTP_HOST or CARE_SMTP_SENDER is not set"]


def test_failed_reminders_are_for_the_admin_only(session, world):
    from care.errors import NotPermitted

    with pytest.raises(NotPermitted):
        reminders.reminders_failed(session, world["coord"])


def test_alarm_sends_an_immediate_email_to_the_coordinators(session, smtp):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    other = make_actor(session, "coordinator", programmes=("TACT",))
    focal = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    for actor in (coord, other, focal):
        with_email(session, actor, "fr" if actor is coord else "en")
    case = arrived_case(session, coord, host="ES", ret="NG", arrived=date(2014, 6, 3), departed=date(2014, 6, 3),
                        given="Blessing", family="Okafor")
    first = session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).first()
    followup_log(session, focal, first.id, expected_version=first.version, today=date(2014, 7, 3), entry=FollowUpEntry(
        done_on=date(2014, 7, 3), mode="phone", reached=True, living_where="Benin City", living_with="Aunt",
        wellbeing="", scores={}, progress={}, alarms=("contacted_by_traffickers",),
        alarm_note="Blessing Okafor was called by the recruiter."))
    session.commit()  # the e-mail was written with the alarm, in the same transaction
    report = reminders.outbox_deliver(session, smtp_settings(smtp), wait_seconds=0)
    assert report.sent == 1
    (mail,) = smtp.inbox.messages
    assert mail["To"] == f"{coord.username}@example.org"  # not the other programme's coordinator, nor the focal point
    assert mail["Subject"] == f"CARE : alerte ouverte sur le dossier {case.code}"
    assert body(mail) == (
        f"Une alerte a été ouverte sur le dossier {case.code} le 3 juil. 2014.\n"
        "Ouvrez CARE pour lire le suivi et décider quoi faire. Cet e-mail ne nomme personne.\n"
        "Vous pouvez arrêter ces e-mails dans Mon compte.\n")


def test_no_demo_person_is_named_in_any_digest(tmp_path, smtp):
    """The demo data set: every user's digest (and an alarm e-mail) against every demo person's names."""
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from seeds.demo import seed_demo
    from seeds.reference import seed_reference

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    today = date.today()
    with session_scope(engine) as s:
        seed_reference(s)
        seed_demo(s, today=today)
    with session_scope(engine) as s:
        names = set()
        for ident in s.exec(select(Identity)).all():
            for value in (ident.given_names, ident.family_names, getattr(ident, "other_names", "") or ""):
                names.update(w for w in re.split(r"[\s,'-]+", value or "") if len(w) >= 3)
        assert len(names) > 20
        for user in s.exec(select(User)).all():
            user.email = user.email or f"{user.username}@example.org"
            s.add(user)
        queued = reminders.digest_queue(s, today=today)
        assert len(queued) >= 4  # coordinators and focal points have work in the demo
        case = s.exec(select(Case).where(Case.stage == "follow_up")).first()
        outbox.alarm_queue(s, case, alarms=["contacted_by_traffickers"], followup_id=None, on=today)
    with session_scope(engine) as s:
        report = reminders.outbox_deliver(s, smtp_settings(smtp), wait_seconds=0)
    engine.dispose()
    assert report.failed == [] and report.sent == len(smtp.inbox.messages) > len(queued)
    text = "\n".join(m["Subject"] + "\n" + body(m) for m in smtp.inbox.messages)
    words = set(re.findall(r"\w+", text))
    assert sorted(names & words) == []


def test_the_digest_command_dry_run_then_twice_then_a_failing_server(db_url, monkeypatch, capsys, smtp):  # noqa: F811
    """`python -m care digest` on a copy of the demo data, sending to the test's SMTP server."""
    from care import config
    from care.__main__ import main
    from db.engine import engine_for, session_scope

    for name, value in {"CARE_SMTP_HOST": "127.0.0.1", "CARE_SMTP_PORT": str(smtp.port), "CARE_SMTP_TLS": "none",
                        "CARE_SMTP_SENDER": "care@example.org"}.items():
        monkeypatch.setenv(name, value)
    config.settings.cache_clear()
    assert main(["digest", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "--- to coord <coord@example.org>: CARE: your work for" in out
    assert "digest(s) would be written; nothing was written or sent" in out
    with session_scope(engine_for(db_url)) as s:
        assert s.exec(select(EmailOutbox)).all() == []
    assert smtp.inbox.messages == []

    assert main(["digest"]) == 0
    first = capsys.readouterr().out
    written = int(re.search(r"(\d+) digest\(s\) written", first).group(1))
    assert written >= 4 and f"{written} e-mail(s) sent" in first
    assert len(smtp.inbox.messages) == written
    assert main(["digest"]) == 0
    assert "0 digest(s) written" in (again := capsys.readouterr().out) and "0 e-mail(s) sent" in again
    assert len(smtp.inbox.messages) == written

    # An alarm's e-mail waits in the outbox; the server is down: exit code 1, said, kept; then sent.
    with session_scope(engine_for(db_url)) as s:
        case = s.exec(select(Case).where(Case.stage == "follow_up")).first()
        queued = outbox.alarm_queue(s, case, alarms=["threats"], followup_id=None, on=date.today())
    assert queued >= 1
    monkeypatch.setenv("CARE_SMTP_PORT", "1")
    config.settings.cache_clear()
    monkeypatch.setattr(reminders.time, "sleep", lambda _s: None)
    assert main(["outbox"]) == 1
    assert "not sent, kept for the next run: coord: ConnectionRefusedError" in capsys.readouterr().out
    monkeypatch.setenv("CARE_SMTP_PORT", str(smtp.port))
    config.settings.cache_clear()
    assert main(["outbox"]) == 0
    assert f"{queued} e-mail(s) sent" in capsys.readouterr().out
    assert len(smtp.inbox.messages) == written + queued
