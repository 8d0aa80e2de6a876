"""A form kept open across a language switch (My account) shows its labels in the new language:
the form keeps what it was opened with (`care/ui/opened.py`), so its labels are translated when
shown, not when it opened."""

from __future__ import annotations

from datetime import date

from care import followups, journey
from care.i18n import use_language
from care.schedule import followups_schedule
from tests.factories import make_actor
from tests.factories_journey import approved_case


def test_an_open_follow_up_form_follows_the_language(session):
    coord = make_actor(session, "coordinator")
    case = approved_case(session, coord, stage="in_follow_up", arrival_date=date(2014, 6, 1))
    first = followups_schedule(session, case, date(2014, 6, 1))[1]  # 3 months after return
    with use_language("en"):
        form = followups.followup_form(session, coord, first.id)  # opened in English...
        assert form.label == "3 months after return"
    with use_language("fr"):  # ...shown after the switch
        assert form.label == "3 mois après le retour"


def test_an_open_checklist_follows_the_language(session):
    coord = make_actor(session, "coordinator")
    case = approved_case(session, coord)
    with use_language("en"):
        rows = journey.checklists(session, coord, case.id).arrival
        reception = next(r for r in rows if r.item == "airport_reception")
        assert reception.label == "Airport reception"
    with use_language("fr"):
        assert reception.label == "Accueil à l'aéroport"
