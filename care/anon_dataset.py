"""An anonymised record-level dataset: one row per person, for research or IOM's data hub.

No name, case code, contact, date of birth or free text, ever: the row is built from codes
only. The quasi-identifiers (what someone could know about a person from elsewhere) are
generalised: age at referral in bands instead of the date of birth, the year of referral
instead of the day, the return country instead of the region or town of return. Then every
row whose combination of quasi-identifiers is shared by fewer than k people is suppressed
(k-anonymity, k chosen per export, 5 by default), and the file says what was generalised
and how many rows were suppressed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from care import xlsx
from care.access import Actor, Role, require_programme
from care.audit import audit_record
from care.errors import ValidationErrors
from care.htcds import SEPARATOR
from care.htcds_export import age_at_referral
from care.i18n import N_, _
from care.programmes import programme_settings
from care.vocab import HTCDS_STATUS
from db.models import Case, CaseHtcds

DEFAULT_K = 5
AGE_BANDS = ((0, 17, "0-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, 200, "50+"))

# The quasi-identifiers, in the order of the file.
QUASI_IDENTIFIERS = ("sex", "age_band", "nationality", "host_country", "return_country", "referral_year")
# The attributes studied: codes of closed lists only.
ATTRIBUTES = ("htcds_status", "closing_reason", "exploitation_forms", "labour_sector", "labour_industries",
              "sexual_exploitation_types", "control_methods", "recruitment_method", "vulnerabilities",
              "recruitment_websites", "exploitation_websites")
GENERALISED = (
    N_("Date of birth: replaced by the age band at referral (0-17, 18-24, 25-34, 35-49, 50+)."),
    N_("Referral date: replaced by its year."),
    N_("Region or town of return: replaced by the return country."),
    N_("Left out: names, case code, contacts, dates of consent, closure and travel, and every free text."),
)


@dataclass(frozen=True)
class Dataset:
    k: int
    rows: list[dict]
    total: int  # people before suppression
    suppressed: int
    steps: tuple[str, ...] = ()  # the further generalisations taken (msgids)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def _record(case: Case, extra: CaseHtcds | None) -> dict:
    def joined(values) -> str:
        return SEPARATOR.join(sorted(values or []))

    return {
        "sex": case.sex, "age_band": age_band(age_at_referral(case)), "nationality": case.nationality,
        "host_country": case.host_country, "return_country": case.return_country,
        "referral_year": case.referral_date.year,
        "htcds_status": HTCDS_STATUS.get(case.stage, "Active"), "closing_reason": case.closing_reason or "",
        "exploitation_forms": joined(case.exploitation_forms), "labour_sector": case.labour_sector or "",
        "labour_industries": joined(extra.labour_industries if extra else []),
        "sexual_exploitation_types": joined(extra.sexual_exploitation_types if extra else []),
        "control_methods": joined(case.control_methods), "recruitment_method": case.recruitment_method or "",
        "vulnerabilities": joined(case.vulnerabilities),
        "recruitment_websites": joined(extra.recruitment_websites if extra else []),
        "exploitation_websites": joined(extra.exploitation_websites if extra else []),
    }


def k_anonymous(records: list[dict], k: int) -> tuple[list[dict], int]:
    """The records whose quasi-identifiers are shared by at least k of them; how many were dropped."""
    counts = Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in records)
    kept = [r for r in records if counts[tuple(r[q] for q in QUASI_IDENTIFIERS)] >= k]
    return kept, len(records) - len(kept)


def _coarse_age(r: dict) -> dict:
    minor = {"0-17": "0-17", "unknown": "unknown"}
    return r | {"age_band": minor.get(r["age_band"], "18+")}


# Further generalisations, tried one after the other until few rows need suppressing:
# small groups of people are common in this work, and a dataset of nobody helps no one.
STEPS = (
    (N_("Host country: left out (*)."), lambda r: r | {"host_country": "*"}),
    (N_("Year of referral: left out (*)."), lambda r: r | {"referral_year": "*"}),
    (N_("Age band: minor (0-17) or adult (18+)."), _coarse_age),
    (N_("Nationality: left out (*); the return country stays."), lambda r: r | {"nationality": "*"}),
)
ACCEPTED_SHARE = 0.05  # stop generalising once at most 5 % of the people are suppressed


def generalise(records: list[dict], k: int) -> tuple[list[dict], int, tuple[str, ...]]:
    """k-anonymous records, generalised step by step until at most 5 % are suppressed (or every
    step is taken); the kept records, how many were suppressed, the steps taken (msgids)."""
    kept, suppressed = k_anonymous(records, k)
    taken: list[str] = []
    for description, step in STEPS:
        if suppressed <= ACCEPTED_SHARE * len(records):
            break
        records = [step(r) for r in records]
        taken.append(description)
        kept, suppressed = k_anonymous(records, k)
    return kept, suppressed, tuple(taken)


def anonymised_dataset(session: Session, actor: Actor, *, programme_id: int, k: int = DEFAULT_K) -> Dataset:
    """The programme's people, generalised and k-anonymous (cases not found ineligible)."""
    require_programme(actor, programme_id, Role.COORDINATOR)
    if not 2 <= k <= 100:
        raise ValidationErrors(errors={"k": _("k is a whole number from 2 to 100.")})
    cases = session.exec(select(Case).where(Case.programme_id == programme_id, Case.stage != "ineligible")).all()
    extra = {h.case_id: h for h in session.exec(select(CaseHtcds).join(Case, Case.id == CaseHtcds.case_id)
                                                 .where(Case.programme_id == programme_id)).all()}
    records = [_record(c, extra.get(c.id)) for c in cases]
    kept, suppressed, steps = generalise(records, k)
    kept.sort(key=lambda r: tuple(str(r[q]) for q in (*QUASI_IDENTIFIERS, *ATTRIBUTES)))  # no trace of entry order
    return Dataset(k, kept, len(records), suppressed, steps)


def anonymised_export(session: Session, actor: Actor, *, programme_id: int, k: int = DEFAULT_K, fmt: str = "xlsx",
                      today: date) -> tuple[bytes, str, Dataset]:
    """The dataset as a file (xlsx: with an About sheet; csv: the rows), its name; audited."""
    data = anonymised_dataset(session, actor, programme_id=programme_id, k=k)
    programme = programme_settings(session, programme_id)
    headings = [*QUASI_IDENTIFIERS, *ATTRIBUTES]
    rows = [[r[h] for h in headings] for r in data.rows]
    about = [
        [_("Programme"), programme.code], [_("Report date"), today],
        [_("k (each combination of quasi-identifiers is shared by at least k people)"), data.k],
        [_("Quasi-identifiers"), ", ".join(QUASI_IDENTIFIERS)],
        [_("People in the programme (not found ineligible)"), data.total],
        [_("Rows suppressed"), data.suppressed], [_("Rows in the dataset"), len(data.rows)],
        *([_("Generalised"), _(text)] for text in (*GENERALISED, *data.steps)),
    ]
    if fmt == "csv":
        payload = xlsx.csv_bytes([headings, *rows])
    else:
        wb = xlsx.new_workbook()
        xlsx.table_sheet(wb, _("About"), [_("Item"), _("Value")], about)
        xlsx.table_sheet(wb, _("Dataset"), headings, rows)
        payload = xlsx.workbook_bytes(wb)
    audit_record(session, actor, "export.anonymised_dataset", entity="programme", entity_id=programme_id, detail={
        "k": data.k, "rows": len(data.rows), "suppressed": data.suppressed, "format": fmt})
    return payload, f"anonymised-{programme.code}-k{data.k}-{today.isoformat()}.{fmt}", data
