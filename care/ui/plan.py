"""The plan page's parts: the budget against the caps, the lines editor, the decision, payments, history.

Each form makes one call into `care` in one session; a refusal is kept for the form's
next render (next to its field) and the typed values stay. User text (descriptions,
comments, names) is shown in dataframes or with `st.text`, never as markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from care import payments, plan_annex3, plans
from care.access import Actor
from care.budget import fmt_cap, fmt_rate
from care.i18n import LANGUAGES, _, fmt_date, fmt_money, use_language
from care.pdf.plan import plan_pdf
from care.plan_views import LineView, PlanOverview, PlanView, plan_export
from care.plans import NEED_AREAS, PlanStatus, subcategory_label
from care.ui.dates import day_input
from care.ui.case_documents import payment_receipts
from care.ui.db import db_session
from care.ui.form import Form
from care.ui.messages import field_error, form_errors
from care.ui.tables import money_format, typed_table
from care.vocab import DIMENSIONS, ITEM_KINDS, PLAN_CATEGORIES, PLAN_SUBCATEGORIES, label


def act(form_key: str, call: Callable, success: str) -> None:
    """Run one domain call through the form lifecycle (`care.ui.form`): a toast, or the errors kept for the form."""
    Form(form_key).submit(call, success)


def _generation(form_key: str) -> str:
    """The round of an add form: a new one after each successful save, so that it opens blank again."""
    return Form(form_key).id


def plan_state(overview: PlanOverview) -> tuple:
    """What a refusal of the plan is about: the revision and its lines. Once any of them changes
    (the over-cap line was fixed), the refusal's message goes."""
    latest = overview.latest
    return (latest.id, latest.version, tuple((ln.id, ln.version) for ln in latest.lines))


def _kind(code: str) -> str:
    return f"{label(PLAN_CATEGORIES, PLAN_SUBCATEGORIES[code][0])} · {subcategory_label(code)}"


# --- the start, the summary ---------------------------------------------------------


def start_form(actor: Actor, overview: PlanOverview) -> None:
    st.info(_("This case has no plan yet. Draft it with the person and the referring organisation."))
    if not overview.may_start:
        return
    with st.form("plan_start"):
        form_errors("plan_start")
        if st.form_submit_button(_("Start the plan"), type="primary"):
            act("plan_start", lambda s: plans.plan_create(s, actor, case_id=overview.case_id),
                _("Revision 1 started: add its lines."))


def summary(overview: PlanOverview) -> None:
    latest, in_force = overview.latest, overview.in_force
    st.subheader(_("Revision {n}: {status}").format(n=latest.revision_no, status=latest.status_label))
    facts = [_("Written by {name} on {day}").format(name=latest.author, day=fmt_date(latest.created_at, "short"))]
    if latest.submitted_at:
        facts.append(_("Submitted on {day}").format(day=fmt_date(latest.submitted_at, "short")))
    if latest.decided_at:
        facts.append(_("Decided by {name} on {day}").format(name=latest.decided_by,
                                                           day=fmt_date(latest.decided_at, "short")))
    st.text(" · ".join(facts))
    if latest.decision_comment:
        st.text(_("Comment: {comment}").format(comment=latest.decision_comment))
    if in_force is not None and in_force is not latest:
        st.text(_("In force until this revision is approved: revision {n}, {total}.").format(
            n=in_force.revision_no, total=fmt_money(in_force.total, overview.currency)))


# --- budget, needs, lines -----------------------------------------------------------


def budget(overview: PlanOverview) -> None:
    st.markdown("#### " + _("Budget against the caps"))
    c = overview.currency
    st.dataframe([{_("Budget"): r.label, _("Planned"): fmt_money(r.planned, c), _("Cap"): fmt_cap(r, c),
                   _("Over the cap by"): fmt_money(r.over_by, c) if r.over_by else ""} for r in overview.budget],
                 hide_index=True, width="stretch")
    if overview.problems:
        st.error(_("This revision cannot be approved as it stands:"), icon=":material/block:")
        st.text("\n".join(f"• {p}" for p in overview.problems))


def needs(overview: PlanOverview) -> None:
    if overview.needs:
        st.warning(_("High or urgent needs that no line answers yet: {needs}").format(
            needs=", ".join(n.label for n in overview.needs)), icon=":material/flag:")


def _line_rows(plan: PlanView, currency: str, *, paid: bool = False) -> list[dict]:
    rows = []
    for ln in plan.lines:
        row = {_("Kind"): _kind(ln.subcategory), _("What"): ln.description, _("Provider"): ln.provider_label,
               _("Planned on"): ln.planned_on, _("Need answered"): label(NEED_AREAS, ln.need_area),
               _("Months"): ln.duration_months or None, _("Amount"): fmt_money(ln.amount, ln.currency),
               _("Rate"): fmt_rate(ln.rate) if ln.currency != currency else "",
               _("In {currency}").format(currency=currency): ln.amount_programme,
               _("Referral needed"): ln.referral_label, _("Items"): len(ln.items) or None}
        if paid:
            row |= {_("Paid"): ln.paid, _("Left to pay"): ln.left}
        rows.append(row)
    return rows


def lines_typed(rows: list[dict], currency: str) -> None:
    """A plan's lines: the day as a date, the amounts in the programme's currency as numbers."""
    money = [_("In {currency}").format(currency=currency), _("Paid"), _("Left to pay")]
    typed_table(rows, dates=(_("Planned on"),), numbers={k: money_format(currency) for k in money} | {_("Months"): "%d"})


def lines_table(overview: PlanOverview) -> None:
    latest = overview.latest
    st.markdown("#### " + _("Lines"))
    if not latest.lines:
        st.caption(_("No line yet."))
        return
    lines_typed(_line_rows(latest, overview.currency, paid=any(ln.paid for ln in latest.lines)), overview.currency)
    st.text(_("Total: {total}").format(total=fmt_money(latest.total, overview.currency)))
    items = [{_("Line"): ln.description, _("Kind"): i.kind_label, _("Item"): i.description,
              _("Estimated cost"): fmt_money(i.cost, ln.currency)} for ln in latest.lines for i in ln.items]
    if items:
        st.markdown("##### " + _("Goods, equipment and services"))
        st.dataframe(items, hide_index=True, width="stretch")


# --- Annex 3: the summary and the expected improvement per dimension ----------------


def dimensions(actor: Actor, overview: PlanOverview) -> None:
    """A short summary of the help and the improvement expected, per dimension: a form on a draft, text after."""
    latest, key = overview.latest, "plan_dimensions"
    st.markdown("#### " + _("Summary and expected improvement"))
    if latest.status != PlanStatus.DRAFT:
        for d in DIMENSIONS:
            st.text(_("{dimension}: {summary}").format(dimension=label(DIMENSIONS, d),
                                                       summary=latest.summaries.get(d) or "—") + "\n"
                    + _("Expected improvement: {text}").format(text=latest.improvements.get(d) or "—"))
        return
    gen = f"{key}_{latest.id}_{latest.version}"
    with st.expander(_("Summary and expected improvement per dimension"),
                     expanded=not any(latest.summaries.values())):
        with st.form(key):
            form_errors(key)
            values = {}
            for d in DIMENSIONS:
                st.markdown("##### " + label(DIMENSIONS, d))
                summary = st.text_area(_("Summary of the help"), value=latest.summaries.get(d, ""),
                                       key=f"{gen}_summary_{d}", height=68)
                field_error(key, f"summary_{d}")
                improvement = st.text_area(_("Expected improvement after the help"),
                                           value=latest.improvements.get(d, ""), key=f"{gen}_improvement_{d}",
                                           height=68)
                field_error(key, f"improvement_{d}")
                values[d] = plans.DimensionInput(summary=summary, improvement=improvement)
            if st.form_submit_button(_("Save the summary")):
                act(key, lambda s: plans.plan_dimensions_edit(s, actor, plan_id=latest.id,
                                                              expected_version=latest.version, dimensions=values),
                    _("Summary saved."))


def _referral_fields(form_key: str, key: str, overview: PlanOverview, line: LineView | None) -> tuple[bool, int | None]:
    needed = st.checkbox(_("Referral needed"), value=line.referral_needed if line else False, key=f"{key}_ref",
                         help=_("The help is given by another organisation the person is referred to."))
    services = dict(overview.services)
    if line and line.referral_service_id and line.referral_service_id not in services:  # retired since
        services[line.referral_service_id] = line.referral_service
    options = [None, *services]
    service = st.selectbox(_("Partner service referred to"), options, key=f"{key}_service",
                           index=options.index(line.referral_service_id) if line and line.referral_service_id in
                           options else 0,
                           format_func=lambda i: services[i] if i is not None else _("— none in the directory"))
    field_error(form_key, "referral_service_id")
    return needed, service


def _item_fields(form_key: str, key: str, line: LineView | None) -> tuple[plan_annex3.ItemInput, ...]:
    """The goods, equipment and services under the line; their estimated costs add up to the amount."""
    items = line.items if line else ()
    data = pd.DataFrame({"kind": [i.kind for i in items], "description": [i.description for i in items],
                         "cost": [str(i.cost) for i in items]}, dtype="string")  # text, even when empty
    st.markdown("###### " + _("Goods, equipment and services"))
    edited = st.data_editor(data, num_rows="dynamic", key=f"{key}_items", hide_index=True, width="stretch",
                            column_config={
                                "kind": st.column_config.SelectboxColumn(
                                    _("Kind"), options=list(ITEM_KINDS), default="goods",
                                    format_func=lambda k: label(ITEM_KINDS, k)),
                                "description": st.column_config.TextColumn(_("Item")),
                                "cost": st.column_config.TextColumn(_("Estimated cost, in the line's currency"))})
    st.caption(_("Optional. When a line has items, their estimated costs add up to the line's amount."))
    field_error(form_key, "items")
    def text(value) -> str:
        return value if isinstance(value, str) else ""  # an empty cell comes back as <NA>

    return tuple(plan_annex3.ItemInput(kind=text(r["kind"]), description=text(r["description"]), cost=text(r["cost"]))
                 for r in edited.to_dict("records"))


def _line_fields(form_key: str, key: str, overview: PlanOverview, line: LineView | None) -> plans.LineInput:
    subcategories = list(PLAN_SUBCATEGORIES)
    subcategory = st.selectbox(_("Kind of help"), subcategories, format_func=_kind, key=f"{key}_sub",
                               index=subcategories.index(line.subcategory) if line else 0)
    field_error(form_key, "subcategory")
    description = st.text_area(_("What it pays for"), value=line.description if line else "", key=f"{key}_desc",
                               height=80)
    field_error(form_key, "description")
    partners = dict(overview.partners)
    if line and line.partner_id and line.partner_id not in partners:  # retired since: the line keeps it
        partners[line.partner_id] = line.partner_name
    options = [None, *partners]
    partner_id = st.selectbox(_("Provider from the partner directory"), options, key=f"{key}_partner",
                              index=options.index(line.partner_id) if line and line.partner_id in options else 0,
                              format_func=lambda i: partners[i] if i is not None else _("Other (type the name)"))
    field_error(form_key, "partner_id")
    provider = st.text_input(_("Provider or referral agency"), value=line.provider if line else "", key=f"{key}_prov",
                             help=_("For a provider that is not in the partner directory."))
    field_error(form_key, "provider")
    left, right = st.columns(2)
    with left:
        planned_on = day_input(_("Planned date"), line.planned_on if line else date.today(), key=f"{key}_date",
                               form=form_key, field="planned_on", planned=True)
        amount = st.text_input(_("Amount"), value=str(line.amount) if line else "", key=f"{key}_amount")
        field_error(form_key, "amount")
        months = st.number_input(_("Duration in months (0 if none)"), min_value=0, max_value=plans.MAX_MONTHS, step=1,
                                 value=line.duration_months or 0 if line else 0, key=f"{key}_months")
        field_error(form_key, "duration_months")
    with right:
        currencies = list(overview.currencies) + ([line.currency] if line and line.currency not in overview.currencies
                                                  else [])
        currency = st.selectbox(_("Currency"), currencies, key=f"{key}_cur",
                                index=currencies.index(line.currency) if line else 0)
        field_error(form_key, "currency")
        rate = st.text_input(
            _("Exchange rate: {programme} for one unit of the line's currency").format(programme=overview.currency),
            value=str(line.rate) if line and line.currency != overview.currency else "", key=f"{key}_rate",
            help=_("Leave empty when the line is in {programme}.").format(programme=overview.currency))
        field_error(form_key, "rate")
        areas = [""] + list(NEED_AREAS)
        need = st.selectbox(_("Assessed need it answers"), areas, key=f"{key}_need",
                            index=areas.index(line.need_area) if line and line.need_area in areas else 0,
                            format_func=lambda a: label(NEED_AREAS, a) if a else _("— none in particular"))
        field_error(form_key, "need_area")
    referral_needed, service = _referral_fields(form_key, key, overview, line)
    items = _item_fields(form_key, key, line)
    return plans.LineInput(subcategory=subcategory, description=description, amount=amount, currency=currency,
                           planned_on=planned_on, provider=provider, rate=rate, duration_months=int(months) or None,
                           need_area=need or None, partner_id=partner_id, referral_needed=referral_needed,
                           referral_service_id=service, items=items)


def line_add_form(actor: Actor, overview: PlanOverview) -> None:
    key = f"plan_line_add_{overview.latest.id}"
    with st.expander(_("Add a line"), expanded=not overview.latest.lines):
        with st.form(key):
            form_errors(key)
            data = _line_fields(key, _generation(key), overview, None)  # "<form>_<round>"
            if st.form_submit_button(_("Add the line"), type="primary"):
                act(key, lambda s: plans.plan_line_add(s, actor, plan_id=overview.latest.id, line=data),
                    _("Line added."))


def line_edit_form(actor: Actor, overview: PlanOverview) -> None:
    lines = {ln.id: ln for ln in overview.latest.lines}
    if not lines:
        return
    with st.expander(_("Change or remove a line")):
        chosen = st.selectbox(_("Line"), list(lines), key=f"plan_line_pick_{overview.latest.id}",
                              format_func=lambda i: f"{_kind(lines[i].subcategory)}: {lines[i].description[:60]}")
        line = lines[chosen]
        key = "plan_line_edit"
        with st.form(f"{key}_{line.id}_{line.version}"):
            form_errors(key)
            data = _line_fields(key, f"{key}_{line.id}_{line.version}", overview, line)
            save, remove = st.columns(2)
            if save.form_submit_button(_("Save the line"), type="primary"):
                act(key, lambda s: plans.plan_line_edit(s, actor, line_id=line.id, expected_version=line.version,
                                                        line=data), _("Line saved."))
            if remove.form_submit_button(_("Remove the line")):
                act(key, lambda s: plans.plan_line_remove(s, actor, line_id=line.id, expected_version=line.version),
                    _("Line removed."))


# --- submission, decision, revision -------------------------------------------------


def submit_form(actor: Actor, overview: PlanOverview) -> None:
    latest, key = overview.latest, "plan_submit"
    st.markdown("#### " + _("Submit for approval"))
    with st.form(key):
        Form(key, about=plan_state(overview)).messages()
        person = st.checkbox(_("Agreed with the person"), value=latest.agreed_with_person, key=f"{key}_person")
        field_error(key, "agreed_with_person")
        organisation = False
        if overview.needs_organisation:
            organisation = st.checkbox(_("Agreed with the referring organisation"),
                                       value=latest.agreed_with_organisation, key=f"{key}_org")
            field_error(key, "agreed_with_organisation")
        else:
            st.caption(_("No referring organisation on this case."))
        if st.form_submit_button(_("Submit for approval"), type="primary"):
            act(key, lambda s: plans.plan_submit(s, actor, plan_id=latest.id, expected_version=latest.version,
                                                 agreed_with_person=person, agreed_with_organisation=organisation),
                _("Revision {n} submitted: another coordinator approves it.").format(n=latest.revision_no))


def decision_form(actor: Actor, overview: PlanOverview) -> None:
    latest, key = overview.latest, "plan_decision"
    st.markdown("#### " + _("Decision"))
    if not overview.may_decide:
        st.info(_("You wrote or changed this revision: another coordinator approves or rejects it."))
        return
    with st.form(key):
        Form(key, about=plan_state(overview)).messages()
        comment = st.text_area(_("Comment (required to reject)"), key=f"{key}_comment", height=80)
        field_error(key, "comment")
        field_error(key, "stage")  # what the path still misses before the case can move on
        approve, reject = st.columns(2)
        if approve.form_submit_button(_("Approve"), type="primary"):
            act(key, lambda s: plans.plan_approve(s, actor, plan_id=latest.id, expected_version=latest.version,
                                                  comment=comment),
                _("Revision {n} approved.").format(n=latest.revision_no))
        if reject.form_submit_button(_("Reject")):
            act(key, lambda s: plans.plan_reject(s, actor, plan_id=latest.id, expected_version=latest.version,
                                                 comment=comment),
                _("Revision {n} rejected.").format(n=latest.revision_no))


def revise_form(actor: Actor, overview: PlanOverview) -> None:
    key = "plan_revise"
    text = (_("Approved plans are frozen. A revision copies the lines into a new draft; the approved plan stays "
              "in force for payments until the revision is approved.")
            if overview.latest.status == PlanStatus.APPROVED
            else _("A revision copies the lines into a new draft to change and submit again."))
    with st.form(key):
        st.caption(text)
        form_errors(key)
        if st.form_submit_button(_("Revise the plan")):
            act(key, lambda s: plans.plan_revise(s, actor, case_id=overview.case_id),
                _("Revision {n} started.").format(n=overview.latest.revision_no + 1))


def pdf_download(actor: Actor, overview: PlanOverview) -> None:
    if not overview.may_export:
        return
    st.markdown("#### " + _("The plan to sign"))
    languages = list(LANGUAGES)
    lang = st.selectbox(_("Language of the PDF"), languages, format_func=LANGUAGES.get, key="plan_pdf_language",
                        index=languages.index(actor.language) if actor.language in languages else 0)
    case_id, latest = overview.case_id, overview.latest

    def build() -> bytes:  # runs on the click only, so each download is one audited export
        with use_language(lang):
            with db_session() as session:
                export = plan_export(session, actor, case_id=case_id)
            return plan_pdf(export)

    st.download_button(_("Download the plan (PDF)"), data=build, mime="application/pdf", on_click="ignore",
                       file_name=f"IRP-{overview.case_code}-rev{latest.revision_no}-{lang}.pdf",
                       icon=":material/download:")
    st.caption(_("The PDF names the person: each download is recorded."))


# --- payments -----------------------------------------------------------------------


def payments_tab(actor: Actor, overview: PlanOverview) -> None:
    plan, c = overview.in_force, overview.currency
    if plan is None:
        st.info(_("Payments are recorded once a plan is approved."))
        return
    st.markdown("#### " + _("Lines of the approved plan (revision {n})").format(n=plan.revision_no))
    typed_table([{_("What"): ln.description, _("Approved"): ln.amount_programme, _("Paid"): ln.paid,
                  _("Left to pay"): ln.left} for ln in plan.lines],
                numbers={k: money_format(c) for k in (_("Approved"), _("Paid"), _("Left to pay"))})
    if overview.monitoring_due:
        st.success(_("Every line is paid: the monitoring visit is planned for {day}.").format(
            day=fmt_date(overview.monitoring_due)), icon=":material/event:")
    _payment_form(actor, overview)
    st.markdown("#### " + _("Payments"))
    if not overview.payments:
        st.caption(_("No payment yet."))
        return
    typed_table([{_("Paid on"): p.paid_on, _("Line"): p.line_description,
                   _("Revision"): p.revision_no,
                   _("Amount"): p.amount, _("Method"): label(payments.PAYMENT_METHODS, p.method),
                   _("Receipt"): p.receipt_ref, _("Recorded by"): p.recorded_by,
                   _("Cancelled"): (_("{day} by {name}: {reason}").format(
                       day=fmt_date(p.cancelled_at, "short"), name=p.cancelled_by, reason=p.cancel_reason)
                       if p.cancelled_at else "")} for p in overview.payments],
                dates=(_("Paid on"),), numbers={_("Amount"): money_format(c), _("Revision"): "%d"})
    payment_receipts(actor, overview.case_id)
    _cancel_form(actor, overview)


def _payment_form(actor: Actor, overview: PlanOverview) -> None:
    open_lines = {ln.id: ln for ln in overview.in_force.lines if ln.left > 0}
    if not open_lines:
        return
    key = "payment_record"
    gen = f"{key}_{_generation(key)}"
    with st.form(key):
        st.markdown("#### " + _("Record a payment"))
        form_errors(key)
        line_id = st.selectbox(_("Line"), list(open_lines), key=f"{gen}_line", format_func=lambda i: _(
            "{what} ({left} left)").format(what=open_lines[i].description[:60],
                                           left=fmt_money(open_lines[i].left, overview.currency)))
        field_error(key, "line")
        left, right = st.columns(2)
        with left:
            paid_on = day_input(_("Paid on"), date.today(), key=f"{gen}_date", form=key, field="paid_on",
                                today=date.today())
            amount = st.text_input(_("Amount in {currency}").format(currency=overview.currency), key=f"{gen}_amount")
            field_error(key, "amount")
        with right:
            method = st.selectbox(_("Method"), list(payments.PAYMENT_METHODS), key=f"{gen}_method",
                                  format_func=lambda m: label(payments.PAYMENT_METHODS, m))
            field_error(key, "method")
            receipt = st.text_input(_("Receipt reference"), key=f"{gen}_receipt")
            field_error(key, "receipt_ref")
        if st.form_submit_button(_("Record the payment"), type="primary"):
            act(key, lambda s: payments.payment_record(s, actor, line_id=line_id, paid_on=paid_on, amount=amount,
                                                       method=method, receipt_ref=receipt), _("Payment recorded."))


def _cancel_form(actor: Actor, overview: PlanOverview) -> None:
    active = {p.id: p for p in overview.payments if p.cancelled_at is None}
    if not active:
        return
    key = "payment_cancel"
    gen = f"{key}_{_generation(key)}"
    with st.expander(_("Cancel a payment")):
        with st.form(key):
            form_errors(key)
            payment_id = st.selectbox(_("Payment"), list(active), key=f"{gen}_payment", format_func=lambda i: (
                f"{fmt_date(active[i].paid_on)} · {fmt_money(active[i].amount, overview.currency)} · "
                f"{active[i].receipt_ref}"))
            field_error(key, "payment")
            reason = st.text_input(_("Reason"), key=f"{gen}_reason")
            field_error(key, "reason")
            if st.form_submit_button(_("Cancel the payment")):
                act(key, lambda s: payments.payment_cancel(s, actor, payment_id=payment_id, reason=reason),
                    _("Payment cancelled; it stays in the record."))


# --- history ------------------------------------------------------------------------


def history_tab(overview: PlanOverview) -> None:
    c = overview.currency
    st.dataframe([{_("Revision"): str(v.revision_no), _("Status"): v.status_label, _("Total"): fmt_money(v.total, c),
                   _("Written by"): v.author, _("Submitted on"): fmt_date(v.submitted_at, "short"),
                   _("Decided by"): v.decided_by, _("Decided on"): fmt_date(v.decided_at, "short"),
                   _("Comment"): v.decision_comment} for v in overview.revisions],
                 hide_index=True, width="stretch")
    revisions = {v.revision_no: v for v in overview.revisions}
    shown = st.selectbox(_("Show the lines of revision"), list(revisions), key="plan_history_revision")
    lines_typed(_line_rows(revisions[shown], c), c)
