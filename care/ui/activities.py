"""Widgets of the activities page: the lists, and the fields of each form.

A form's widgets carry a key made of the record and its version (or, for a new record, a
generation number), so that a failed save keeps what the user typed, a successful one
clears the form, and an edit form opened after someone's save shows their values.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from care.activities import (
    ACTIVITY_KINDS, ORG_KINDS, OUTCOMES_RECORDED_HERE, REFERRAL_OUTCOMES, ActivityRow, ModuleRef, OrganisationRef,
    ReferralRow,
)
from care.countries import country_name
from care.i18n import _, fmt_date, fmt_number
from care.programmes import ProgrammeSettings
from care.ui.dates import day_input
from care.ui.form import Form
from care.ui.messages import field_error
from care.vocab import label



def generation(form_key: str) -> int:
    """The round of the form (`Form.round`): a new one after each save, so the next form starts empty."""
    return Form(form_key).round


def default_day(programme: ProgrammeSettings) -> date:
    return min(date.today(), programme.end_date)


def activities_table(rows: list[ActivityRow], kind: str) -> None:
    if not rows:
        st.caption(_("Nothing recorded yet."))
        return
    data = []
    for r in rows:
        line = {_("Date"): fmt_date(r.held_on), _("Place"): r.place, _("Audience"): r.audience}
        if kind == "meeting":
            line[_("Participants")] = fmt_number(r.participants)
        elif kind == "training":
            line[_("Professionals trained")] = fmt_number(r.participants)
            line[_("Modules")] = "; ".join(m.name + (" " + _("(retired)") if m.retired else "") for m in r.modules)
        else:
            line[_("Brochures")] = fmt_number(r.quantity)
        line[_("Note")] = r.note
        data.append(line)
    st.dataframe(data, hide_index=True, width="stretch")


def activity_choice(rows: list[ActivityRow], kind: str, programme_id: int) -> ActivityRow | None:
    """A new record, or one already recorded to correct."""
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        _("Record a new one, or correct one already recorded"), [None, *by_id],
        format_func=lambda i: _("New: {kind}").format(kind=label(ACTIVITY_KINDS, kind)) if i is None
        else f"{fmt_date(by_id[i].held_on)} · {by_id[i].place or by_id[i].audience}", key=f"choice_{kind}_{programme_id}")
    return by_id.get(chosen)


def activity_fields(kind: str, form_key: str, prefix: str, *, programme: ProgrammeSettings,
                    modules: list[ModuleRef], existing: ActivityRow | None) -> dict:
    """The fields of one kind of activity, each followed by its error; returns what was entered."""
    values: dict = {}
    left, right = st.columns(2)
    with left:
        values["held_on"] = day_input(_("Date"), existing.held_on if existing else default_day(programme),
                                      key=f"{prefix}_held_on", form=form_key, field="held_on", today=date.today(),
                                      earliest=programme.start_date, after=_("the programme's start"))
    with right:
        place_label = {"meeting": _("Place"), "training": _("City"), "brochures": _("Where (optional)")}[kind]
        values["place"] = st.text_input(place_label, value=existing.place if existing else "", key=f"{prefix}_place")
        field_error(form_key, "place")
    audience_label = {"meeting": _("Audience"), "training": _("Audience (optional)"),
                      "brochures": _("Given to whom")}[kind]
    values["audience"] = st.text_input(audience_label, value=existing.audience if existing else "",
                                       key=f"{prefix}_audience")
    field_error(form_key, "audience")
    if kind == "meeting":
        values["participants"] = st.number_input(_("Number of participants"), min_value=0, step=1,
                                                 value=existing.participants if existing else 0,
                                                 key=f"{prefix}_participants")
        field_error(form_key, "participants")
    elif kind == "brochures":
        values["quantity"] = st.number_input(_("Number of brochures"), min_value=0, step=1,
                                             value=existing.quantity if existing else 0, key=f"{prefix}_quantity")
        field_error(form_key, "quantity")
    else:
        by_id = {m.id: m for m in modules}
        values["module_ids"] = tuple(st.multiselect(
            _("Modules covered"), list(by_id), default=[m.id for m in existing.modules] if existing else list(by_id),
            format_func=lambda i: by_id[i].name + (" " + _("(retired)") if by_id[i].retired else ""),
            key=f"{prefix}_modules"))
        field_error(form_key, "module_ids")
        st.markdown(_("**Professionals trained, by kind of organisation**"))
        cols = st.columns(4)
        counts = {}
        for i, (code, text) in enumerate(ORG_KINDS.items()):
            counts[code] = cols[i % 4].number_input(
                _(text), min_value=0, step=1, value=existing.by_org_kind.get(code, 0) if existing else 0,
                key=f"{prefix}_count_{code}")
        values["by_org_kind"] = counts
        field_error(form_key, "by_org_kind")
    values["note"] = st.text_area(_("Note (optional)"), value=existing.note if existing else "",
                                  help=_("About the activity: never a name or a detail of a person assisted."),
                                  key=f"{prefix}_note")
    field_error(form_key, "note")
    return values


def referrals_table(rows: list[ReferralRow], total: int) -> None:
    if not rows:
        st.caption(_("No referral registered yet."))
        return
    if total > len(rows):
        st.caption(_("The {n} most recent of {total} referrals.").format(n=len(rows), total=total))
    st.dataframe([{_("Date"): fmt_date(r.referral_date), _("Host country"): country_name(r.host_country),
                   _("Referred by"): r.organisation or "—", _("Outcome"): label(REFERRAL_OUTCOMES, r.outcome),
                   _("Case"): r.case_code or "—", _("Note"): r.note} for r in rows],
                 hide_index=True, width="stretch")


def referral_fields(form_key: str, prefix: str, *, programme: ProgrammeSettings,
                    organisations: list[OrganisationRef]) -> dict:
    values: dict = {}
    left, right = st.columns(2)
    with left:
        values["referral_date"] = day_input(_("Date received"), default_day(programme), key=f"{prefix}_date",
                                            form=form_key, field="referral_date", today=date.today(),
                                            earliest=programme.start_date, after=_("the programme's start"))
    with right:
        values["host_country"] = st.selectbox(_("Host country"), list(programme.host_countries),
                                              format_func=country_name, key=f"{prefix}_host")
        field_error(form_key, "host_country")
    by_id = {o.id: o for o in organisations}
    values["organisation_id"] = st.selectbox(
        _("Referred by"), [None, *by_id], key=f"{prefix}_organisation",
        format_func=lambda i: _("No organisation (the person came on their own, or not known)") if i is None
        else f"{by_id[i].name} ({country_name(by_id[i].country)})")
    field_error(form_key, "organisation_id")
    values["outcome"] = st.selectbox(_("Outcome"), list(OUTCOMES_RECORDED_HERE),
                                     format_func=lambda c: label(REFERRAL_OUTCOMES, c), key=f"{prefix}_outcome",
                                     help=_("A referral that becomes a case is registered by intake, with the case."))
    field_error(form_key, "outcome")
    values["note"] = st.text_area(_("Note (optional)"), key=f"{prefix}_note",
                                  help=_("Why it could not become a case, for example. Never a name or a contact."))
    field_error(form_key, "note")
    return values
