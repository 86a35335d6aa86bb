"""The webhooks' background work: fan events out to endpoints, and send deliveries."""

from __future__ import annotations

from app.core.config import Settings
from app.core.jobs import Consumer, Poller, PollerFactory
from app.webhooks.delivery import DeliveryPoller, fan_out
from app.webhooks.topics import TOPICS


def _sender(settings: Settings, worker: str) -> Poller:
    return DeliveryPoller(settings, worker=worker)


CONSUMERS = [Consumer("webhooks.fan_out", TOPICS, fan_out)]
POLLERS: list[PollerFactory] = [_sender]
