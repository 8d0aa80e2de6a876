"""Identity: the search key, audited reads, edits that lose nothing, name search within scope."""

from datetime import date

import pytest
from sqlmodel import select

from care.caselist import CaseFilter, cases_list
from care.errors import NotPermitted, StaleEdit
from care.identity import IdentityInput, identity_edit, identity_read, name_index, name_key, names_alike
from db.models import AuditEvent, Identity
from tests.factories import make_actor
from tests.factories_intake import identity, person, register


@pytest.mark.parametrize(("given", "family", "aliases", "key"), [
    ("Ángela", "Rodríguez-Peña", "", "angela rodriguez pena"),
    ("  ADA ", " Test\tPerson ", "", "ada test person"),
    ("Łucja", "Øster", "", "lucja oster"),
    ("Marie", "O’Brien", "", "marie obrien"),
    ("Йосип", "Петровић", "", "йосип петровић"),  # Cyrillic marks are letters: kept
    ("सीता", "शर्मा", "", "सीता शर्मा"),  # Devanagari vowel signs kept
    ("فاطمة", "بنعلي", "Fatima Benali; Fati", "فاطمة بنعلي | fatima benali | fati"),
    ("Ada", "", "ada", "ada"),  # an alias equal to the name adds nothing
    ("", "", "", ""),
])
def test_the_name_key(given, family, aliases, key):
    assert name_key(given, family, aliases) == key


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("ada testperson", "testperson ada", True),
    ("angela rodriguez", "angela rodrigues", True),
    ("ada testperson", "bea other", False),
    ("", "ada", False),
])
def test_names_alike(a, b, alike):
    assert names_alike(a, b) is alike


def test_reading_the_identity_is_audited_and_only_for_those_allowed(session):
    coord = make_actor(session, "coordinator")
    fp_fr = make_actor(session, "focal_point", countries=("FR",))
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    case_id = register(session, coord).case_id
    assert identity_read(session, fp_fr, case_id).given_names == "Ada"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "identity.read")).one()
    assert (event.case_id, event.username) == (case_id, fp_fr.username)
    for outsider in (fp_es, make_actor(session, "manager"), make_actor(session, "admin")):
        with pytest.raises(NotPermitted):
            identity_read(session, outsider, case_id)


def test_an_edit_is_refused_when_someone_saved_since_and_nothing_is_lost(session):
    alice = make_actor(session, "coordinator", name="Alice Example")
    bob = make_actor(session, "focal_point", countries=("FR",), name="Bob Example")
    case_id = register(session, alice).case_id
    opened = identity_read(session, alice, case_id)
    saved = identity_edit(session, bob, case_id, IdentityInput(given_names="Ada", family_names="Testperson",
                                                                aliases="Adaeze", phone=opened.phone),
                          expected_version=opened.version)
    assert saved.version == opened.version + 1
    with pytest.raises(StaleEdit) as err:
        identity_edit(session, alice, case_id, IdentityInput(given_names="Ada", family_names="Changed"),
                      expected_version=opened.version)
    assert "Bob Example saved this record" in err.value.message
    row = session.get(Identity, case_id)
    assert (row.family_names, row.aliases, row.name_index) == ("Testperson", "Adaeze",
                                                               name_index("Ada", "Testperson", "Adaeze"))


def test_the_audit_of_an_edit_names_the_fields_never_their_values(session):
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord).case_id
    opened = identity_read(session, coord, case_id)
    identity_edit(session, coord, case_id, IdentityInput(given_names="Ada", family_names="Newname", phone=opened.phone,
                                                         emergency_contact="Sister: +234 803 555 0199"),
                  expected_version=opened.version)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "identity.edit")).one()
    assert '"family_names"' in event.detail and '"emergency_contact"' in event.detail
    assert "Newname" not in event.detail and "555" not in event.detail and '"phone"' not in event.detail


def test_an_unchanged_stored_phone_is_kept_even_if_it_would_not_be_valid_today(session):
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord).case_id
    session.get(Identity, case_id).phone = "+99912345"  # as an import might have left it
    session.flush()
    opened = identity_read(session, coord, case_id)
    identity_edit(session, coord, case_id, IdentityInput(given_names="Ada", family_names="T", phone="+99912345"),
                  expected_version=opened.version)
    assert session.get(Identity, case_id).phone == "+99912345"


def test_name_search_finds_whole_words_of_names_aliases_and_other_spellings_audited_without_the_name(session):
    coord = make_actor(session, "coordinator")
    arabic = register(session, coord, identity=identity(given_names="فاطمة", family_names="بنعلي",
                                                        aliases="Fatima Benali"))
    accented = register(session, coord, identity=identity(given_names="Ángela", family_names="Rodríguez"),
                        person=person(birth_date=date(1990, 1, 1)))
    for query, expected in [("fatima", {arabic.case_id}), ("بنعلي", {arabic.case_id}),
                            ("RODRIGUEZ angela", {accented.case_id}), ("Fatima Rodríguez", set()),
                            ("rodr", set()),  # whole words only: the index holds hashes of words
                            ("nobody", set()), ("%", set())]:
        rows, total = cases_list(session, coord, CaseFilter(name=query))
        assert {r.id for r in rows} == expected, query
        assert total == len(expected)
    details = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "identity.search")).all()
    assert '{"hits": 1}' in details
    assert not any(word in d for d in details for word in ("fatima", "bn", "rodr", "angela", "nobody"))


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_only_users_who_may_see_names_may_search_by_name(session, role):
    actor = make_actor(session, role)
    with pytest.raises(NotPermitted):
        cases_list(session, actor, CaseFilter(name="ada"))
