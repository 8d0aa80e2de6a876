"""Who may fetch which case document, for every demo user, by every id; and a backup keeps them.

The documents are added by a coordinator to three demo cases; what each user may see is written
by hand below (the rule of `care.access.may_see_document`, applied by a person to these cases).
A user out of scope gets the same words for a document that exists as for one that does not.
"""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlmodel import Session, SQLModel, select

from care import case_documents as docs
from care.errors import NotPermitted
from care.i18n import set_language
from care.users import actor_load
from db.engine import make_engine, session_scope
from db.models import Case, CaseDocument, PartnerReferral, Plan, PlanLine
from seeds.demo import DEMO_USERS, seed_demo
from seeds.demo_partners import PARTNER_USERNAME
from tests.files_documents import jpeg, pdf, png

TODAY = date(2026, 3, 10)
USERNAMES = tuple(u.username for u in DEMO_USERS) + (PARTNER_USERNAME,)
NOT_FOUND = "No such document, or you are not permitted to see it."
PARTNER_CASE = "CARE-IT-2015-0001"  # Italy to Nigeria; accepted by the Nigerian shelter, identity and plan shared
NO_SHARING = "CARE-GR-2013-0001"  # Greece to Nigeria; the person said no to sharing with the return country
KINDS = tuple(docs.DOCUMENT_KINDS)
ALL = frozenset(KINDS)
FOCAL = ALL - {"medical", "best_interests"}


def _french_case(s: Session) -> str:
    return s.exec(select(Case.code).where(Case.host_country == "FR", Case.programme_id.is_not(None))
                  .order_by(Case.code)).first()


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
        coord = actors["coord"]
        codes = {"P": PARTNER_CASE, "N": NO_SHARING, "F": _french_case(s)}
        ids = {key: s.exec(select(Case.id).where(Case.code == code)).one() for key, code in codes.items()}
        shared = {i for ids_ in s.exec(select(PartnerReferral.plan_line_ids).where(
            PartnerReferral.case_id == ids["P"], PartnerReferral.state == "accepted")).all() for i in ids_}
        lines = s.exec(select(PlanLine.id).join(Plan, Plan.id == PlanLine.plan_id)
                       .where(Plan.case_id == ids["P"])).all()
        not_shared = next(i for i in lines if i not in shared)
        made: dict[str, int] = {}
        files = {"pdf": pdf(), "png": png(), "jpg": jpeg()}
        for key, case_id in ids.items():
            for n, kind in enumerate(KINDS):
                ext = list(files)[n % 3]
                made[f"{key}:{kind}"] = docs.document_add(
                    s, coord, case_id=case_id, kind=kind, document_date=date(2016, 1, 4), note=f"{key} {kind}",
                    file_name=f"{kind}.{ext}", data=files[ext], today=TODAY)
        for kind in ("receipt", "other", "medical", "identity_copy"):
            made[f"P:{kind}@line"] = docs.document_add(
                s, coord, case_id=ids["P"], kind=kind, document_date=date(2016, 1, 4), note="", file_name="r.png",
                data=png(), plan_line_id=min(shared), today=TODAY)
        made["P:receipt@other line"] = docs.document_add(
            s, coord, case_id=ids["P"], kind="receipt", document_date=date(2016, 1, 4), note="", file_name="r.png",
            data=png(), plan_line_id=not_shared, today=TODAY)
        s.commit()
    yield engine, actors, ids, made
    engine.dispose()


def _on(case_key: str, kinds, *, lines: bool = True) -> set[str]:
    found = {f"{case_key}:{k}" for k in kinds}
    if case_key == "P" and lines:
        found |= {f"P:{k}@line" for k in ("receipt", "other", "medical", "identity_copy") if k in kinds}
        found |= {"P:receipt@other line"} if "receipt" in kinds else set()
    return found


# Written by hand: what each demo user may fetch. The French case (host FR) is seen by the French
# focal point, who met the person; the Nigeria focal point sees both Nigerian cases but not the
# identity copy of the person who refused sharing; the partner only receipts and "other"
# documents on the plan line its organisation delivers.
EXPECTED = {
    "admin": set(),
    "manager": set(),
    "coord": _on("P", ALL) | _on("N", ALL) | _on("F", ALL),
    "coord2": _on("P", ALL) | _on("N", ALL) | _on("F", ALL),
    "fp.es": set(),
    "fp.fr": _on("F", FOCAL),
    "fp.ng": _on("P", FOCAL) | _on("N", FOCAL - {"identity_copy"}),
    PARTNER_USERNAME: {"P:receipt@line", "P:other@line"},
}


def test_the_french_case_returns_outside_nigeria_and_spain(demo):
    engine, _, ids, _ = demo
    with Session(engine) as s:
        case = s.get(Case, ids["F"])
        assert case.host_country == "FR" and case.return_country not in ("NG", "ES")


@pytest.mark.parametrize("username", USERNAMES)
def test_a_user_fetches_exactly_the_documents_the_rule_gives_by_any_id(demo, username):
    engine, actors, ids, made = demo
    actor = actors[username]
    by_id = {v: k for k, v in made.items()}
    with Session(engine) as s:
        top = max(s.exec(select(CaseDocument.id)).all())
        fetched = set()
        for doc_id in [*made.values(), 0, -1, top + 1, 10**12, "1", None]:
            try:
                got = docs.document_read(s, actor, doc_id)
            except NotPermitted as refusal:
                assert str(refusal) == NOT_FOUND, (username, doc_id)
                continue
            assert got.data[:4] in (b"%PDF", b"\x89PNG", b"\xff\xd8\xff\xe0"), (username, doc_id)
            fetched.add(by_id[doc_id])
        assert fetched == EXPECTED[username]
        listed = set()
        for case_id in ids.values():
            try:
                listed |= {by_id[d.id] for d in docs.documents_list(s, actor, case_id)}
            except NotPermitted:
                pass
        assert listed == EXPECTED[username]
        s.rollback()


@pytest.mark.parametrize("username", ["fp.ng", PARTNER_USERNAME, "manager", "admin", "fp.fr"])
def test_who_may_not_add_a_kind_is_refused(demo, username):
    engine, actors, ids, _ = demo
    with Session(engine) as s:
        with pytest.raises(NotPermitted):
            docs.document_add(s, actors[username], case_id=ids["N"], kind="medical", document_date=date(2016, 1, 4),
                              note="", file_name="m.pdf", data=pdf(), today=TODAY)
        s.rollback()


def test_backup_then_restore_keeps_the_documents_byte_identical(tmp_path):
    from care.backup import backup
    from care.restore import restore
    from db.migrate import upgrade

    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    url = f"sqlite:///{tmp_path / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_demo(s, today=TODAY)
    with session_scope(engine) as s:
        coord = actor_load(s, "coord")
        case_id = s.exec(select(Case.id).where(Case.code == PARTNER_CASE)).one()
        doc_id = docs.document_add(s, coord, case_id=case_id, kind="signed_plan", document_date=date(2016, 1, 4),
                                   note="", file_name="plan.pdf", data=pdf(), today=TODAY)
    backup(url, tmp_path / "b" / "care.sqlite.carebackup", key)
    with session_scope(engine) as s:
        from care.lifecycle import case_anonymise
        case_anonymise(s, case_id, username="cli:test")
    with Session(engine) as s:
        with pytest.raises(NotPermitted):
            docs.document_read(s, coord, doc_id)
    engine.dispose()
    restore(url, tmp_path / "b" / "care.sqlite.carebackup", (key,))
    engine = make_engine(url)
    with Session(engine) as s:
        got = docs.document_read(s, coord, doc_id)
        assert (got.data, got.file_name) == (pdf(), "plan.pdf")
    engine.dispose()
