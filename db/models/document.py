"""Documents kept with a case: a scanned signed consent, the signed plan, a receipt...

The metadata (`CaseDocument`) and the file's bytes (`CaseDocumentFile`) are two tables, so
that listing a case's documents never reads a file. The bytes, the original name and the
note are encrypted with the data key like the identity (`db.types`); the name is kept
for display and download only, never used as a path.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from db.models.base import utcnow
from db.types import EncryptedBytes, EncryptedText
from sqlalchemy import DateTime


class CaseDocument(SQLModel, table=True):
    __tablename__ = "case_document"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    plan_line_id: int | None = Field(default=None, foreign_key="plan_line.id")
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    kind: str = Field(max_length=20)  # care.case_documents.DOCUMENT_KINDS
    document_date: date
    note: str = Field(default="", sa_type=EncryptedText)
    file_name: str = Field(default="", sa_type=EncryptedText)  # sanitised, for display and download only
    media_type: str = Field(max_length=30)  # found from the content: application/pdf, image/jpeg, image/png
    size: int  # bytes of the original file
    uploaded_by_id: int = Field(foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CaseDocumentFile(SQLModel, table=True):
    __tablename__ = "case_document_file"

    document_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("case_document.id"), primary_key=True, autoincrement=False))
    content: bytes = Field(sa_column=Column(EncryptedBytes, nullable=False))
