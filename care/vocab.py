"""The picklists: stored codes (HTCDS values where HTCDS has a list) and their labels.

Codes are what the database holds and exports carry; labels are translated at display.
"""

from __future__ import annotations

from enum import StrEnum

from care.i18n import N_, _


# The overall risk level of an assessment (and of the case), lowest first.
RISK_LEVELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
# The three dimensions of reintegration: needs are assessed and follow-ups scored on each.
DIMENSIONS = {"economic": N_("Economic"), "social": N_("Social"), "psychosocial": N_("Psychosocial")}


class Stage(StrEnum):
    REFERRED = "referred"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    ASSESSED = "assessed"
    PLAN_APPROVED = "plan_approved"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


STAGE_LABELS = {
    Stage.REFERRED: N_("Referred"),
    Stage.ELIGIBLE: N_("Eligible"),
    Stage.INELIGIBLE: N_("Ineligible"),
    Stage.ASSESSED: N_("Assessed"),
    Stage.PLAN_APPROVED: N_("Plan approved"),
    Stage.DEPARTED: N_("Departed"),
    Stage.ARRIVED: N_("Arrived"),
    Stage.FOLLOW_UP: N_("In follow-up"),
    Stage.CLOSED: N_("Closed"),
}

# The path in order; `ineligible` and `closed` are ends.
PATH = [Stage.REFERRED, Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED,
        Stage.ARRIVED, Stage.FOLLOW_UP]
OPEN_STAGES = [s for s in Stage if s not in (Stage.INELIGIBLE, Stage.CLOSED)]

# HTCDS case status for each stage (for a later HTCDS export).
HTCDS_STATUS = {
    Stage.REFERRED: "Active", Stage.ELIGIBLE: "Active", Stage.ASSESSED: "Active",
    Stage.PLAN_APPROVED: "Active", Stage.DEPARTED: "Active", Stage.ARRIVED: "Active",
    Stage.FOLLOW_UP: "FollowUp", Stage.INELIGIBLE: "ClosedReferred", Stage.CLOSED: "Closed",
}

CLOSING_REASONS = {
    "completed": N_("Completed"),
    "withdrew_consent": N_("Withdrew consent"),
    "lost_contact": N_("Lost contact"),
    "re_trafficked": N_("Re-trafficked"),
    "other": N_("Other"),
}

ROLE_LABELS = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator"),
    "focal_point": N_("Focal point"),
    "manager": N_("Manager"),
    "partner": N_("Partner"),
}

# The kinds of partner organisation in the service directory (care/partners.py).
PARTNER_KINDS = {
    "ngo": N_("NGO"),
    "shelter": N_("Shelter"),
    "government": N_("Government service"),
    "health": N_("Health provider"),
    "iom": N_("IOM office"),
}

# HTCDS gender.
SEX = {
    "Male": N_("Male"),
    "Female": N_("Female"),
    "Transgender/NonConforming": N_("Transgender or non-conforming"),
    "Unknown": N_("Unknown"),
}

IDENTIFIED_BY = {
    "police": N_("Police"),
    "labour_inspection": N_("Labour inspection"),
    "ngo": N_("NGO"),
    "health_services": N_("Health services"),
    "self_referral": N_("Self-referral"),
    "other": N_("Other"),
}

EXPLOITATION_FORMS = {
    "sexual": N_("Sexual exploitation"),
    "labour": N_("Labour exploitation"),
    "forced_begging": N_("Forced begging"),
    "forced_criminality": N_("Forced criminality"),
    "domestic_servitude": N_("Domestic servitude"),
    "forced_marriage": N_("Forced marriage"),
    "organ_removal": N_("Organ removal"),
    "other": N_("Other"),
}

# HTCDS type of labour exploitation.
LABOUR_SECTORS = {
    "Agriculture": N_("Agriculture"), "Aquafarming": N_("Aquafarming"), "Begging": N_("Begging"),
    "Construction": N_("Construction"), "DomesticWork": N_("Domestic work"),
    "Hospitality": N_("Hospitality"), "IllicitActivities": N_("Illicit activities"),
    "Manufacturing": N_("Manufacturing"), "MiningOrDrilling": N_("Mining or drilling"),
    "Peddling": N_("Peddling"), "Transportation": N_("Transportation"), "Other": N_("Other"),
}

# HTCDS organisation type.
ORGANISATION_TYPES = {
    "NGO": N_("NGO"), "LawEnforcement": N_("Law enforcement"),
    "HealthServiceOrganisation": N_("Health service"),
    "CentralGovernmentOrganisation": N_("Central government"),
    "LocalGovernmentOrganisation": N_("Local government"),
    "ImmigrationService": N_("Immigration service"), "LegalService": N_("Legal service"),
    "CorporateBusiness": N_("Business"),
}

CONSENT_METHODS = {
    "written": N_("Written and signed"),
    "oral_witnessed": N_("Oral, witnessed"),
    "oral_recorded": N_("Oral, recorded by staff"),
}


def label(vocabulary: dict, code: str | None) -> str:
    """The translated label of a code, or the code itself if it is unknown."""
    if code is None or code == "":
        return "—"
    text = vocabulary.get(code)
    return _(text) if text else str(code)


def stage_label(stage: str) -> str:
    return label(STAGE_LABELS, stage)

# IRP categories and their lines, after the IOM plan template (Reintegration Handbook, Annex 3).
# This is the one list of line kinds: caps, the service directory, the forms and the PDF read it.
PLAN_CATEGORIES = {
    "immediate": N_("Immediate assistance"),
    "economic": N_("Economic"),
    "social": N_("Social"),
    "psychosocial": N_("Psychosocial"),
}
PLAN_SUBCATEGORIES = {
    # code: (category, label)
    "cash_basic_needs": ("immediate", N_("Cash for basic needs")),
    "temporary_housing": ("immediate", N_("Temporary housing")),
    "medical_immediate": ("immediate", N_("Immediate medical assistance")),
    "other_immediate": ("immediate", N_("Other immediate assistance")),
    "income_generating": ("economic", N_("Income-generating activity or micro-business")),
    "job_placement": ("economic", N_("Job placement")),
    "vocational_training": ("economic", N_("Vocational training")),
    "skills_development": ("economic", N_("Skills development")),
    "cash_for_work": ("economic", N_("Cash for work")),
    "collective_project": ("economic", N_("Collective project with other returnees")),
    "other_economic": ("economic", N_("Other economic assistance")),
    "housing": ("social", N_("Housing")),
    "medical_care": ("social", N_("Medical care for the person or family")),
    "education": ("social", N_("Education")),
    "legal_assistance": ("social", N_("Legal assistance")),
    "documents": ("social", N_("Documents")),
    "childcare": ("social", N_("Childcare")),
    "security_measures": ("social", N_("Security measures")),
    "social_protection": ("social", N_("Access to social protection schemes")),
    "community_project": ("social", N_("Community-based project")),
    "other_social": ("social", N_("Other social assistance")),
    "counselling": ("psychosocial", N_("Individual or family counselling")),
    "community_activities": ("psychosocial", N_("Community activities")),
    "other_psychosocial": ("psychosocial", N_("Other psychosocial assistance")),
}

# The three dimensions of reintegration (IOM's integrated approach): the plan has a short
# summary and the expected improvement for each; the sustainability survey scores each.
DIMENSIONS = {
    "economic": N_("Economic"),
    "social": N_("Social"),
    "psychosocial": N_("Psychosocial"),
}

# The goods, equipment and services itemised under a plan line (Annex 3, section 3).
ITEM_KINDS = {
    "goods": N_("Goods"),
    "equipment": N_("Equipment"),
    "service": N_("Service"),
}

# The indicators' age groups at referral (care/indicators.py, care/indicators_rss.py).
AGE_GROUPS = {  # code: (label, lowest age, highest age)
    "0-13": (N_("0 to 13"), 0, 13),
    "14-17": (N_("14 to 17"), 14, 17),
    "18-24": (N_("18 to 24"), 18, 24),
    "25-34": (N_("25 to 34"), 25, 34),
    "35-49": (N_("35 to 49"), 35, 49),
    "50+": (N_("50 and over"), 50, None),
    "unknown": (N_("Unknown"), None, None),
}
