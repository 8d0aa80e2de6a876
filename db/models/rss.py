"""The reintegration sustainability survey: one row per survey taken, its answers one by one, and the
early warnings of re-trafficking risk raised from surveys, missed follow-ups and failed contacts.

Answers are sensitive (safety, debt, distress): each is encrypted. The scores a survey produced
(between 0 and 1, per dimension and overall) are kept in clear on the survey row, with the
weights that produced them, so that the indicators can average them in SQL without reading
anyone's answers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models.base import utcnow
from db.types import EncryptedText


class RssSurvey(SQLModel, table=True):
    __tablename__ = "rss_survey"
    __table_args__ = (UniqueConstraint("case_id", "occasion", name="uq_rss_survey_case_occasion"),
                      Index("ix_rss_survey_months", "months_after"))

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    # "baseline", or "followup:<id>" for the survey taken at that follow-up
    occasion: str = Field(max_length=30)
    followup_id: int | None = Field(default=None, foreign_key="followup.id")
    months_after: int | None = None  # None: the baseline; else months after return (the follow-up's)
    baseline_when: str = Field(default="", max_length=12)  # assessment|arrival (baseline only)
    taken_on: date
    answered: int = 0  # questions answered (a "not applicable" counts as answered)
    asked: int = 0  # questions in the survey
    partial: bool = False
    economic: float | None = None
    social: float | None = None
    psychosocial: float | None = None
    composite: float | None = None
    weights_version: int = 1  # the programme settings' version the weights come from
    weights_source: str = Field(default="", max_length=300)
    weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    taken_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    taken_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class RssAnswer(SQLModel, table=True):
    """One answer: the option's code, encrypted."""

    __tablename__ = "rss_answer"

    survey_id: int = Field(foreign_key="rss_survey.id", primary_key=True)
    item: str = Field(max_length=40, primary_key=True)
    answer: str = Field(default="", sa_type=EncryptedText)


class EarlyWarning(SQLModel, table=True):
    """A case raised for re-trafficking risk: why (a rule and its figures), and how it was closed."""

    __tablename__ = "early_warning"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_early_warning_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    rule: str = Field(max_length=20)  # score_drop|missed|unreached
    key: str = Field(max_length=80)  # what was raised once (a survey pair, a follow-up, an attempt day)
    detail: str = Field(default="", sa_type=EncryptedText)  # JSON of the figures the reason is written from
    raised_on: date
    raised_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    closed_on: date | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    close_note: str = Field(default="", sa_type=EncryptedText)


class ProgrammeRss(SQLModel, table=True):
    """A programme's survey settings (care.rss): weights with their source, threshold, early-warning margin.
    A table of its own, so the programme table keeps its columns; versioned with the programme's settings."""

    __tablename__ = "programme_rss"

    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
