"""Every demo user against every demo case through every read path.

Two layers, so that neither the rule nor a read path can drift:
1. The rule itself (`access.case_scope`, `identity_scope`, `referred_scope`) against facts
   written by hand for the demo data: who sees which cases, and whose identity.
2. Every read path against the rule, for every user and every case: a read succeeds
   exactly when the rule says the user sees the case, shows a name exactly when the rule
   says the user sees the identity, and refuses a hidden case with the same words as a
   missing one. A new read path belongs in `READ_PATHS`; one that forgets the rule fails here.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import false
from sqlmodel import Session, SQLModel, select

import db.models  # noqa: F401
from care import access, assessment, casefile, followups, identity, journey, plan_views, referrals
from care.caselist import CaseFilter, cases_list
from care.errors import NotPermitted
from care.i18n import set_language
from care.pdf.case_summary import case_summary_pdf
from care.users import actor_load
from db.engine import make_engine
from db.models import Case, Identity
from seeds.demo import DEMO_USERS, seed_demo
from seeds.demo_partners import PARTNER_USERNAME

TODAY = date(2026, 3, 10)
USERNAMES = tuple(u.username for u in DEMO_USERS) + (PARTNER_USERNAME,)
HIDDEN = "No such case, or you are not permitted to see it."


@pytest.fixture(scope="module")
def demo():
    set_language("en")
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        seed_demo(s, today=TODAY)
        s.commit()
    with Session(engine, expire_on_commit=False) as s:
        actors = {u: actor_load(s, u) for u in USERNAMES}
        cases = {c.code: c.id for c in s.exec(select(Case)).all()}
        names = {cid: f"{g} {f}" for cid, g, f in s.exec(select(Identity.case_id, Identity.given_names,
                                                                  Identity.family_names)).all()}
    yield engine, actors, cases, names
    engine.dispose()


def _codes(session: Session, clause) -> set[str]:
    return set(session.exec(select(Case.code).where(clause)).all())


# --- 1. the rule, against facts written by hand -----------------------------------------------

# Nigeria's cases in the demo data whose person said no to sharing with the return country, or
# withdrew it (seeds/demo.py draws the answer; seeds/demo_partners.py sets these on purpose).
# CARE-IT-2014-0004 withdrew it after a referral (revoked); CARE-GR-2013-0001 said no at intake;
# the two Swiss cases at assessment said no.
NG_NO_SHARING = {"CARE-IT-2014-0004", "CARE-GR-2013-0001", "CH_VOT-CH-2025-0003", "CH_VOT-CH-2026-0001",
                 "CH_VOT-CH-2026-0002"}


def test_the_rule_on_the_demo_data(demo):
    engine, actors, cases, _ = demo
    with Session(engine) as s:
        ng = set(s.exec(select(Case.code).where(Case.return_country == "NG")).all())
        assert len(ng) == 25
        # Coordinators of every programme: every case and every identity.
        assert _codes(s, access.case_scope(actors["coord"])) == set(cases)
        assert _codes(s, access.identity_scope(actors["coord"])) == set(cases)
        # The Nigeria focal point sees the 25 cases returning to Nigeria, and the identity of the
        # people who agreed to sharing with the return country: 4 did not.
        fp_ng = actors["fp.ng"]
        assert _codes(s, access.case_scope(fp_ng)) == ng
        assert _codes(s, access.identity_scope(fp_ng)) == ng - NG_NO_SHARING
        # Host-country focal points see the identity of every case referred in their country.
        fr = set(s.exec(select(Case.code).where(Case.host_country == "FR")).all())
        assert _codes(s, access.identity_scope(actors["fp.fr"])) >= fr
        # The partner: the one case its organisation accepted; nothing through the staff scope.
        partner = actors[PARTNER_USERNAME]
        assert _codes(s, access.referred_scope(partner)) == {"CARE-IT-2015-0001"}
        assert _codes(s, access.identity_scope(partner)) == {"CARE-IT-2015-0001"}
        assert _codes(s, access.case_scope(partner)) == set()
        # Managers and the administrator: no case at all.
        for user in ("manager", "admin"):
            for clause in (access.case_scope, access.identity_scope, access.referred_scope):
                assert _codes(s, clause(actors[user])) == set()


# --- 2. every read path, against the rule -------------------------------------------------------

def _case_file(s, actor, case_id):
    return casefile.case_file(s, actor, case_id)


def _identity(s, actor, case_id):
    return identity.identity_read(s, actor, case_id)


def _followups(s, actor, case_id):
    return followups.case_followups(s, actor, case_id, today=TODAY)


def _checklists(s, actor, case_id):
    return journey.checklists(s, actor, case_id)


def _assessment(s, actor, case_id):
    return assessment.assessment_file(s, actor, case_id)


def _plan(s, actor, case_id):
    return plan_views.plan_overview(s, actor, case_id=case_id)


def _shared_view(s, actor, case_id):
    return referrals.referral_shared_view(s, actor, case_id, today=TODAY)


def _coordinator_scope(actor):
    return access.case_scope(actor) if actor.has(access.Role.COORDINATOR) else false()


# Each read path and the rule that says who reads it: whoever sees the case as staff; the return
# side (coordinators, focal points of the return country) for the follow-ups; the coordinators
# for their pages; the partners for what an accepted referral shares, and for nothing else.
READ_PATHS = {
    "case file": (_case_file, access.case_scope),
    "checklists": (_checklists, access.case_scope),
    "follow-ups": (_followups, access.return_side_scope),
    "assessment": (_assessment, access.case_scope),
    "plan": (_plan, _coordinator_scope),
    # What an accepted referral shares: the partner's only read of a case.
    "referral's shared view": (_shared_view, access.referred_scope),
}


@pytest.mark.parametrize("username", USERNAMES)
def test_every_read_path_follows_the_rule(demo, username):
    engine, actors, cases, _ = demo
    actor = actors[username]
    with Session(engine) as s:
        seen = _codes(s, access.case_scope(actor))
        named = _codes(s, access.identity_scope(actor))
        listed, total = cases_list(s, actor, CaseFilter(), limit=1000)
        assert {r.code for r in listed} == seen and total == len(seen)
        allowed = {name: _codes(s, rule(actor)) for name, (_, rule) in READ_PATHS.items()}
        for code, case_id in cases.items():
            for name, (read, _) in READ_PATHS.items():
                try:
                    read(s, actor, case_id)
                    got = True
                except NotPermitted as refusal:
                    got = False
                    if code not in seen:  # a hidden case reads exactly like a missing one
                        assert str(refusal) == HIDDEN, (username, code, name)
                assert got == (code in allowed[name]), (username, code, name)
            try:
                _identity(s, actor, case_id)
                got = True
            except NotPermitted:
                got = False
            assert got == (code in named), (username, code, "identity")
            if code in seen:
                cf = casefile.case_file(s, actor, case_id)
                assert cf.may_see_identity == (code in named), (username, code)
                assert bool(cf.identity_hidden) == (code not in named), (username, code)
        s.rollback()


@pytest.mark.parametrize("username", USERNAMES)
def test_a_name_search_finds_only_identities_the_user_may_see(demo, username):
    engine, actors, cases, names = demo
    actor = actors[username]
    with Session(engine) as s:
        named = {cases[c] for c in _codes(s, access.identity_scope(actor))}
        if not identity.may_search_names(actor):
            with pytest.raises(NotPermitted):
                identity.case_ids_named(actor, "anything")
            return
        for case_id, name in names.items():
            found = set(s.exec(identity.case_ids_named(actor, name)).all())
            assert found <= named, (username, case_id)
            assert (case_id in found) == (case_id in named), (username, case_id)
        s.rollback()


@pytest.mark.parametrize("username", ["fp.ng", "coord", PARTNER_USERNAME, "manager"])
def test_the_case_summary_pdf_names_the_person_only_where_the_rule_allows(demo, username):
    """PDFs of the Nigerian cases (the ones that test the consent rule)."""
    import subprocess

    import shutil
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: sudo apt-get install -y poppler-utils")
    engine, actors, cases, names = demo
    actor = actors[username]
    with Session(engine) as s:
        seen = _codes(s, access.case_scope(actor))
        named = _codes(s, access.identity_scope(actor))
        ng = set(s.exec(select(Case.code).where(Case.return_country == "NG")).all())
        for code in sorted(ng):
            try:
                pdf = case_summary_pdf(s, actor, cases[code])
            except NotPermitted as refusal:
                assert code not in seen and str(refusal) == HIDDEN
                continue
            assert code in seen
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
            family = names[cases[code]].split()[-1]
            assert (family in text) == (code in named), (username, code)
        s.rollback()
