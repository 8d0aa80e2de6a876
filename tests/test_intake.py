"""Intake: consent decides what is kept, the rules of the referral and the person, codes, duplicates."""

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import func, select

from care import intake
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.identity import identity_read, name_index
from care.vocab import Stage
from db.models import AuditEvent, Case, CaseCodeCounter, Identity, Organisation, Referral
from tests.factories import make_actor, make_case, programme_id
from tests.factories_intake import TODAY, consent, details, identity, person, register


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def field_errors(excinfo) -> dict[str, str]:
    return excinfo.value.errors


# --- what is kept -------------------------------------------------------------------


def test_with_consent_a_case_its_identity_and_the_register_entry_are_written(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    result = register(session, coord)
    assert result.outcome == "case" and result.code == "CARE-FR-2014-0001"
    case = session.get(Case, result.case_id)
    assert (case.stage, case.return_country, case.languages, case.is_minor) == ("referred", "NG", ["en", "yo"], False)
    assert case.consent_processing_on == date(2014, 3, 10) and case.consent_method == "written"
    ident = session.get(Identity, case.id)
    assert (ident.given_names, ident.family_names, ident.phone) == ("Ada", "Testperson", "+2348035550101")
    assert ident.name_index == name_index("Ada", "Testperson")
    referral = session.exec(select(Referral)).one()
    assert (referral.outcome, referral.case_id) == ("case", case.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.create")).one()
    assert event.case_id == case.id and "Ada" not in event.detail
    assert all(c.met for c in result.eligibility) and result.meets_criteria


def test_without_consent_only_the_fact_that_a_referral_arrived_is_kept(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    # Nothing about the person is checked or kept, not even what was typed.
    result = register(session, coord, consent=consent(processing=False),
                      person=person(sex="", nationality=""), identity=identity(given_names="Zora", phone="nonsense"))
    assert result.outcome == "no_consent" and result.case_id is None
    assert count(session, Case) == 0 and count(session, Identity) == 0
    referral = session.exec(select(Referral)).one()
    assert (referral.outcome, referral.case_id, referral.host_country) == ("no_consent", None, "FR")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "referral.register")).one().case_id is None


def test_the_form_must_say_whether_the_person_consents(session):
    coord = make_actor(session, "coordinator")
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, consent=consent(processing=None))
    assert "consent_processing" in field_errors(err)
    assert count(session, Referral) == 0


# --- the referral -------------------------------------------------------------------


@pytest.mark.parametrize(("referral_date", "message"), [
    (date(2015, 6, 2), "The referral date cannot be in the future."),
    (date(2013, 8, 31), "The referral date must be within CARE's period, Sep 1, 2013 to Dec 31, 2015."),
    (None, "The referral date is required."),
])
def test_a_future_or_out_of_period_referral_date_is_refused(session, referral_date, message):
    coord = make_actor(session, "coordinator")
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, details=details(referral_date=referral_date))
    assert field_errors(err)["referral_date"] == message
    assert count(session, Case) == 0


def test_the_last_day_of_the_period_and_today_are_accepted(session):
    coord = make_actor(session, "coordinator")
    day = date(2015, 12, 31)
    result = register(session, coord, today=day, details=details(referral_date=day), consent=consent(on=day))
    assert result.outcome == "case"


@pytest.mark.parametrize(("ret", "on", "refused"), [
    ("RO", date(2014, 3, 10), True),   # Romania, an EU member state
    ("HR", date(2014, 3, 10), True),   # Croatia joined on 1 July 2013
    ("GB", date(2014, 3, 10), True),   # the United Kingdom, a member until 31 January 2020
    ("GB", date(2021, 3, 10), False),  # ... and not after
    ("NG", date(2014, 3, 10), False),
])
def test_an_eu_return_country_is_refused_with_a_clear_message(session, ret, on, refused):
    coord = make_actor(session, "coordinator")
    programme = "CARE" if on.year < 2016 else "CH_VOT"
    host = "FR" if programme == "CARE" else "CH"
    call = lambda: register(session, coord, programme=programme, host=host, today=on,  # noqa: E731
                            details=details(referral_date=on), consent=consent(on=on),
                            person=person(return_country=ret, nationality=ret))
    if refused:
        with pytest.raises(ValidationErrors) as err:
            call()
        assert "is a member of the European Union" in field_errors(err)["return_country"]
        assert "outside the EU only" in field_errors(err)["return_country"]
    else:
        assert call().outcome == "case"


def test_a_return_country_outside_the_programmes_list_is_kept_but_not_eligible(session):
    coord = make_actor(session, "coordinator")
    result = register(session, coord, person=person(return_country="PE", nationality="PE"))
    assert result.outcome == "case" and not result.meets_criteria
    case = session.get(Case, result.case_id)
    assert intake.eligible_missing(session, case) == ["Peru is not one of CARE's return countries."]


def test_eligibility_preview_says_each_criterion_in_plain_words(session):
    coord = make_actor(session, "coordinator")
    texts = [(c.met, c.text) for c in intake.eligibility_preview(
        session, coord, programme_id=programme_id(session, "TACT"), return_country="RS", referral_date=date(2015, 11, 16))]
    assert texts == [
        (True, "Serbia is outside the European Union."),
        (False, "Serbia is not one of TACT's return countries."),
        (False, "The referral date, Nov 16, 2015, is outside TACT's period (Dec 1, 2015 to Nov 30, 2017)."),
    ]


def test_a_focal_point_registers_only_for_their_own_host_countries(session):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    with pytest.raises(NotPermitted) as err:
        register(session, fp_es, host="FR")
    assert err.value.field == "host_country"
    assert register(session, fp_es, host="ES").code == "CARE-ES-2014-0001"
    assert [(p.code, p.host_countries) for p in intake.intake_programmes(session, fp_es)] == [("CARE", ("ES",))]
    assert intake.intake_programmes(session, fp_ng) == []  # a return country is not a host country
    with pytest.raises(NotPermitted):
        register(session, fp_ng, host="FR")


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_do_not_register_referrals(session, role):
    actor = make_actor(session, role)
    with pytest.raises(NotPermitted):
        register(session, actor)
    assert intake.intake_programmes(session, actor) == []


def test_a_coordinator_of_another_programme_cannot_register_here(session):
    coord = make_actor(session, "coordinator", programmes=("TACT",))
    with pytest.raises(NotPermitted):
        register(session, coord, programme="CARE")


def test_a_new_referring_organisation_is_added_once_and_reused(session):
    coord = make_actor(session, "coordinator")
    new = details(identified_by="ngo", new_organisation="Association L’Aube", new_organisation_type="NGO")
    first = register(session, coord, details=new, person=person(birth_date=date(1990, 1, 1)))
    again = register(session, coord, details=replace(new, new_organisation="association  l'aube"),
                     person=person(birth_date=date(1991, 1, 1)))
    orgs = session.exec(select(Organisation)).all()
    assert [(o.name, o.country, o.org_type) for o in orgs] == [("Association L’Aube", "FR", "NGO")]
    ids = {session.get(Case, r.case_id).organisation_id for r in (first, again)}
    assert ids == {orgs[0].id}
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, details=details(identified_by="ngo", new_organisation="Other", new_organisation_type=""))
    assert "organisation_type" in field_errors(err)
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, details=details(identified_by="police"))
    assert field_errors(err)["organisation"] == "Choose the referring organisation, or add it."


def test_an_organisation_of_another_country_is_refused(session):
    coord = make_actor(session, "coordinator")
    org = Organisation(name="Fundación X (test)", org_type="NGO", country="ES")
    session.add(org)
    session.flush()
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, details=details(identified_by="ngo", organisation_id=org.id))
    assert "organisation" in field_errors(err)


# --- the person ---------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "age", "minor"), [
    (date(1996, 3, 10), None, False),  # 18 on the day of the referral
    (date(1996, 3, 11), None, True),   # 18 the day after
    (date(2000, 2, 29), None, True),
    (None, 17, True),
    (None, 18, False),
])
def test_a_minor_is_computed_from_the_birth_date_at_the_referral_date(session, birth, age, minor):
    coord = make_actor(session, "coordinator")
    result = register(session, coord, person=person(birth_date=birth, estimated_age=age))
    assert result.is_minor is minor
    assert session.get(Case, result.case_id).is_minor is minor


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"sex": ""}, "sex", "Choose the person's sex."),
    ({"birth_date": None}, "birth_date", "Give the date of birth, or an estimated age if it is not known."),
    ({"estimated_age": 30}, "estimated_age", "Leave the estimated age empty when the date of birth is known."),
    ({"birth_date": date(2014, 3, 11)}, "birth_date", "The date of birth must be before the referral date."),
    ({"birth_date": None, "estimated_age": 130}, "estimated_age",
     "The estimated age is a number of years from 0 to 100."),
    ({"nationality": "XX"}, "nationality", "Choose the nationality."),
    ({"languages": ()}, "languages", "Choose at least one language the person speaks."),
    ({"languages": ("klingon",)}, "languages", "Unknown language."),
    ({"exploitation_forms": ()}, "exploitation_forms", "Choose at least one form of exploitation."),
    ({"exploitation_forms": ("labour",)}, "labour_sector", "Choose the sector of the labour exploitation."),
    ({"control_methods": ("Bribes",)}, "control_methods", "Unknown method of control."),
    ({"return_region": "  "}, "return_region", "Give the region or town of return."),
    ({"return_country": ""}, "return_country", "Choose the return country."),
])
def test_person_fields_are_checked_and_named(session, changes, field, message):
    coord = make_actor(session, "coordinator")
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, person=person(**changes))
    assert field_errors(err)[field] == message
    assert count(session, Case) == 0 and count(session, Referral) == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"given_names": "", "family_names": ""}, "given_names"),
    ({"phone": "12"}, "phone"),
    ({"given_names": "x" * 201}, "given_names"),
])
def test_identity_fields_are_checked(session, changes, field):
    coord = make_actor(session, "coordinator")
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, identity=identity(**changes))
    assert field in field_errors(err)


@pytest.mark.parametrize(("typed", "ret", "stored"), [
    ("0803 555 0101", "NG", "+2348035550101"),   # a national number, read in the return country
    ("+33 6 12 34 56 78", "NG", "+33612345678"),  # a number with its country code stays as it is
    ("", "NG", ""),
])
def test_phones_are_stored_in_e164(session, typed, ret, stored):
    coord = make_actor(session, "coordinator")
    result = register(session, coord, identity=identity(phone=typed), person=person(return_country=ret))
    assert identity_read(session, coord, result.case_id).phone == stored


def test_labour_exploitation_keeps_its_sector_and_the_sector_goes_without_it(session):
    coord = make_actor(session, "coordinator")
    labour = register(session, coord, person=person(exploitation_forms=("labour", "sexual"), labour_sector="Hospitality"),
                      identity=identity(given_names="Lia", family_names="Quartz"))
    sexual = register(session, coord, person=person(labour_sector="Hospitality"),
                      identity=identity(given_names="Mia", family_names="Yellowstone"))
    assert session.get(Case, labour.case_id).labour_sector == "Hospitality"
    assert session.get(Case, sexual.case_id).labour_sector is None


def test_html_and_sql_in_text_are_stored_as_typed(session):
    coord = make_actor(session, "coordinator")
    given = "<script>alert('x')</script>"
    family = "O'Brien\"; DROP TABLE care_case; --"
    region = "<b>Benin</b> City & Co"
    result = register(session, coord, identity=identity(given_names=given, family_names=family, aliases="%_';--"),
                      person=person(return_region=region))
    case = session.get(Case, result.case_id)
    assert case.return_region == region
    person_read = identity_read(session, coord, case.id)
    assert (person_read.given_names, person_read.family_names, person_read.aliases) == (given, family, "%_';--")
    assert count(session, Case) == 1


# --- case codes ---------------------------------------------------------------------


def test_codes_count_per_programme_host_country_and_year(session):
    coord = make_actor(session, "coordinator")
    births = iter(date(1990, 1, n) for n in range(1, 10))  # five different people

    def code(host="FR", day=date(2014, 3, 10), programme="CARE"):
        return register(session, coord, host=host, programme=programme, details=details(referral_date=day),
                        consent=consent(on=day), person=person(birth_date=next(births))).code

    assert [code(), code(), code(host="ES"), code(day=date(2015, 1, 5)), code()] == [
        "CARE-FR-2014-0001", "CARE-FR-2014-0002", "CARE-ES-2014-0001", "CARE-FR-2015-0001", "CARE-FR-2014-0003"]


def test_a_code_already_taken_is_skipped(session):
    coord = make_actor(session, "coordinator")
    make_case(session, host="FR", referral_date=date(2014, 5, 1))  # written directly, without its counter
    taken = session.exec(select(Case.code)).one()
    number = int(taken.rsplit("-", 1)[1])
    session.add(CaseCodeCounter(programme_id=programme_id(session), host_country="FR", year=2014,
                                last_number=number - 1))
    session.flush()
    assert register(session, coord).code == f"CARE-FR-2014-{number + 1:04d}"


# --- duplicates ---------------------------------------------------------------------


def test_a_similar_name_with_the_same_birth_date_warns_before_saving(session):
    coord = make_actor(session, "coordinator")
    first = register(session, coord, identity=identity(given_names="Ángela", family_names="Rodríguez Peña"))
    for typed in [("angela", "RODRIGUEZ PENA"), ("Rodríguez Peña", "Ángela"), ("Angela", "Rodrigues Pena")]:
        warned = register(session, coord, identity=identity(given_names=typed[0], family_names=typed[1]))
        assert warned.outcome == "possible_duplicate", typed
        assert [d.code for d in warned.duplicates] == [first.code]
    assert count(session, Case) == 1
    saved = register(session, coord, identity=identity(given_names="Angela", family_names="Rodriguez Pena"),
                     duplicates_seen={first.case_id})
    assert saved.outcome == "case" and [d.case_id for d in saved.duplicates] == [first.case_id]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.create", AuditEvent.case_id == saved.case_id)
                         ).one()
    assert first.code in event.detail
    checks = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "identity.search")).all()
    assert checks and not any("ngela" in d or "odr" in d for d in checks)


@pytest.mark.parametrize(("typed", "birth", "age", "warned"), [
    (("Ada", "Testperson"), date(1994, 5, 2), None, False),  # another birth date
    (("Ada", "Testperson"), None, 19, True),                 # unknown birth date, about the same age
    (("Ada", "Testperson"), None, 25, False),
    (("Ana", "Testpersen"), date(1994, 5, 1), None, True),   # spelt slightly differently
    (("Bea", "Other"), date(1994, 5, 1), None, False),
])
def test_which_cases_count_as_possibly_the_same_person(session, typed, birth, age, warned):
    coord = make_actor(session, "coordinator")
    register(session, coord)  # Ada Testperson, born 1 May 1994, referred 10 Mar 2014 (19 then)
    result = register(session, coord, identity=identity(given_names=typed[0], family_names=typed[1]),
                      person=person(birth_date=birth, estimated_age=age))
    assert (result.outcome == "possible_duplicate") is warned


def test_an_alias_is_matched_too(session):
    coord = make_actor(session, "coordinator")
    first = register(session, coord, identity=identity(given_names="فاطمة", family_names="بنعلي",
                                                       aliases="Fatima Benali; Fati"))
    result = register(session, coord, identity=identity(given_names="Fatima", family_names="Benali"))
    assert [d.code for d in result.duplicates] == [first.code]


def test_the_duplicate_check_stays_within_what_the_user_may_see(session):
    coord = make_actor(session, "coordinator")
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    register(session, coord, host="FR")
    assert register(session, fp_es, host="ES").outcome == "case"  # the French case is not theirs to see


# --- correcting a case --------------------------------------------------------------


def _edit(session, actor, case, version, **changes):
    form = intake.case_form(session, actor, case.id)
    return intake.case_edit(session, actor, case.id, details=form.details, person=replace(form.person, **changes),
                            consent=form.consent, today=TODAY, expected_version=version)


def test_a_correction_is_saved_and_audited_with_the_fields_it_changed(session):
    coord = make_actor(session, "coordinator")
    case = session.get(Case, register(session, coord).case_id)
    _edit(session, coord, case, case.version, return_region="Lagos", birth_date=date(1998, 1, 1))
    assert (case.return_region, case.is_minor, case.version) == ("Lagos", True, 2)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.edit")).one()
    assert '"birth_date"' in event.detail and '"return_region"' in event.detail and "Lagos" not in event.detail


def test_a_concurrent_correction_is_refused_with_who_and_when_and_nothing_is_lost(session):
    alice = make_actor(session, "coordinator", name="Alice Example")
    bob = make_actor(session, "coordinator", name="Bob Example")
    case = session.get(Case, register(session, alice).case_id)
    opened_at = case.version
    _edit(session, alice, case, opened_at, return_region="Lagos")
    with pytest.raises(StaleEdit) as err:
        _edit(session, bob, case, opened_at, return_region="Abuja")
    assert "Alice Example saved this record" in err.value.message
    session.refresh(case)
    assert case.return_region == "Lagos"


def test_an_eligible_case_cannot_be_corrected_into_an_ineligible_one(session):
    coord = make_actor(session, "coordinator")
    case = session.get(Case, register(session, coord).case_id)
    case.stage = Stage.ELIGIBLE
    with pytest.raises(DomainError, match="already eligible"):
        _edit(session, coord, case, case.version, return_country="PE")


def test_a_closed_case_cannot_be_corrected(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage=Stage.CLOSED)
    with pytest.raises(DomainError, match="closed"):
        _edit(session, coord, case, case.version, return_region="Lagos")


def test_consent_to_processing_is_not_withdrawn_by_a_correction(session):
    coord = make_actor(session, "coordinator")
    case = session.get(Case, register(session, coord).case_id)
    form = intake.case_form(session, coord, case.id)
    with pytest.raises(ValidationErrors) as err:
        intake.case_edit(session, coord, case.id, details=form.details, person=form.person,
                         consent=replace(form.consent, processing=False), today=TODAY, expected_version=case.version)
    assert "Withdrew consent" in field_errors(err)["consent_processing"]


def test_consent_cannot_predate_the_programme(session):
    coord = make_actor(session, "coordinator")
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, consent=consent(on=date(2013, 8, 31)))  # CARE began on 1 September 2013
    assert err.value.errors["consent_on"] == ("The date of consent cannot come before the programme's start "
                                               "(Sep 1, 2013).")
    assert session.exec(select(func.count()).select_from(Case)).one() == 0
