"""The sustainability survey's widgets: the survey form, a case's surveys, the programme's weights."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import rss
from care.errors import DomainError, NotPermitted
from care.i18n import _, fmt_date
from care.programmes import ProgrammeSettings
from care.rss_items import DIMENSIONS, ITEM, ITEMS, ITEMS_OF
from care.rss_scores import fmt_score
from care.ui.db import db_session
from care.ui.markdown import md_escape
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error, show_flash
from care.vocab import label


def _scores_line(v: rss.SurveyView) -> str:
    parts = [_("Composite") + " " + v.score_text("composite")] + [
        _(t) + " " + v.score_text(d) for d, t in DIMENSIONS.items()]
    text = " · ".join(parts)
    if v.partial:
        text += " · " + _("partial: {answered} of {asked} questions answered").format(answered=v.answered,
                                                                                       asked=v.asked)
    return text


def survey_form(actor, case_id: int, *, today: date) -> None:
    """Choose the occasion, answer the questions (grouped by dimension), save; then the case's surveys."""
    show_flash()
    try:
        with db_session() as session:
            occasions = rss.survey_occasions(session, actor, case_id)
    except NotPermitted as err:
        st.info(err.message, icon=":material/lock:")
        return
    labels = {o.code: o.label + (" · " + _("taken on {date}").format(date=fmt_date(o.taken_on)) if o.taken_on else "")
              for o in occasions}
    occasion = st.selectbox(_("Survey taken at"), [o.code for o in occasions], format_func=labels.get,
                            key=f"rss_occasion_{case_id}")
    with db_session() as session:
        existing, taken_on = rss.survey_form_answers(session, actor, case_id, occasion)
    key = f"rss_{case_id}_{occasion}"
    st.caption(_("Read each question to the person in a language they understand; leave a question blank if it "
                 "was not asked (the scores then say the survey is partial)."))
    with st.form(key):
        form_errors(key)
        when = None
        if occasion == rss.BASELINE:
            when = st.radio(_("When the baseline is taken"), list(rss.BASELINE_WHEN),
                            format_func=lambda c: _(rss.BASELINE_WHEN[c]), key=f"{key}_when", horizontal=True)
            field_error(key, "baseline_when")
        on = st.date_input(_("Date of the survey"), value=taken_on or today, max_value=today, key=f"{key}_on",
                           format="YYYY-MM-DD")
        field_error(key, "taken_on")
        answers = {}
        for dim, title in DIMENSIONS.items():
            st.subheader(_(title))
            for code in ITEMS_OF[dim]:
                item = ITEM[code]
                options = [o.code for o in item.options]
                current = existing.get(code)
                answers[code] = st.selectbox(
                    _(item.question), options, index=options.index(current) if current in options else None,
                    format_func=lambda c, item=item: _(item.option(c).label), placeholder=_("Not asked"),
                    key=f"{key}_{code}")
                field_error(key, f"rss_{code}")
        field_error(key, "answers")
        if st.form_submit_button(_("Save the survey"), type="primary"):
            try:
                with db_session() as session:
                    s = rss.rss_survey_record(session, actor, case_id, occasion=occasion, answers=answers,
                                              taken_on=on, baseline_when=when or "", today=today)
                    message = _("Survey saved. Composite score {score}").format(score=fmt_score(s.composite)) + (
                        " " + _("(partial: {answered} of {asked} questions answered)").format(
                            answered=s.answered, asked=s.asked) if s.partial else "")
                clear_errors(key)
                flash(message)
                st.rerun()
            except DomainError as err:
                remember_error(key, err)
                st.rerun()


def survey_history(actor, case_id: int) -> None:
    """The case's surveys (scores, weights, answers) and the earlier 8-question check."""
    try:
        with db_session() as session:
            view = rss.case_surveys(session, actor, case_id)
    except NotPermitted:
        return  # the survey tab already says why
    st.subheader(_("Surveys of this case"))
    if not view.surveys:
        st.caption(_("No survey yet."))
    for v in view.surveys:
        title = " · ".join((v.label, fmt_date(v.taken_on),
                            _("composite {score}").format(score=v.score_text("composite"))))
        with st.expander(md_escape(title)):
            st.write(_scores_line(v))
            st.caption(md_escape(v.weights_text))
            st.table([{_("Dimension"): _(DIMENSIONS[i.dimension]), _("Question"): _(i.question),
                       _("Answer"): rss.answer_text(i.code, v.answers[i.code]) if i.code in v.answers else
                       _("Not asked")} for i in ITEMS])
    if view.earlier:
        st.subheader(_("Earlier check (before the survey; scored 1 to 5)"))
        st.caption(_("The 8-question check the programme used before the sustainability survey. Where a "
                     "question asks what a survey question asks, the survey question is named; no survey score "
                     "is computed from these answers."))
        from care.followups import DIMENSIONS as OLD_DIMENSIONS, QUESTIONS as OLD_QUESTIONS

        st.table([{_("Follow-up"): e.label + " · " + fmt_date(e.done_on), _("Dimension"): label(OLD_DIMENSIONS, dim),
                   _("Question"): label(OLD_QUESTIONS, item), _("Score"): str(score),
                   _("Survey question"): _(ITEM[maps].question) if maps else _("earlier check only")}
                  for e in view.earlier for dim, item, score, maps in e.rows])


def weights_form(actor, programme: ProgrammeSettings) -> None:
    """The administrator's form for the survey's weights, threshold and early-warning margin."""
    with db_session() as session:
        current = rss.rss_settings(session, programme.id)
    key = f"rss_weights_{programme.id}"
    st.subheader(_("Sustainability survey: weights"))
    st.caption(md_escape(rss.weights_label(current.weights.version, current.weights.source)))
    st.caption(_("IOM's own weights are not known to this tool: by default every question counts the same within "
                 "its dimension, and every dimension the same in the composite. Enter published weights here with "
                 "their source; surveys taken from then on use them."))
    with st.form(key):
        form_errors(key)
        source = st.text_input(_("Source of the weights"), value=_(current.weights.source) if
                               current.weights.source == rss.DEFAULT_SOURCE else current.weights.source,
                               key=f"{key}_source")
        field_error(key, "source")
        cols = st.columns(3)
        dims = {}
        for col_, (d, t) in zip(cols, DIMENSIONS.items(), strict=True):
            dims[d] = col_.text_input(_("Weight of the {dimension} dimension").format(dimension=_(t).lower()),
                                      value=f"{current.weights.dimensions[d]:g}", key=f"{key}_dim_{d}")
            with col_:
                field_error(key, f"dim_{d}")
        items = {}
        with st.expander(_("Weights of the questions")):
            for i in ITEMS:
                items[i.code] = st.text_input(_(DIMENSIONS[i.dimension]) + ": " + _(i.question),
                                              value=f"{current.weights.items[i.code]:g}", key=f"{key}_item_{i.code}")
                field_error(key, f"item_{i.code}")
        left, right = st.columns(2)
        threshold = left.text_input(_("Threshold of the composite score (indicators: share at or above it)"),
                                    value=f"{current.threshold:g}", key=f"{key}_threshold")
        with left:
            field_error(key, "threshold")
        margin = right.text_input(_("Early warning: a fall larger than this between two surveys"),
                                  value=f"{current.margin:g}", key=f"{key}_margin")
        with right:
            field_error(key, "margin")
        if st.form_submit_button(_("Save the weights")):
            try:
                with db_session() as session:
                    changed = rss.rss_settings_update(session, actor, programme_id=programme.id, dimensions=dims,
                                                      items=items, source=source, threshold=threshold,
                                                      margin=margin, version=current.version)
                clear_errors(key)
                flash(_("Weights saved as version {n}.").format(n=changed["version"]) if changed
                      else _("Nothing changed."))
                st.rerun()
            except DomainError as err:
                remember_error(key, err)
                st.rerun()
