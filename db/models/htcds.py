"""The HTCDS fields the case itself does not hold: websites and apps, the types of sexual
exploitation, the labour industry (ISIC) and the historic trafficking events.

Kept in tables of their own, one row per case and one row per event, so that the case table
(and every query on it) stays as it is; the names and codes follow IOM's HTCDS field
reference (`care.htcds` cites the file).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from db.models.base import Versioned, json_field
from db.types import EncryptedText


class CaseHtcds(Versioned, table=True):
    """HTCDS picklists of the victim context the intake form does not ask (codes: care.htcds)."""

    __tablename__ = "case_htcds"

    case_id: int = Field(foreign_key="care_case.id", primary_key=True)
    sexual_exploitation_types: list[str] = json_field()  # vic_TypeOfSexExploitation
    labour_industries: list[str] = json_field()  # vic_LabourIndustry (ISIC v4 sections)
    recruitment_websites: list[str] = json_field()  # vic_RecruitmentWebsitesAndApps
    exploitation_websites: list[str] = json_field()  # vic_ExploitationWebsitesAndApps


class TraffickingEvent(Versioned, table=True):
    """One historic trafficking event (hte_): where and when the person was recruited, moved
    through, or exploited. The town may point to a person: it is encrypted."""

    __tablename__ = "trafficking_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    event_type: str = Field(max_length=20)  # hte_Type: Recruitment | Transit | Exploitation
    country: str = Field(max_length=2)  # hte_Country, ISO 3166 alpha-2
    city: str = Field(default="", sa_type=EncryptedText)  # hte_City
    on: date | None = None  # hte_Date
