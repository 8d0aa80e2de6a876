"""Case documents: checked by content, size-limited, names harmless, encrypted at rest, rotated
with the data key, erased with the person, audited when read."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from care import case_documents as docs
from care import config
from care.data_keys import rotate_data_key
from care.errors import NotPermitted, ValidationErrors
from care.lifecycle import case_anonymise
from care.payments import payment_record
from care.plans import plan_lines
from db.engine import make_engine
from db.models import AuditEvent, CaseDocument, CaseDocumentFile
from seeds.reference import seed_reference
from tests.factories import make_actor, make_case
from tests.factories_plan import approved_plan, assessed_case, line
from tests.files_documents import MARK, jpeg, pdf, png

TODAY = date(2014, 9, 1)


def _add(session, actor, case_id, data, name="receipt.png", kind="receipt", **more):
    return docs.document_add(session, actor, case_id=case_id, kind=kind, document_date=date(2014, 8, 1),
                             note=more.pop("note", ""), file_name=name, data=data, today=TODAY, **more)


def _errors(call) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as err:
        call()
    return err.value.errors


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator")


@pytest.fixture
def case(session):
    return make_case(session)


@pytest.mark.parametrize("name, data", [("receipt.png", png()), ("scan.JPG", jpeg()), ("scan.jpeg", jpeg()),
                                        ("signed plan.pdf", pdf())])
def test_a_pdf_jpeg_or_png_is_kept_and_read_back_identical(session, coord, case, name, data):
    doc_id = _add(session, coord, case.id, data, name=name)
    session.commit()
    session.expunge_all()
    got = docs.document_read(session, coord, doc_id)
    assert got.data == data and got.file_name == name
    assert got.media_type == {"png": "image/png", "pdf": "application/pdf"}.get(name[-3:].lower(), "image/jpeg")


@pytest.mark.parametrize("name, data, words", [
    ("receipt.pdf", png(), "ends in “\\.pdf” but its content is a PNG image"),
    ("photo.png", jpeg(), "ends in “\\.png” but its content is a JPEG image"),
    ("consent.jpg", pdf(), "ends in “\\.jpg” but its content is a PDF document"),
    ("receipt.png.exe", png(), "ends in “\\.exe” but its content is a PNG image"),
    ("notes.pdf", b"Just some text pretending to be a PDF", "not a PDF, JPEG or PNG file"),
    ("page.html", b"<html><script>alert(1)</script></html>", "not a PDF, JPEG or PNG file"),
    ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "starts like a PNG image but cannot be read as one"),
    ("cut.pdf", pdf()[:40], "starts like a PDF document but cannot be read as one"),
    ("cut.jpg", jpeg()[:100], "starts like a JPEG image but cannot be read as one"),
    ("empty.pdf", b"", "Choose a file"),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_clearly(session, coord, case, name, data, words):
    errors = _errors(lambda: _add(session, coord, case.id, data, name=name))
    assert list(errors) == ["file"] and words in errors["file"]
    assert session.exec(select(CaseDocument)).all() == []


def test_an_oversize_file_is_refused_and_the_limit_is_a_setting(session, coord, case, monkeypatch):
    monkeypatch.setenv("CARE_DOCUMENT_MAX_MB", "1")
    config.settings.cache_clear()
    try:
        big = pdf() + b"%" + b"x" * (1024 * 1024)  # a comment after the end: still a PDF, 1 MB and more
        errors = _errors(lambda: _add(session, coord, case.id, big, name="big.pdf"))
        assert errors == {"file": "This file is larger than 1 MB, the largest a document may be. Scan it at a "
                                  "lower resolution, or split it."}
        assert _add(session, coord, case.id, pdf(), name="small.pdf")
    finally:
        monkeypatch.delenv("CARE_DOCUMENT_MAX_MB")
        config.settings.cache_clear()
    assert config.settings().document_max_mb == 10


def test_an_image_too_large_in_pixels_is_refused(session, coord, case):
    bomb = png(size=(10_000, 6_000))  # small on disk, 60 megapixels decoded
    assert len(bomb) < 1024 * 1024
    assert "cannot be read as one" in _errors(lambda: _add(session, coord, case.id, bomb, name="bomb.png"))["file"]


@pytest.mark.parametrize("hostile, shown", [
    ("../../etc/passwd", "passwd.png"),
    ("..\\..\\Windows\\system32\\receipt.png", "receipt.png"),
    ("/etc/shadow.png", "shadow.png"),
    ("rece\x00ipt.png", "receipt.png"),
    ("invoice\u202egnp.exe.png", "invoicegnp.exe.png"),  # a right-to-left override would show "invoice.exe"
    ("line\nbreak\r.png", "linebreak.png"),
    ("....png", "png.png"),
    ("", "document.png"),
    ("a" * 5000 + ".png", "a" * 116 + ".png"),
])
def test_a_hostile_file_name_is_harmless(session, coord, case, tmp_path, monkeypatch, hostile, shown):
    monkeypatch.chdir(tmp_path)  # a name used as a path would land here, or above
    doc_id = _add(session, coord, case.id, png(), name=hostile)
    got = docs.document_read(session, coord, doc_id)
    assert got.file_name == shown and got.data == png()
    assert list(tmp_path.iterdir()) == []


def test_the_kind_the_date_the_plan_line_and_the_payment_are_checked(session, coord, case):
    other = make_case(session)
    errors = _errors(lambda: docs.document_add(session, coord, case_id=case.id, kind="passport", document_date=None,
                                               note="", file_name="a.png", data=png(), today=TODAY))
    assert set(errors) == {"kind", "document_date"}
    errors = _errors(lambda: docs.document_add(session, coord, case_id=case.id, kind="receipt",
                                               document_date=date(2014, 9, 2), note="x\x1b", file_name="a.png",
                                               data=png(), today=TODAY))
    assert errors["document_date"] == "The document's date cannot be in the future." and "note" in errors
    with pytest.raises(NotPermitted):
        _add(session, coord, 10**9, png())
    coord2 = make_actor(session, "coordinator")
    paying = assessed_case(session, coord)
    plan = approved_plan(session, coord, coord2, paying, [line("cash_basic_needs", "300")])
    (ln,) = plan_lines(session, plan.id)
    payment = payment_record(session, coord, line_id=ln.id, paid_on=date.today(), amount="100", method="cash",
                             receipt_ref="RC-7")
    assert _errors(lambda: _add(session, coord, other.id, png(), payment_id=payment.id)) == {
        "payment": "This payment is not one of this case's."}
    assert _errors(lambda: _add(session, coord, other.id, png(), plan_line_id=ln.id)) == {
        "plan_line": "This plan line is not one of this case's."}
    doc_id = _add(session, coord, paying.id, png(), payment_id=payment.id)
    row = session.get(CaseDocument, doc_id)
    assert (row.payment_id, row.plan_line_id) == (payment.id, ln.id)
    (listed,) = docs.documents_list(session, coord, paying.id)
    assert listed.attached_to.startswith("Payment of ") and listed.kind_label == "Receipt"


def test_reading_is_audited_without_the_name_or_the_note(session, coord, case):
    doc_id = _add(session, coord, case.id, pdf(), name="Ada Test passport.pdf", kind="signed_consent",
                  note="Signed in Lyon")
    docs.document_read(session, coord, doc_id)
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "case_document")).all()
    assert [e.action for e in events] == ["document.add", "document.download"]
    assert all(e.case_id == case.id and e.entity_id == str(doc_id) for e in events)
    assert not any("Ada" in e.detail or "Lyon" in e.detail for e in events)


def test_the_stored_bytes_contain_nothing_of_the_original_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'care.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        seed_reference(s)
        coord = make_actor(s, "coordinator")
        case = make_case(s)
        for name, data in (("a.png", png()), ("b.jpg", jpeg()), ("c.pdf", pdf())):
            _add(s, coord, case.id, data, name=f"{MARK}-{name}", note=f"note {MARK}")
        s.commit()
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT content FROM case_document_file")).scalars().all()
        meta = conn.execute(text("SELECT file_name, note FROM case_document")).all()
    engine.dispose()
    assert len(raw) == 3
    for blob in raw:
        assert MARK.encode() not in bytes(blob)
        assert not bytes(blob).startswith((b"%PDF", b"\x89PNG", b"\xff\xd8"))
    assert not any(MARK in v for row in meta for v in row)
    with sqlite3.connect(tmp_path / "care.db") as conn:
        conn.execute("VACUUM")
    for f in tmp_path.iterdir():
        assert MARK.encode() not in f.read_bytes(), f
        assert b"IHDR" not in f.read_bytes(), f  # not even a PNG's header chunk


@pytest.fixture
def use_keys(monkeypatch):
    def use(current: str, *old: str) -> None:
        monkeypatch.setenv("CARE_DEMO", "1")
        monkeypatch.setenv("CARE_DATA_KEY", current)
        monkeypatch.setenv("CARE_DATA_KEYS_OLD", ",".join(old))
        config.settings.cache_clear()
    yield use
    config.settings.cache_clear()


def test_key_rotation_re_encrypts_the_documents(engine, use_keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    use_keys(old)
    with Session(engine, expire_on_commit=False) as s:
        coord = make_actor(s, "coordinator")
        case = make_case(s)
        ids = [_add(s, coord, case.id, data, name=name, note="kept")
               for name, data in (("a.png", png()), ("b.pdf", pdf()))]
        s.commit()
        before = {r.document_id: bytes(r.content) for r in s.exec(text(
            "SELECT document_id, content FROM case_document_file")).all()}
    use_keys(new, old)
    with Session(engine) as s:
        counts = rotate_data_key(s, username="cli:test")
        s.commit()
    assert counts["case_document_file"] == 2 and counts["case_document"] == 2
    use_keys(new)  # the old key gone: everything still reads
    with Session(engine) as s:
        after = {r.document_id: bytes(r.content) for r in s.exec(text(
            "SELECT document_id, content FROM case_document_file")).all()}
        assert all(after[i] != before[i] for i in before)
        got = [docs.document_read(s, coord, i) for i in ids]
        assert [g.data for g in got] == [png(), pdf()] and [g.file_name for g in got] == ["a.png", "b.pdf"]
        assert s.get(CaseDocument, ids[0]).note == "kept"


def test_anonymisation_deletes_the_documents(session, coord, case):
    other = make_case(session)
    kept = _add(session, coord, other.id, png())
    _add(session, coord, case.id, png())
    _add(session, coord, case.id, pdf(), name="consent.pdf", kind="signed_consent")
    counts = case_anonymise(session, case.id, username="cli:test")
    assert counts["case_document"] == 2
    assert [d.id for d in session.exec(select(CaseDocument)).all()] == [kept]
    assert [f.document_id for f in session.exec(select(CaseDocumentFile)).all()] == [kept]
    assert docs.documents_list(session, coord, case.id) == []


def test_the_subject_access_export_lists_the_documents(session, coord, case):
    from care.subject_rights import subject_access_export

    _add(session, coord, case.id, pdf(), name="consent.pdf", kind="signed_consent", note="Signed at intake")
    data = subject_access_export(session, coord, case.id)
    (row,) = data["case_documents"]
    assert (row["kind"], row["file_name"], row["note"]) == ("signed_consent", "consent.pdf", "Signed at intake")
    assert "content" not in row
