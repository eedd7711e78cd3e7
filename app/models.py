"""Every table of every domain, imported so that ``Base.metadata`` knows them all."""

from app.areas.models import Area
from app.audit.models import AuditEntry
from app.db import Base
from app.idempotency.models import IdempotencyRecord
from app.notifications.models import OutboxMessage

__all__ = ["Area", "AuditEntry", "Base", "IdempotencyRecord", "OutboxMessage"]
