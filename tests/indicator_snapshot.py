"""Every indicator figure of the demo data, as plain JSON: the before/after oracle for the
encryption of the sensitive case columns.

`tests/snapshots/indicators_demo.json` was written by running this file (`python -m
tests.indicator_snapshot`) on the code *before* birth dates and forms of exploitation were
encrypted (main at c97ae03; main at 3e1ae37, with the partners' demo data, wrote the same
file), where the age groups and the forms were SQL over plain columns, so the test compares
the new code path against figures it did not compute.

One table was rewritten since, by hand and alone: the "followups" table of CARE and TACT, when
the demo stopped leaving the follow-ups of programmes that ended open for ten years (issue 25,
point 13: they are cancelled now). Every other table of the file was compared equal then. And
the live programme CH_VOT was rewritten whole when its cases in follow-up were made to return to
Nigeria (so the demo's Nigeria focal point has follow-ups to log): the oracle of the encryption
holds for CARE, CARE_PLUS and TACT.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from sqlmodel import Session, SQLModel, select

SNAPSHOT = Path(__file__).parent / "snapshots" / "indicators_demo.json"
TODAY = date(2026, 3, 10)  # the demo's `today`, as in tests/test_demo_seed.py


def _cell(cell) -> list:
    value = cell.value
    return [None if value is None else str(value), str(cell.kind), cell.n, cell.hidden]


def figures(session: Session, actor) -> dict:
    """{programme code: {table key: [[row key, cells...], ...]}} for each demo programme."""
    from care.indicators import indicators_report
    from db.models import Programme

    out = {}
    for programme_id, code in session.exec(select(Programme.id, Programme.code).order_by(Programme.code)).all():
        report = indicators_report(session, actor, programme_id=programme_id, today=TODAY)
        out[code] = {t.key: [[r.key, *(_cell(c) for c in r.cells)] for r in t.rows] for t in report.tables}
    return out


def demo_figures() -> dict:
    from db.engine import make_engine
    from seeds.demo import seed_demo
    from seeds.reference import seed_reference
    from tests.factories import make_actor

    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        seed_reference(s)
        seed_demo(s, today=TODAY)
        s.flush()
        return figures(s, make_actor(s, "coordinator"))


if __name__ == "__main__":
    import tests.conftest  # noqa: F401  (the test environment: demo mode, the test data key)

    SNAPSHOT.write_text(json.dumps(demo_figures(), indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"written {SNAPSHOT}\n")
