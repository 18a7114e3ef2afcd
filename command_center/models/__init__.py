"""SQLAlchemy models only: no Qt, no queries."""

from command_center.models.activity import CheckIn, Patrol, PointsEntry
from command_center.models.audit import AuditEntry, DutyLogEntry
from command_center.models.calendar import CalendarDay
from command_center.models.dispute import (
    DisputeCase,
    DisputeParty,
    DisputeType,
    FollowUpVisit,
    MediationSession,
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
from command_center.models.org import AppUser, Department, Role, RoleCode
from command_center.models.people import GridAssignment, GridWorker, WorkerKind

__all__ = [
    "AdminArea",
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
    "Department",
    "DisputeCase",
    "DisputeParty",
    "DisputeType",
    "DutyLogEntry",
    "FollowUpVisit",
    "GridAssignment",
    "GridWorker",
    "Incident",
    "IncidentStatus",
    "MediationSession",
    "OrderProgress",
    "OrderStatus",
    "Patrol",
    "PointsEntry",
    "ReturnVisit",
    "Role",
    "RoleCode",
    "SupervisionOrder",
    "WorkOrder",
    "WorkerKind",
]
