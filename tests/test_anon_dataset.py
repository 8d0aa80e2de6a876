"""The anonymised dataset: every combination of quasi-identifiers in the output is shared by
at least k people (on the demo data and on a 10,000-case bench database), nothing names a
person, and the file says what was generalised and how many rows were suppressed."""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from datetime import date

import openpyxl
import pytest
from sqlmodel import Session, select

from care.anon_dataset import QUASI_IDENTIFIERS, anonymised_dataset, anonymised_export, generalise, k_anonymous
from care.errors import NotPermitted, ValidationErrors
from care.users import actor_load
from db.engine import make_engine
from db.models import Identity, Programme
from tests.factories import make_actor

COLUMNS = ["sex", "age_band", "nationality", "host_country", "return_country", "referral_year", "htcds_status",
           "closing_reason", "exploitation_forms", "labour_sector", "labour_industries", "sexual_exploitation_types",
           "control_methods", "recruitment_method", "vulnerabilities", "recruitment_websites",
           "exploitation_websites"]


def smallest_group(rows: list[dict]) -> int:
    """Counted here, apart from the module: the size of the smallest group of equal quasi-identifiers."""
    counts = Counter((r["sex"], r["age_band"], r["nationality"], r["host_country"], r["return_country"],
                      r["referral_year"]) for r in rows)
    return min(counts.values()) if counts else 0


def record(sex, age, nat, host="FR", ret="NG", year=2014) -> dict:
    return {"sex": sex, "age_band": age, "nationality": nat, "host_country": host, "return_country": ret,
            "referral_year": year}


def test_k_anonymity_suppresses_the_rows_of_groups_smaller_than_k():
    records = [record("Female", "18-24", "NG")] * 3 + [record("Male", "18-24", "NG")] * 2 + [
        record("Female", "25-34", "AL", ret="AL")]
    kept, suppressed = k_anonymous(records, 3)
    assert (len(kept), suppressed) == (3, 3)
    assert {r["sex"] for r in kept} == {"Female"}


def test_generalisation_goes_step_by_step_until_few_rows_are_suppressed():
    # Two people alike but for their host country and year: leaving those out makes a group of 2.
    records = [record("Female", "18-24", "NG", host="FR", year=2014), record("Female", "18-24", "NG", host="ES",
                                                                                year=2015)]
    kept, suppressed, steps = generalise(records, 2)
    assert (len(kept), suppressed) == (2, 0)
    assert steps == ("Host country: left out (*).", "Year of referral: left out (*).")
    assert {(r["host_country"], r["referral_year"]) for r in kept} == {("*", "*")}


@pytest.mark.parametrize("code", ["CARE", "TACT", "CH_VOT", "CARE_PLUS"])
@pytest.mark.parametrize("k", [2, 5, 10])
def test_demo_data_every_combination_is_shared_by_k_people(demo_db_url, code, k):
    engine = make_engine(demo_db_url)
    with Session(engine) as s:
        coord = actor_load(s, "coord")
        pid = s.exec(select(Programme.id).where(Programme.code == code)).one()
        data = anonymised_dataset(s, coord, programme_id=pid, k=k)
        s.rollback()
    engine.dispose()
    assert not data.rows or smallest_group(data.rows) >= k
    assert data.suppressed + len(data.rows) == data.total


def test_the_file_names_no_one_and_says_what_was_done(demo_db_url):
    engine = make_engine(demo_db_url)
    with Session(engine) as s:
        coord = actor_load(s, "coord")
        pid = s.exec(select(Programme.id).where(Programme.code == "CARE")).one()
        names = {w for i in s.exec(select(Identity)).all() for w in (i.given_names, i.family_names) if w}
        payload, file_name, data = anonymised_export(s, coord, programme_id=pid, k=5, today=date(2026, 12, 6))
        s.rollback()
    engine.dispose()
    wb = openpyxl.load_workbook(io.BytesIO(payload))
    assert wb.sheetnames == ["About", "Dataset"] and file_name == "anonymised-CARE-k5-2026-12-06.xlsx"
    dataset = [[c.value for c in r] for r in wb["Dataset"].iter_rows()]
    assert dataset[0] == COLUMNS
    cells = {str(v) for row in dataset[1:] for v in row if v is not None}
    assert not cells & names
    assert not any(re.search(r"[A-Z_]+-[A-Z]{2}-\d{4}-\d{4}", v) for v in cells)  # no case code
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["People in the programme (not found ineligible)"] == 130
    assert about["Rows suppressed"] + about["Rows in the dataset"] == 130
    assert about["Rows in the dataset"] == len(dataset) - 1
    generalised = [r[1].value for r in wb["About"].iter_rows(min_row=2) if r[0].value == "Generalised"]
    assert "Referral date: replaced by its year." in generalised
    assert "Region or town of return: replaced by the return country." in generalised


def test_k_is_checked_and_only_coordinators_export(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    pid = next(iter(coord.programme_ids))
    with pytest.raises(ValidationErrors):
        anonymised_dataset(session, coord, programme_id=pid, k=1)
    with pytest.raises(NotPermitted):
        anonymised_dataset(session, make_actor(session, "manager", programmes=("CARE",)), programme_id=pid)


@pytest.fixture(scope="session")
def bench_10k(tmp_path_factory):
    """A 10,000-case bench database (bench/build.py), built once per test session (3 to 12 minutes),
    or one built before: CARE_BENCH_10K_URL (e.g. kept by `python -m care bench --workdir`)."""
    if os.environ.get("CARE_BENCH_10K_URL"):
        return os.environ["CARE_BENCH_10K_URL"]
    if os.environ.get("CARE_SLOW_TESTS") != "1":
        pytest.skip("slow: builds a 10,000-case bench database (minutes); set CARE_SLOW_TESTS=1 to run it, "
                    "or CARE_BENCH_10K_URL to use one built before")
    from bench.build import build

    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'care-10000.db'}"
    build(url, 10_000, today=date(2026, 12, 6))
    return url


@pytest.mark.slow
@pytest.mark.parametrize("k", [5, 11])
def test_bench_10k_every_combination_is_shared_by_k_people(bench_10k, k):
    engine = make_engine(bench_10k)
    with Session(engine) as s:
        coord = make_actor(s, "coordinator", username=f"anon-k{k}")
        for pid in s.exec(select(Programme.id)).all():
            data = anonymised_dataset(s, coord, programme_id=pid, k=k)
            assert not data.rows or smallest_group(data.rows) >= k
            assert data.suppressed + len(data.rows) == data.total
            assert all(set(r) == set(COLUMNS) for r in data.rows)
        s.rollback()
    engine.dispose()
    assert QUASI_IDENTIFIERS == ("sex", "age_band", "nationality", "host_country", "return_country", "referral_year")
