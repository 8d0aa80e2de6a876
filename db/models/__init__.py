"""Every table, imported here so that `SQLModel.metadata` knows them all."""

from db.models.activity import Activity, ActivityModule, ActivityParticipants
from db.models.assessment import Mitigation, NeedRating, NeedsAssessment, RiskAssessment, RiskFactorRating
from db.models.audit import AuditEvent
from db.models.base import utcnow
from db.models.case import Case, CaseCodeCounter, Identity, Referral
from db.models.document import CaseDocument, CaseDocumentFile
from db.models.htcds import CaseHtcds, TraffickingEvent
from db.models.field import CaseFlag, Contact, Draft, SafeContact
from db.models.followup import FollowUp, FollowUpLineProgress, FollowUpScore
from db.models.journey import ChecklistItem
from db.models.minor import ChildView, MinorActor, MinorProcedure
from db.models.partner import PartnerOrganisation, PartnerReferral, PartnerService
from db.models.plan import Payment, Plan, PlanLine, PlanLineItem
from db.models.programme import BudgetCap, Programme, ProgrammeCountry, ProgrammeHistory
from db.models.reference import Organisation, TrainingModule
from db.models.rss import EarlyWarning, ProgrammeRss, RssAnswer, RssSurvey
from db.models.signin import LoginThrottle, RecoveryCode, SignIn
from db.models.tasks import EmailOutbox, ReminderOptOut, Task
from db.models.user import User, UserCountry, UserProgramme, UserRole

__all__ = [
    "Activity", "ActivityModule", "ActivityParticipants", "AuditEvent", "BudgetCap", "Case",
    "CaseCodeCounter", "CaseDocument", "CaseDocumentFile", "CaseFlag", "CaseHtcds", "Contact", "Draft", "SafeContact", "TraffickingEvent", "ChecklistItem",
    "ChildView", "FollowUp", "FollowUpLineProgress",
    "FollowUpScore", "Identity", "MinorActor", "MinorProcedure", "Mitigation", "NeedRating",
    "NeedsAssessment", "Organisation", "PartnerOrganisation", "PartnerReferral", "PartnerService", "Payment", "Plan", "PlanLine", "PlanLineItem", "Programme",
    "ProgrammeCountry", "ProgrammeHistory", "Referral", "RiskAssessment", "RiskFactorRating",
    "TrainingModule", "User", "LoginThrottle", "RecoveryCode", "SignIn", "UserCountry", "UserProgramme", "UserRole", "utcnow",
    "EmailOutbox", "ReminderOptOut", "Task",
    "EarlyWarning", "ProgrammeRss", "RssAnswer", "RssSurvey",
]
