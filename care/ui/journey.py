"""The checklist's widgets: one compact block per item, made to be filled in on a phone.

Each item is a line with its name, then "needed", "done on" and a note side by side
(they wrap on a narrow screen), then the few details some items carry (the flight, the
receiving focal point, the nights of shelter). Errors show right under their widget.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from care.i18n import _, fmt_date
from care.journey import DETAIL_LABELS, ChecklistEntry, ChecklistRow, describe_details, unchanged
from care.ui.dates import day_input
from care.ui.messages import field_error
from care.vocab import label



def _detail_widgets(row: ChecklistRow, prefix: str, form_key: str, today: date) -> dict:
    details: dict = {}
    if row.item == "flight_booked":
        with st.container(horizontal=True):
            details["flight_date"] = day_input(
                label(DETAIL_LABELS, "flight_date"), row.details.get("flight_date"), today=today, planned=True,
                key=f"{prefix}_{row.item}_flight_date", width=160)
            details["route"] = st.text_input(label(DETAIL_LABELS, "route"), value=row.details.get("route", ""),
                                             placeholder="CDG-LOS", key=f"{prefix}_{row.item}_route", width=130)
            details["transit"] = st.text_input(label(DETAIL_LABELS, "transit"), value=row.details.get("transit", ""),
                                               placeholder="CMN", key=f"{prefix}_{row.item}_transit")
        for name in ("flight_date", "route", "transit"):
            field_error(form_key, f"{row.item}_{name}")
    elif row.item == "return_office_informed":
        details["receiving_focal_point"] = st.text_input(
            label(DETAIL_LABELS, "receiving_focal_point"), value=row.details.get("receiving_focal_point", ""),
            key=f"{prefix}_{row.item}_receiving_focal_point")
        field_error(form_key, f"{row.item}_receiving_focal_point")
    elif row.item == "temporary_shelter":
        details["nights"] = st.number_input(
            label(DETAIL_LABELS, "nights"), value=row.details.get("nights"), min_value=0, max_value=999, step=1,
            key=f"{prefix}_{row.item}_nights", width=160)
        field_error(form_key, f"{row.item}_nights")
    return details


def checklist_fields(rows: tuple[ChecklistRow, ...], prefix: str, form_key: str, *, today: date
                     ) -> list[ChecklistEntry]:
    """Draw one side's items inside the current form (as it was opened); return the items the user changed,
    so that a save never touches an item someone else completed meanwhile."""
    st.caption(_("For each item: needed or not, the day it was done, a note."))
    entries = []
    for row in rows:
        st.markdown(f"{MARKS[_mark(row)]} **{row.label}**")
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            needed = st.toggle(_("Needed"), value=row.needed, key=f"{prefix}_{row.item}_needed")
            done_on = day_input(_("Done on"), row.done_on, today=today, key=f"{prefix}_{row.item}_done_on", width=140,
                                label_visibility="collapsed")
            note = st.text_input(_("Note"), value=row.note, key=f"{prefix}_{row.item}_note", placeholder=_("Note"),
                                 label_visibility="collapsed")
            if row.done_by:
                st.text(row.done_by, width="content")
        field_error(form_key, f"{row.item}_done_on")
        field_error(form_key, f"{row.item}_note")
        details = _detail_widgets(row, prefix, form_key, today)
        entry = ChecklistEntry(item=row.item, needed=needed, done_on=done_on, note=note, details=details,
                               version=row.version)
        if not unchanged(entry, row):
            entries.append(entry)
    return entries


def _mark(row: ChecklistRow) -> str:
    if not row.needed:
        return "not_needed"
    return "done" if row.done_on else "open"


MARKS = {"done": ":material/check_circle:", "open": ":material/radio_button_unchecked:",
         "not_needed": ":material/do_not_disturb_on:"}


def checklist_lines(rows: tuple[ChecklistRow, ...]) -> None:
    """A side the user does not work on, read only: one short block per item, the flight included."""
    for row in rows:
        st.markdown(f"{MARKS[_mark(row)]} {row.label}")
        facts = [fmt_date(row.done_on) if row.done_on else (_("not needed") if not row.needed else _("not done")),
                 row.done_by, describe_details(row.details), row.note]
        st.text(" · ".join(f for f in facts if f))


def entries_values(entries: list[ChecklistEntry]) -> dict:
    """The changed items as a draft (JSON), with the version each was opened at."""
    return {"items": [{"item": e.item, "needed": e.needed, "done_on": e.done_on.isoformat() if e.done_on else None,
                       "note": e.note, "details": {k: v.isoformat() if isinstance(v, date) else v
                                                   for k, v in e.details.items()},
                       "version": e.version} for e in entries]}


def rows_from_draft(rows: tuple[ChecklistRow, ...], values: dict) -> tuple[ChecklistRow, ...]:
    """The checklist as opened, with the draft's items on it. Each keeps the version the draft was typed
    against, so an item someone else saved since is refused at save, not overwritten."""
    drafted = {d["item"]: d for d in values.get("items", [])}
    out = []
    for row in rows:
        d = drafted.get(row.item)
        if d is None:
            out.append(row)
            continue
        details = {k: date.fromisoformat(v) if k == "flight_date" and v else v for k, v in d["details"].items()}
        out.append(replace(row, needed=d["needed"], note=d["note"], details=details, version=d["version"],
                           done_on=date.fromisoformat(d["done_on"]) if d["done_on"] else None))
    return tuple(out)
