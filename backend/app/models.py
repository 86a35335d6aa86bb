"""Every table, imported in one place so Alembic and tests see the whole schema."""

from app.admin.models import AdminUser, AuditLog, RefreshToken
from app.conversation.models import Conversation, Message
from app.core.db import Base
from app.core.idempotency import IdempotencyKey
from app.core.jobs import JobRun
from app.leads.models import ConsentRecord, Lead, LeadSubmission

__all__ = [
    "AdminUser",
    "AuditLog",
    "Base",
    "ConsentRecord",
    "Conversation",
    "IdempotencyKey",
    "JobRun",
    "Lead",
    "LeadSubmission",
    "Message",
    "RefreshToken",
]
