"""Which outbox topics become which webhook event types."""

from __future__ import annotations

from app.partners.distribution import BALANCE_LOW, CAP_REACHED, LEAD_SOLD
from app.partners.returns import RETURN_DECIDED

TYPE_OF_TOPIC = {
    LEAD_SOLD: "lead.sold",
    RETURN_DECIDED: "lead.return_decided",
    CAP_REACHED: "partner.cap_reached",
    BALANCE_LOW: "partner.balance_low",
}
TOPICS = tuple(TYPE_OF_TOPIC)
