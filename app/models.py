"""Every table of every domain, imported so that ``Base.metadata`` knows them all."""

from app.areas.models import Area
from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Grant, LoginThrottle, SignInLink, User
from app.db import Base
from app.households.models import AwayPeriod, Household, Member
from app.idempotency.models import IdempotencyRecord
from app.incidents.models import Incident, IncidentEvent, IncidentPhoto, ReportRate
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage
from app.patrols.models import (
    CheckIn,
    Fine,
    HouseWatch,
    HouseWatchCheck,
    LogEntry,
    NightLog,
)
from app.rostering.models import (
    Assignment,
    CalendarFeed,
    CalendarOverride,
    Roster,
    RosterComment,
    RosterNight,
    SwapOffer,
)
from app.summaries.models import WeeklySummary

__all__ = [
    "AccessToken",
    "Area",
    "Assignment",
    "AuditEntry",
    "AwayPeriod",
    "Base",
    "CalendarFeed",
    "CalendarOverride",
    "CheckIn",
    "Fine",
    "Grant",
    "HouseWatch",
    "HouseWatchCheck",
    "Household",
    "IdempotencyRecord",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "JobRun",
    "LogEntry",
    "LoginThrottle",
    "Member",
    "NightLog",
    "OutboxMessage",
    "ReportRate",
    "Roster",
    "RosterComment",
    "RosterNight",
    "SignInLink",
    "SwapOffer",
    "User",
    "WeeklySummary",
]
