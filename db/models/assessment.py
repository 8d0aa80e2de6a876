"""Risk and needs assessments. Each reassessment is a new version; none is overwritten."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from db.models.base import utcnow
from db.types import EncryptedText


class RiskAssessment(SQLModel, table=True):
    __tablename__ = "risk_assessment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    version_no: int
    assessed_on: date
    author_id: int = Field(foreign_key="app_user.id")
    computed_level: str = Field(max_length=10)
    overall_level: str = Field(max_length=10)
    justification: str = Field(default="", sa_type=EncryptedText)
    is_current: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class RiskFactorRating(SQLModel, table=True):
    __tablename__ = "risk_factor_rating"

    assessment_id: int = Field(foreign_key="risk_assessment.id", primary_key=True)
    factor: str = Field(max_length=40, primary_key=True)
    rating: str = Field(max_length=10)  # none|low|medium|high
    source: str = Field(default="", max_length=30)
    note: str = Field(default="", sa_type=EncryptedText)


class Mitigation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="risk_assessment.id", index=True)
    what: str = Field(sa_type=EncryptedText)
    who: str = Field(sa_type=EncryptedText)  # plain text: at most 200
    by_when: date


class NeedsAssessment(SQLModel, table=True):
    __tablename__ = "needs_assessment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    version_no: int
    assessed_on: date
    author_id: int = Field(foreign_key="app_user.id")
    education_level: str = Field(default="", max_length=40)
    work_experience: str = Field(default="", sa_type=EncryptedText)
    skills: str = Field(default="", sa_type=EncryptedText)
    languages: str = Field(default="", sa_type=EncryptedText)
    aspirations: str = Field(default="", sa_type=EncryptedText)
    opportunities: str = Field(default="", sa_type=EncryptedText)
    is_current: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class NeedRating(SQLModel, table=True):
    __tablename__ = "need_rating"

    assessment_id: int = Field(foreign_key="needs_assessment.id", primary_key=True)
    area: str = Field(max_length=40, primary_key=True)
    priority: str = Field(max_length=10)  # none|low|medium|high|urgent
    note: str = Field(default="", sa_type=EncryptedText)
