"""Errors the domain raises and pages show as they are.

A message is already translated (the domain calls `_()` in the acting user's language);
`field` names the form field it belongs to, so a page can show it next to that field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    """The acting user may not do this, or may not know that the record exists."""


class StaleEdit(DomainError):
    """Someone else saved the record after it was opened: nothing was overwritten."""


@dataclass
class ValidationErrors(DomainError):
    """Several field errors at once, so a form can show each next to its field."""

    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        DomainError.__init__(self, "; ".join(self.errors.values()))


class Problems:
    """Collect field errors, then raise them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationErrors(errors=dict(self.errors))
