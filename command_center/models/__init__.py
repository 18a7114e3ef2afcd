"""SQLAlchemy models only: no Qt, no queries."""

from command_center.models.activity import (
    CheckIn,
    FieldToken,
    Patrol,
    PointsEntry,
    WorkerReminder,
)
from command_center.models.audit import AuditEntry, DutyLogEntry
from command_center.models.calendar import CalendarDay
from command_center.models.classifier import ClassifierFeedback, ClassifierModel
from command_center.models.dispute import (
    DisputeAlert,
    DisputeCase,
    DisputeParty,
    DisputeType,
    FollowUpVisit,
    MediationOrg,
    MediationSession,
    Mediator,
)
from command_center.models.geo import AdminArea, AreaBoundary, AreaKind, AreaLevel, Camera
from command_center.models.incident import (
    Category,
    Channel,
    Incident,
    IncidentStatus,
    OrderProgress,
    OrderStatus,
    ReturnVisit,
    SupervisionOrder,
    WorkOrder,
)
from command_center.models.meeting import IncidentDaily, Meeting, MeetingDecision
from command_center.models.org import AppUser, Department, Role, RoleCode
from command_center.models.people import GridAssignment, GridWorker, WorkerKind
from command_center.models.security import Credential, Installation, LoginSecret
from command_center.models.supervision import (
    DeadlineExtension,
    ScoreMonth,
    ScorePoint,
    SupervisionDue,
    SupervisionNote,
    SupervisionSweep,
)
from command_center.models.workflow import (
    ApiKey,
    AppSetting,
    DeadlineRule,
    ImportMapping,
    ResponseTemplate,
    RoutingRule,
    SavedFilter,
)

__all__ = [
    "AdminArea",
    "ApiKey",
    "AppSetting",
    "AppUser",
    "AreaBoundary",
    "AreaKind",
    "AreaLevel",
    "AuditEntry",
    "CalendarDay",
    "Camera",
    "Category",
    "Channel",
    "CheckIn",
    "ClassifierFeedback",
    "ClassifierModel",
    "Credential",
    "DeadlineExtension",
    "DeadlineRule",
    "Department",
    "DisputeAlert",
    "DisputeCase",
    "DisputeParty",
    "DisputeType",
    "DutyLogEntry",
    "FieldToken",
    "FollowUpVisit",
    "GridAssignment",
    "GridWorker",
    "ImportMapping",
    "Incident",
    "IncidentDaily",
    "IncidentStatus",
    "Installation",
    "LoginSecret",
    "MediationOrg",
    "MediationSession",
    "Mediator",
    "Meeting",
    "MeetingDecision",
    "OrderProgress",
    "OrderStatus",
    "Patrol",
    "PointsEntry",
    "ResponseTemplate",
    "ReturnVisit",
    "Role",
    "RoleCode",
    "RoutingRule",
    "SavedFilter",
    "ScoreMonth",
    "ScorePoint",
    "SupervisionDue",
    "SupervisionNote",
    "SupervisionOrder",
    "SupervisionSweep",
    "WorkOrder",
    "WorkerKind",
    "WorkerReminder",
]
