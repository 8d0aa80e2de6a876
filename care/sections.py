"""What a stage contributes to the case file and the case summary PDF.

Each stage module offers `case_section(session, actor, case) -> Section | None`; the case
file and the PDF show the sections in path order, as plain text (never HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    tables: list[Table] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # earlier versions, one line each
