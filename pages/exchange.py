"""Data exchange: HTCDS export, case extract, anonymised dataset, and bulk import (coordinators)."""

import streamlit as st

from care.anon_dataset import DEFAULT_K
from care.i18n import _
from care.import_read import MAX_ROWS
from care.import_template import import_template
from care.ui.auth import page_gate
from care.ui.exchange import (
    XLSX, anonymised_file, extract_file, htcds_file, run_import, show_import,
)
from care.ui.htcds import details_form
from care.ui.indicators import programme_picker

actor = page_gate("exchange")
st.title(_("Data exchange"))
programme = programme_picker(actor, key="exchange_programme")
if programme is None:
    st.stop()
MIME = {"csv": "text/csv", "xlsx": XLSX}

st.header(_("HTCDS export"), divider="gray")
st.caption(_("The programme's cases with the field names and codes of IOM's Human Trafficking Case Data "
             "Standard, for IOM, a national referral mechanism or a donor. Each export is recorded."))
left, right = st.columns(2)
fmt = left.radio(_("Format"), ["xlsx", "csv"], horizontal=True, key="exchange_htcds_format")
with_identity = right.checkbox(
    _("Include names, phone and date of birth"), key="exchange_htcds_identity",
    help=_("Only for the people who consented to sharing and have not withdrawn it; the others appear "
           "without them. Each identity exported is recorded in the case's audit log."))
st.download_button(
    _("Download the HTCDS file"), on_click="ignore", icon=":material/download:", key="exchange_htcds",
    data=lambda: htcds_file(actor.username, programme.id, fmt, with_identity),
    file_name=f"htcds-{programme.code}.{fmt}", mime=MIME[fmt])

st.header(_("Case-level extract"), divider="gray")
st.caption(_("One row per case, headings in your language, without names, case codes, contacts or notes."))
st.download_button(
    _("Download the case extract (Excel)"), on_click="ignore", icon=":material/table_view:", key="exchange_extract",
    data=lambda: extract_file(actor.username, programme.id), file_name=f"cases-{programme.code}.xlsx", mime=XLSX)

st.header(_("Anonymised dataset"), divider="gray")
st.caption(_("One row per person for research: age bands, years and countries instead of dates and towns, "
             "and no row whose combination of these is shared by fewer than k people. The file's About sheet "
             "says what was generalised and how many rows were left out."))
left, right = st.columns(2)
k = left.number_input(_("k (smallest group)"), min_value=2, max_value=100, value=DEFAULT_K, step=1,
                      key="exchange_k")
anon_fmt = right.radio(_("Format"), ["xlsx", "csv"], horizontal=True, key="exchange_anon_format")
st.download_button(
    _("Download the anonymised dataset"), on_click="ignore", icon=":material/shield_lock:", key="exchange_anon",
    data=lambda: anonymised_file(actor.username, programme.id, int(k), anon_fmt),
    file_name=f"anonymised-{programme.code}-k{int(k)}.{anon_fmt}", mime=MIME[anon_fmt])

st.header(_("Import cases"), divider="gray")
st.caption(_("Fill in the template (or use an HTCDS file with the same columns), check it, then import it. "
             "Every row is checked as at intake; if any row has an error, nothing is imported. "
             "At most {n} rows per file.").format(n=MAX_ROWS))
st.download_button(_("Download the template"), data=lambda: import_template(actor.language), on_click="ignore",
                   file_name=f"care-import-template-{actor.language}.xlsx", mime=XLSX, icon=":material/download:",
                   key="exchange_template")
upload = st.file_uploader(_("Filled template or HTCDS file (.xlsx or .csv)"), type=["xlsx", "csv"],
                          key="exchange_upload")
check, go = st.columns(2)
if upload is not None:
    if check.button(_("Check the file"), key="exchange_check", icon=":material/fact_check:"):
        show_import(run_import(actor.username, programme.id, upload.getvalue(), upload.name, dry_run=True))
    if go.button(_("Import"), key="exchange_import", type="primary", icon=":material/upload:"):
        show_import(run_import(actor.username, programme.id, upload.getvalue(), upload.name, dry_run=False))

st.header(_("Trafficking history of a case (HTCDS)"), divider="gray")
st.caption(_("The HTCDS details the intake does not ask: type of sexual exploitation, labour industry, websites "
             "and apps, and where and when the person was recruited, moved through and exploited."))
details_form(actor)
