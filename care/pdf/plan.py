"""The reintegration plan as a PDF to be signed by the person, the IOM office and the referring organisation.

Built from `plan_views.plan_export` (which checks the right to see the name and audits
the export); this module only lays it out, in the language that is current when it runs.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from fpdf.enums import XPos, YPos

from care.budget import fmt_cap, fmt_rate
from care.countries import country_name
from care.i18n import _, current_language, fmt_date, fmt_money
from care.pdf.base import BODY, CareDocument
from care.plan_views import BaselineScores, LineView, PlanExport
from care.plans import NEED_AREAS, PlanStatus, subcategory_label
from care.vocab import DIMENSIONS, label

SIGNATURE_BLOCK_HEIGHT = 42
LABEL_WIDTH = 74  # the longest label on one line, in English and French


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _approval(export: PlanExport) -> str:
    plan = export.plan
    if plan.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        return _("Approved on {day} by {name}").format(day=fmt_date(plan.decided_at.date()), name=plan.decided_by)
    if plan.status == PlanStatus.REJECTED:
        return _("Rejected on {day} by {name}").format(day=fmt_date(plan.decided_at.date()), name=plan.decided_by)
    return _("Not approved yet")


def _line_text(line: LineView) -> str:
    """The kind of help, what it pays for, the need it answers and its duration, one per line."""
    parts = [subcategory_label(line.subcategory), line.description]
    if line.need_area:
        parts.append(_("Need: {need}").format(need=label(NEED_AREAS, line.need_area)))
    if line.duration_months:
        parts.append(_("{n} months").format(n=line.duration_months))
    parts.append(_("Referral needed: {answer}").format(answer=line.referral_label))
    return "\n".join(parts)


def _summary(pdf: CareDocument, export: PlanExport) -> None:
    """Annex 3, section 1: the plan in a few words, per dimension."""
    pdf.heading(_("Summary of the plan"), 12)
    pdf.fields([(label(DIMENSIONS, d), export.plan.summaries.get(d, "")) for d in DIMENSIONS], label_width=40)


def _items(pdf: CareDocument, export: PlanExport) -> None:
    """Annex 3, section 3: the goods, equipment and services under each line, adding up to the line."""
    lines = [ln for ln in export.plan.lines if ln.items]
    if not lines:
        return
    pdf.heading(_("Goods, equipment and services (estimated costs)"), 12)
    rows = []
    for ln in lines:
        for item in ln.items:
            rows.append([ln.description, item.kind_label, item.description, fmt_money(item.cost, ln.currency)])
        total = sum((i.cost for i in ln.items), Decimal("0.00"))
        rows.append([" ", " ", _("Total of the line"), fmt_money(total, ln.currency)])
    pdf.table([_("Line"), _("Kind"), _("Item"), _("Estimated cost")], rows, widths=[50, 24, 64, 36],
              align_right=(3,))


def _score(value: float | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="0.00", locale=current_language())


def _improvement(pdf: CareDocument, export: PlanExport) -> None:
    """Annex 3, section 5: the baseline scores and the improvement expected after the help, per dimension."""
    pdf.heading(_("Expected improvement and baseline scores"), 12)
    baseline: BaselineScores | None = export.baseline
    rows = [[label(DIMENSIONS, d), _score(baseline.dimensions.get(d)) if baseline else "—",
             export.plan.improvements.get(d, "")] for d in DIMENSIONS]
    if baseline is not None:
        rows.append([_("Composite"), _score(baseline.composite), " "])
    pdf.table([_("Dimension"), _("Baseline score (0 to 1)"), _("Expected improvement")], rows, widths=[30, 36, 108],
              align_right=(1,))
    pdf.ln(1)
    pdf.set_font(BODY, "", 8)
    if baseline is None:
        note = _("No baseline survey recorded yet.")
    else:
        note = _("Baseline scores: sustainability survey{day}, computed with the weights “{weights}” (version "
                 "{version}).").format(
            day=_(" of {day}").format(day=fmt_date(baseline.taken_on)) if baseline.taken_on else "",
            weights=baseline.weights, version=baseline.weights_version)
        if baseline.partial:
            note += " " + _("The survey is incomplete: the scores are computed from the questions answered only.")
    pdf.multi_cell(0, 4, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _signatures(pdf: CareDocument, export: PlanExport) -> None:
    if pdf.get_y() + SIGNATURE_BLOCK_HEIGHT + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.heading(_("Signatures"), 12)
    blocks = [(_("The person"), export.person_name), (_("IOM office"), ""),
              (_("Referring organisation"), export.organisation)]
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(blocks)
    top = pdf.get_y()
    for i, (title, name) in enumerate(blocks):
        x = pdf.l_margin + i * width
        pdf.set_xy(x, top)
        pdf.set_font(BODY, "B", 9)
        pdf.multi_cell(width - 4, 5, title, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(BODY, "", 9)
        pdf.multi_cell(width - 4, 5, name or _("Name:"), new_x=XPos.LEFT, new_y=YPos.NEXT)
        for caption, gap in ((_("Signature"), 14), (_("Date and place"), 10)):
            y = pdf.get_y() + gap
            pdf.line(x, y, x + width - 6, y)
            pdf.set_xy(x, y + 0.5)
            pdf.set_font(BODY, "", 7)
            pdf.cell(width - 6, 4, caption, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_BLOCK_HEIGHT)


def plan_pdf(export: PlanExport) -> bytes:
    """The plan in the current language: who and where, the lines, the totals, the approval, signatures."""
    plan, currency = export.plan, export.currency
    # The case code on every page, so that a signed page can never be taken for another case's.
    pdf = CareDocument(_("Individual reintegration plan · {code}").format(code=export.case_code))
    pdf.heading(_("Individual reintegration plan (IRP)"))
    pdf.fields([
        (_("Case"), export.case_code),
        (_("Person"), export.person_name),
        (_("Programme"), export.programme),
        (_("Return country"), country_name(export.return_country)),
        (_("Referring organisation"), export.organisation),
        (_("Revision"), _("{n} ({status})").format(n=plan.revision_no, status=plan.status_label.lower())),
        (_("Agreed with the person"), _yes_no(plan.agreed_with_person)),
        (_("Agreed with the referring organisation"), _yes_no(plan.agreed_with_organisation)),
        (_("Approval"), _approval(export)),
    ] + ([(_("Comment"), plan.decision_comment)] if plan.decision_comment else []), label_width=LABEL_WIDTH)
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        pdf.ln(2)
        pdf.set_font(BODY, "B", 10)
        pdf.multi_cell(0, 5, _("Not approved yet: the lines and amounts may still change."),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _summary(pdf, export)
    pdf.heading(_("Plan lines"), 12)
    rows = [[_line_text(ln), ln.provider_label, fmt_date(ln.planned_on), fmt_money(ln.amount, ln.currency),
             fmt_rate(ln.rate) if ln.currency != currency else "—", fmt_money(ln.amount_programme, currency)]
            for ln in plan.lines]
    rows.append([_("Total"), " ", " ", " ", " ", fmt_money(plan.total, currency)])
    pdf.table([_("What"), _("Provider"), _("Planned on"), _("Amount"), _("Rate"),
               _("In {currency}").format(currency=currency)], rows,
              widths=[53, 24, 18, 36, 19, 24], align_right=(3, 4, 5))
    _items(pdf, export)
    _improvement(pdf, export)

    pdf.heading(_("Budget by category"), 12)
    pdf.table([_("Budget"), _("Planned"), _("Cap")],
              [[r.label, fmt_money(r.planned, currency), fmt_cap(r, currency)] for r in export.budget],
              widths=[72, 38, 64], align_right=(1, 2))
    pdf.ln(4)
    _signatures(pdf, export)
    return pdf.output_bytes()
