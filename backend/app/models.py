"""Every table, imported in one place so Alembic and tests see the whole schema."""

from app.admin.models import AdminUser, AuditLog, RefreshToken
from app.analytics.models import (
    DailyRollup,
    DimensionDailyRollup,
    FunnelDaily,
    PartnerDailyRollup,
    VisitSession,
)
from app.conversation.models import Conversation, Message
from app.core.db import Base
from app.core.idempotency import IdempotencyKey
from app.core.jobs import JobRun
from app.core.outbox import OutboxEvent
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.partners.models import (
    ApiKey,
    LeadOutcome,
    LeadReturn,
    LeadSale,
    LedgerEntry,
    Partner,
    PartnerPeriodCount,
)
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AdminUser",
    "ApiKey",
    "AuditLog",
    "Base",
    "ConsentRecord",
    "Conversation",
    "DailyRollup",
    "DimensionDailyRollup",
    "FunnelDaily",
    "IdempotencyKey",
    "JobRun",
    "Lead",
    "LeadOutcome",
    "LeadReturn",
    "LeadSale",
    "LeadSubmission",
    "LedgerEntry",
    "Message",
    "OutboxEvent",
    "Partner",
    "PartnerDailyRollup",
    "PartnerPeriodCount",
    "RefreshToken",
    "VisitSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
