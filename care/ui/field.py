"""Field-work widgets: the draft offer, the safe-contact box, the contact log, the flags.

Forms that keep drafts are drawn without `st.form`: each change reaches the server (and
is kept as a draft) at once, so a dropped connection loses at most the field being typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import streamlit as st

from care import contacts, drafts, flags, safecontact
from care.access import Actor
from care.errors import NotPermitted
from care.i18n import _, fmt_date, fmt_time
from care.safecontact import CHANNELS, SafeContactView
from care.ui.dates import day_input
from care.ui.db import db_session
from care.ui.live import typed_text
from care.ui.messages import field_error, form_errors
from care.ui.opened import opened, save
from care.ui.phone import responsive_table
from care.vocab import label

DECIDED = "_drafts_decided"
CONFIRM = "_drafts_confirm_discard"
LAST = "_drafts_last_saved"
RESUMED = "_drafts_resumed"


def local_time(at: datetime) -> str:
    """A moment in the user's time zone: "14:32" today, else with its day."""
    return fmt_time(at)


def draft_offer(actor: Actor, case_id: int, form: str) -> bool:
    """Offer this user's draft of `form` for the case, once per session: resume or discard (confirmed).

    Returns True once the form may be drawn; a resumed draft's values are then in `resumed(case_id, form)`."""
    key = f"{case_id}:{form}"
    decided = st.session_state.setdefault(DECIDED, set())
    if key in decided:
        return True
    with db_session() as session:
        draft = drafts.draft_get(session, actor, case_id, form=form)
    if draft is None:
        decided.add(key)
        return True
    st.info(_("Draft from {time}, not yet logged.").format(time=local_time(draft.saved_at)), icon=":material/edit_note:")
    confirming = st.session_state.get(CONFIRM) == key
    left, right = st.columns(2)
    if confirming:
        st.warning(_("Discard the draft? What it holds is lost."))
        if left.button(_("Yes, discard it"), key=f"draft_discard_yes_{key}", width="stretch"):
            with db_session() as session:
                drafts.draft_discard(session, actor, case_id, form=form)
            decided.add(key)
            st.session_state.pop(CONFIRM, None)
            st.rerun()
        if right.button(_("Keep it"), key=f"draft_discard_no_{key}", width="stretch"):
            st.session_state.pop(CONFIRM, None)
            st.rerun()
        return False
    if left.button(_("Resume the draft"), key=f"draft_resume_{key}", type="primary", width="stretch"):
        with db_session() as session:
            got = drafts.draft_get(session, actor, case_id, form=form, resume=True)
        st.session_state.setdefault(RESUMED, {})[key] = got.values if got else {}
        decided.add(key)
        st.rerun()
    if right.button(_("Discard the draft"), key=f"draft_discard_{key}", width="stretch"):
        st.session_state[CONFIRM] = key
        st.rerun()
    return False


def resumed(case_id: int, form: str) -> dict | None:
    """The values of a draft the user just resumed (once)."""
    return st.session_state.setdefault(RESUMED, {}).pop(f"{case_id}:{form}", None)


def keep_draft(actor: Actor, case_id: int, form: str, prefix: str, values: dict, text_fields: tuple[str, ...] = ()) -> None:
    """Save the form's values as a draft when they changed since the form was drawn (or last saved).

    `text_fields` name the values typed in text widgets keyed `{prefix}_{name}`: what is being typed in
    them is kept too, before the field loses the focus (`live.typed_text`)."""
    if text_fields:
        values = values | typed_text(f"{prefix}_typed", {name: f"{prefix}_{name}" for name in text_fields})
    last = st.session_state.setdefault(LAST, {})
    if prefix not in last:
        last[prefix] = values  # as opened: nothing typed yet
        return
    if last[prefix] != values:
        with db_session() as session:
            drafts.draft_save(session, actor, case_id, form=form, values=values)
        last[prefix] = values


def safe_contact(actor: Actor, case_id: int) -> SafeContactView | None:
    """The case's safe contact, read once per opening (audited), or None if this user may not see it."""
    def load():
        try:
            with db_session() as session:
                return safecontact.safe_contact_read(session, actor, case_id)
        except NotPermitted:
            return None
    return opened(f"safe_contact_{case_id}", load)[0]


def safe_contact_box(safe: SafeContactView | None) -> None:
    """At the top of every contact and follow-up form: how to reach the person safely."""
    if safe is None:
        return
    if not safe.recorded:
        st.caption(_("No safe contact recorded: ask the person how they may be reached safely, and record it "
                     "under \"Safe contact and flags\"."))
        return
    with st.container(border=True):
        st.markdown(":material/shield_person: **" + _("Safe contact") + "**")
        lines = [(_("How"), label(CHANNELS, safe.channel)), (_("When"), safe.times),
                 (_("Who may answer"), safe.who_may_answer), (_("Code word"), safe.code_word),
                 (_("Language"), safe.language), (_("Note"), safe.note)]
        text = [f"{heading}: {value}" for heading, value in lines if value]
        if safe.no_voicemail:
            text.append(_("Never leave a voicemail."))
        st.text("\n".join(text))


def acknowledge(safe: SafeContactView | None, form_key: str, prefix: str) -> bool:
    """The "I read the safe contact" tick, where there is one to read."""
    if safe is None or not safe.recorded:
        return False
    ack = st.checkbox(_("I read the safe contact and follow it"), key=f"{prefix}_ack")
    field_error(form_key, "safe_contact_ack")
    return ack


def safe_contact_form(actor: Actor, case_id: int, safe: SafeContactView) -> None:
    key = f"safe_contact_edit_{case_id}"
    with st.form(key):
        st.markdown("**" + _("Safe contact") + "**")
        form_errors(key)
        channel = st.selectbox(_("How the person may be reached"), list(CHANNELS), format_func=lambda c: label(CHANNELS, c),
                               index=list(CHANNELS).index(safe.channel) if safe.channel in CHANNELS else None,
                               key=f"{key}_channel")
        field_error(key, "channel")
        values = {}
        for name, text in (("times", _("When (days, hours)")), ("who_may_answer", _("Who may answer")),
                           ("code_word", _("Code word")), ("language", _("Language"))):
            values[name] = st.text_input(text, value=getattr(safe, name), key=f"{key}_{name}")
            field_error(key, name)
        no_voicemail = st.toggle(_("Never leave a voicemail"), value=safe.no_voicemail, key=f"{key}_voicemail")
        note = st.text_area(_("Note"), value=safe.note, key=f"{key}_note", height=80)
        field_error(key, "note")
        if st.form_submit_button(_("Save the safe contact"), width="stretch"):
            new = SafeContactView(case_id, channel=channel or "", no_voicemail=no_voicemail, note=note, **values)
            save(key, _("Safe contact saved."), lambda s: safecontact.safe_contact_set(
                s, actor, case_id, values=new, expected_version=safe.version),
                reopen_also=(f"safe_contact_{case_id}",))


def flags_panel(actor: Actor, case_id: int, rows: list[flags.FlagRow], *, today: date) -> None:
    form_errors(f"flags_{case_id}")  # a removal refused (e.g. removed meanwhile by someone else)
    for row in rows:
        left, right = st.columns([4, 1], vertical_alignment="center")
        until = _(" until {date}").format(date=fmt_date(row.ends_on)) if row.ends_on else ""
        left.text(f"⚑ {label(flags.KINDS, row.kind)}{until}: {row.reason}")
        if right.button(_("Remove"), key=f"flag_remove_{row.id}"):
            save(f"flags_{case_id}", _("Flag removed."), lambda s, i=row.id: flags.flag_remove(s, actor, i))
    key = f"flag_add_{case_id}"
    with st.form(key, clear_on_submit=False):
        st.markdown("**" + _("Add a flag") + "**")
        form_errors(key)
        kind = st.selectbox(_("Flag"), list(flags.KINDS), index=None, format_func=lambda c: label(flags.KINDS, c),
                            key=f"{key}_kind")
        field_error(key, "kind")
        reason = st.text_input(_("Reason"), key=f"{key}_reason")
        field_error(key, "reason")
        ends_on = day_input(_("Until (optional)"), None, key=f"{key}_ends", form=key, field="ends_on", today=today,
                            planned=True, earliest=today, after=_("today"))
        if st.form_submit_button(_("Add the flag"), width="stretch"):
            save(key, _("Flag added."), lambda s: flags.flag_add(s, actor, case_id, kind=kind, reason=reason,
                                                                  ends_on=ends_on, today=today))


def contact_form(actor: Actor, case_id: int, safe: SafeContactView | None, *, today: date) -> None:
    """Log a contact or an attempt; what is typed is kept as a draft."""
    safe_contact_box(safe)
    if not draft_offer(actor, case_id, "contact"):
        return
    key = f"contact_{case_id}"
    start, prefix = opened(key, lambda: resumed(case_id, "contact") or {})
    kind = st.segmented_control(_("Kind of contact"), list(contacts.KINDS), default=start.get("kind"),
                                format_func=lambda c: label(contacts.KINDS, c), key=f"{prefix}_kind")
    field_error(key, "kind")
    on = day_input(_("Date"), date.fromisoformat(start["on"]) if start.get("on") else today, key=f"{prefix}_on",
                   form=key, field="on", today=today, width=180)
    reached = st.toggle(_("Person reached"), value=start.get("reached", True), key=f"{prefix}_reached")
    note = st.text_area(_("Short note"), value=start.get("note", ""), height=80, key=f"{prefix}_note")
    field_error(key, "note")
    keep_draft(actor, case_id, "contact", prefix,
               {"kind": kind, "on": on.isoformat() if on else None, "reached": reached, "note": note},
               text_fields=("note",))
    ack = acknowledge(safe, key, prefix)
    form_errors(key)
    if st.button(_("Log the contact"), key=f"{prefix}_log", type="primary", width="stretch"):
        save(key, _("Contact logged."), lambda s: contacts.contact_log(
            s, actor, case_id, kind=kind, on=on, reached=reached, note=note, acknowledged=ack, today=today))


def contact_list(actor: Actor, case_id: int) -> None:
    with db_session() as session:
        rows = contacts.contacts_of(session, actor, case_id)
    if not rows:
        st.caption(_("No contact logged yet."))
        return
    yes, no = _("Yes"), _("No")
    responsive_table([{_("Date"): fmt_date(r.on), _("Kind"): label(contacts.KINDS, r.kind), _("Reached"): yes if r.reached
                       else no, _("Who"): r.by, _("Note"): r.note} for r in rows], f"contacts_{case_id}")


def on_resume(case_id: int, form: str, then: Callable[[dict], None]) -> None:
    """Hand a resumed draft's values to the form that uses them."""
    values = resumed(case_id, form)
    if values is not None:
        then(values)


def sheet_downloads(actor: Actor, case_id: int, code: str) -> None:
    """The field visit sheet and the blank follow-up form, made when pressed (each download is audited)."""
    from care import users
    from care.i18n import current_language, use_language
    from care.pdf.visit_sheet import blank_followup_pdf, visit_sheet_pdf

    language = current_language()

    def made(build) -> Callable[[], bytes]:
        def make() -> bytes:
            with use_language(language), db_session() as session:
                return build(session, users.actor_load(session, actor.username))
        return make

    left, right = st.columns(2)
    left.download_button(_("Field visit sheet (PDF)"), data=made(lambda s, a: visit_sheet_pdf(s, a, case_id)),
                         file_name=f"{code}-visit.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
                         on_click="ignore", key=f"visit_sheet_{case_id}", width="stretch")
    right.download_button(_("Blank follow-up form (PDF)"), data=made(blank_followup_pdf),
                          file_name="follow-up-form.pdf", mime="application/pdf", icon=":material/print:",
                          on_click="ignore", key="blank_followup", width="stretch")
