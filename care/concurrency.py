"""Optimistic locking: a save names the version it started from.

`claim` bumps the version with a conditional UPDATE before anything else is written.
That statement takes the row's write lock until commit, so two saves cannot interleave;
if the version moved on, the save is refused with who changed it and when, and the page
keeps what the user typed.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

from care.access import Actor
from care.errors import StaleEdit
from care.i18n import _, fmt_date
from db.models import User, utcnow


def claim(session: Session, actor: Actor, model: type[SQLModel], key: dict, expected_version: int) -> None:
    """Take the row at `expected_version`, or raise `StaleEdit`."""
    conditions = [getattr(model, k) == v for k, v in key.items()]
    result = session.execute(
        update(model)
        .where(*conditions, model.version == expected_version)
        .values(version=model.version + 1, updated_at=utcnow(), updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        row = session.exec(select(model).where(*conditions)).one()
        session.refresh(row)
        return
    row = session.exec(select(model).where(*conditions)).first()
    if row is None:
        raise StaleEdit(_("This record no longer exists."))
    who = session.get(User, row.updated_by_id) if row.updated_by_id else None
    raise StaleEdit(
        _("{who} saved this record on {when}, after you opened it. Nothing was overwritten: "
          "reload to see their changes, then apply yours again.").format(
            who=who.name if who else _("Someone"), when=fmt_date(row.updated_at, "short")
        )
    )
