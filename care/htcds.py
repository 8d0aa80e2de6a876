"""IOM's Human Trafficking Case Data Standard (HTCDS): the field names and codes we exchange.

Source of every HTCDS name and code below: the HTCDS field reference, repository
UNMigration/HTCDS on GitHub, file "HTCDS Field Reference.md" (commit 38195b92; sections
"Person", "Person Victim Context", "Historic Trafficking Events" and "Case"). Two notes
on that file:
- it spells the labour industry field "Labour Industry" (with a space) where every other
  field name has none; we write `vic_LabourIndustry`;
- `cas_ReasonForCaseClosure` is a Long Text field there, not a picklist: we write the
  English sentence of our closing reason (`CLOSURE_TEXT`) and read it back.

HTCDS has one row per historic trafficking event (hte_); a flat file has one row per case,
so each event type gets its own columns (`hte_Recruitment_Country`, ...), several events of
one type joined by "; " in the same order in each column. The fields HTCDS does not have and
the programme needs (host country, consent details, return country...) carry our own
prefix `care_`. Multiselect values are joined by "; ".
"""

from __future__ import annotations

from dataclasses import dataclass

from care.i18n import N_

# vic_RecruitmentWebsitesAndApps and vic_ExploitationWebsitesAndApps (the same list).
WEBSITES = {
    "Facebook": "Facebook", "Instagram": "Instagram", "WhatsApp": "WhatsApp", "Telegram": "Telegram",
    "FacebookMessenger": "Facebook Messenger", "Viber": "Viber", "SnapChat": "SnapChat", "Line": "Line",
    "4Sale": "4Sale", "WeChat": "WeChat", "QQ": "QQ", "QZone": "QZone", "TikTok": "TikTok", "Twitter": "Twitter",
    "Other": N_("Other"),
}

# vic_TypeOfSexExploitation.
SEXUAL_EXPLOITATION_TYPES = {
    "Prostitution": N_("Prostitution"), "Pornography": N_("Pornography"),
    "RemoteInteractiveServices": N_("Remote interactive services"),
    "PrivateSexualServices": N_("Private sexual services"),
}

# vic_LabourIndustry: the sections of ISIC rev. 4.
LABOUR_INDUSTRIES = {
    "A_AgricultureForestryAndFishing": N_("Agriculture, forestry and fishing"),
    "B_MiningAndQuarrying": N_("Mining and quarrying"),
    "C_Manufacturing": N_("Manufacturing"),
    "D_ElectricityGasSteamAndAirConditioningSupply": N_("Electricity, gas, steam and air conditioning supply"),
    "E_WaterSupplySewerageWasteManagement": N_("Water supply; sewerage, waste management and remediation"),
    "F_Construction": N_("Construction"),
    "G_WholesaleAndRetailTradeRepairOfMotorVehicles": N_("Wholesale and retail trade; repair of motor vehicles"),
    "H_TransportationAndStorage": N_("Transportation and storage"),
    "I_AccommodationAndFoodServiceActivities": N_("Accommodation and food service activities"),
    "J_InformationAndCommunication": N_("Information and communication"),
    "K_FinancialAndInsuranceActivities": N_("Financial and insurance activities"),
    "L_RealEstateActivities": N_("Real estate activities"),
    "M_ProfessionalScientificAndTechnicalActivities": N_("Professional, scientific and technical activities"),
    "N_AdministrativeAndSupportServiceActivities": N_("Administrative and support service activities"),
    "O_PublicAdministrationAndDefence": N_("Public administration and defence"),
    "P_Education": N_("Education"),
    "Q_HumanHealthAndSocialWorkActivities": N_("Human health and social work activities"),
    "R_ArtsEntertainmentAndRecreation": N_("Arts, entertainment and recreation"),
    "S_OtherServiceActivities": N_("Other service activities"),
    "T_ActivitiesOfHouseholdsAsEmployers": N_("Activities of households as employers"),
    "U_ActivitiesOfExtraterritorialOrganizations": N_("Activities of extraterritorial organizations"),
}

# hte_Type.
EVENT_TYPES = {"Recruitment": N_("Recruitment"), "Transit": N_("Transit"), "Exploitation": N_("Exploitation")}

# cas_ReasonForOutgoingReferral: every referral to a partner is for services in the return country.
OUTGOING_REASON = "AdditionalServicesRequired"

# cas_ReasonForCaseClosure (Long Text in HTCDS): our closing reasons as fixed English sentences.
CLOSURE_TEXT = {
    "completed": "Assistance completed",
    "withdrew_consent": "The person withdrew consent",
    "lost_contact": "Contact with the person was lost",
    "re_trafficked": "The person was re-trafficked",
    "other": "Other reason",
}


@dataclass(frozen=True)
class Column:
    name: str  # the HTCDS field name, or ours with the prefix care_
    label: str  # msgid: the heading in the user's language (templates, extracts)
    kind: str = "text"  # text | date | dates (one per event) | int | bool | codes (multiselect) | code
    identity: bool = False  # written only with identity included and consent to sharing
    free_text: bool = False  # free text, or a code that leads back to the case: never in a de-identified extract


_EVENT_LABELS = {
    "Recruitment": (N_("Country of recruitment"), N_("Town of recruitment"), N_("Date of recruitment")),
    "Transit": (N_("Countries of transit"), N_("Towns of transit"), N_("Dates of transit")),
    "Exploitation": (N_("Countries of exploitation"), N_("Towns of exploitation"), N_("Dates of exploitation")),
}


def _events() -> list[Column]:
    out = []
    for kind, (country, town, day) in _EVENT_LABELS.items():
        out += [Column(f"hte_{kind}_Country", country, "codes"),
                Column(f"hte_{kind}_City", town, "text", free_text=True),
                Column(f"hte_{kind}_Date", day, "dates")]
    return out


COLUMNS: tuple[Column, ...] = (
    Column("care_Programme", N_("Programme"), "code"),
    Column("care_CaseCode", N_("Case code"), "code", free_text=True),
    Column("cas_Status", N_("Case status (HTCDS)"), "code"),
    Column("care_HostCountry", N_("Host country"), "code"),
    Column("cas_IncomingReferralDate", N_("Referral date"), "date"),
    Column("care_IdentifiedBy", N_("Identified by"), "code"),
    Column("cas_ReferringOrganisation", N_("Referring organisation"), "text", free_text=True),
    Column("org_Type", N_("Type of the referring organisation"), "code"),
    Column("prs_FirstName", N_("Given names"), "text", identity=True, free_text=True),
    Column("prs_SecondName", N_("Family names"), "text", identity=True, free_text=True),
    Column("prs_MobilePhone", N_("Phone"), "text", identity=True, free_text=True),
    Column("prs_Birthdate", N_("Date of birth"), "date", identity=True),
    Column("care_AgeAtReferral", N_("Age at referral"), "int"),
    Column("prs_Gender", N_("Sex"), "code"),
    Column("prs_Nationality", N_("Nationality"), "code"),
    Column("care_Languages", N_("Languages"), "codes"),
    Column("vic_AgreementToManagePersonalData", N_("Consent to data processing"), "bool"),
    Column("care_ConsentDate", N_("Date of consent"), "date"),
    Column("care_ConsentMethod", N_("How consent was obtained"), "code"),
    Column("care_ConsentLanguage", N_("Language used"), "code"),
    Column("care_ConsentInterpreter", N_("Interpreter"), "bool"),
    Column("care_ConsentFollowUp", N_("Consent to follow-up contact"), "bool"),
    Column("care_ConsentSharing", N_("Consent to sharing with the partner in the return country"), "bool"),
    Column("care_ExploitationForms", N_("Forms of exploitation"), "codes"),
    Column("vic_TypeOfLabourExploitation", N_("Sector of labour exploitation"), "code"),
    Column("vic_LabourIndustry", N_("Labour industry (ISIC)"), "codes"),
    Column("vic_TypeOfSexExploitation", N_("Type of sexual exploitation"), "codes"),
    Column("vic_MethodsOfControl", N_("Methods of control"), "codes"),
    Column("vic_MethodOfRecruitment", N_("Method of recruitment"), "code"),
    Column("vic_Vulnerabilities", N_("Vulnerabilities"), "codes"),
    Column("vic_RecruitmentWebsitesAndApps", N_("Recruitment websites and apps"), "codes"),
    Column("vic_ExploitationWebsitesAndApps", N_("Exploitation websites and apps"), "codes"),
    *_events(),
    Column("care_ReturnCountry", N_("Return country"), "code"),
    Column("care_ReturnRegion", N_("Region or town of return"), "text", free_text=True),
    Column("cas_ReferredOrganisation", N_("Partner referred to"), "text", free_text=True),
    Column("cas_OutgoingReferralDate", N_("Date of the referral to the partner"), "date"),
    Column("cas_ReasonForOutgoingReferral", N_("Reason for the referral to the partner"), "code"),
    Column("cas_OutgoingReferralDetails", N_("What the referral is for"), "codes"),
    Column("cas_ReasonForCaseClosure", N_("Reason for case closure"), "text"),
    Column("care_ClosedOn", N_("Closed on"), "date"),
)
BY_NAME = {c.name: c for c in COLUMNS}
# Written by the export, ignored by the import (the partner referral is not recreated).
EXPORT_ONLY = ("care_CaseCode", "cas_ReferredOrganisation", "cas_OutgoingReferralDate",
               "cas_ReasonForOutgoingReferral", "cas_OutgoingReferralDetails")
SEPARATOR = "; "


def closing_reason_from_text(text: str) -> str | None:
    """Our closing reason for a cas_ReasonForCaseClosure sentence (or code) read back."""
    folded = text.strip().casefold()
    for code, sentence in CLOSURE_TEXT.items():
        if folded in (code, sentence.casefold()):
            return code
    return None
