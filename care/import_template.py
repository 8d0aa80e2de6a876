"""The workbook to fill in for a bulk import: a Cases sheet with the headings in English or
French, and a Codes sheet listing, for each column, its HTCDS field name, what to write and
every valid code with its meaning. The import reads either language's headings, or the
HTCDS field names (`care.import_read.heading_names`).
"""

from __future__ import annotations

from care import xlsx
from care.htcds import (
    CLOSURE_TEXT, COLUMNS, EVENT_TYPES, EXPORT_ONLY, LABOUR_INDUSTRIES, SEXUAL_EXPLOITATION_TYPES, WEBSITES,
)
from care.i18n import N_, _, use_language
from care.intake import CONTROL_METHODS, RECRUITMENT_METHODS, VULNERABILITIES
from care.vocab import (
    CONSENT_METHODS, EXPLOITATION_FORMS, IDENTIFIED_BY, LABOUR_SECTORS, ORGANISATION_TYPES, SEX,
)

CODE_LISTS = {
    "cas_Status": {"Active": N_("Open"), "FollowUp": N_("In follow-up"), "Closed": N_("Closed"),
                   "ClosedReferred": N_("Ineligible")},
    "care_IdentifiedBy": IDENTIFIED_BY, "org_Type": ORGANISATION_TYPES, "prs_Gender": SEX,
    "care_ConsentMethod": CONSENT_METHODS, "care_ExploitationForms": EXPLOITATION_FORMS,
    "vic_TypeOfLabourExploitation": LABOUR_SECTORS, "vic_LabourIndustry": LABOUR_INDUSTRIES,
    "vic_TypeOfSexExploitation": SEXUAL_EXPLOITATION_TYPES, "vic_MethodsOfControl": CONTROL_METHODS,
    "vic_MethodOfRecruitment": RECRUITMENT_METHODS, "vic_Vulnerabilities": VULNERABILITIES,
    "vic_RecruitmentWebsitesAndApps": WEBSITES, "vic_ExploitationWebsitesAndApps": WEBSITES,
    "cas_ReasonForCaseClosure": {sentence: sentence for sentence in CLOSURE_TEXT.values()},
}
COUNTRY = N_("ISO 3166 two-letter country code, e.g. NG")
KIND_HELP = {
    "date": N_("date, YYYY-MM-DD"), "dates": N_("dates, YYYY-MM-DD, separated by ;"), "int": N_("whole number"),
    "bool": N_("yes or no"), "codes": N_("codes from the list, separated by ;"), "code": N_("one code from the list"),
    "text": N_("text"),
}
SPECIAL = {
    "care_Programme": N_("the programme's code, e.g. CH_VOT"), "care_HostCountry": COUNTRY,
    "prs_Nationality": COUNTRY, "care_ReturnCountry": COUNTRY,
    **{f"hte_{k}_Country": N_("ISO 3166 two-letter country codes, separated by ;") for k in EVENT_TYPES},
    "care_Languages": N_("ISO 639-1 language codes, e.g. en; fr, separated by ;"),
    "care_ConsentLanguage": N_("ISO 639-1 language code, e.g. en"),
    "care_CaseCode": N_("your own reference for the case (kept in the audit log, checked for repeats)"),
    "prs_MobilePhone": N_("with the country code, e.g. +234 803 555 0123"),
}


def template_columns():
    return [c for c in COLUMNS if c.name not in EXPORT_ONLY or c.name == "care_CaseCode"]


def import_template(language: str) -> bytes:
    """The empty template, headings and help in `language` (en or fr)."""
    with use_language(language):
        wb = xlsx.new_workbook()
        columns = template_columns()
        xlsx.table_sheet(wb, _("Cases"), [_(c.label) for c in columns], [])
        rows = []
        for c in columns:
            help_text = _(SPECIAL.get(c.name, KIND_HELP[c.kind]))
            codes = CODE_LISTS.get(c.name)
            if not codes:
                rows.append([_(c.label), c.name, help_text, None, None])
                continue
            for i, (code, meaning) in enumerate(codes.items()):
                rows.append([_(c.label) if i == 0 else None, c.name if i == 0 else None, help_text if i == 0 else None,
                             code, _(meaning) if meaning != code else None])
        xlsx.table_sheet(wb, _("Codes"), [_("Column"), _("HTCDS field name"), _("What to write"), _("Code"),
                                          _("Meaning")], rows)
        return xlsx.workbook_bytes(wb)
