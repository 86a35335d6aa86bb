"""Analytics tables: daily rollups of the selling figures, and the public funnel's daily
counts. Nothing here names a person: the rollups are sums, the funnel counts are sums,
and a visit's session id is kept only as a keyed hash for the day it was seen.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

#: The partner column of the rows that belong to no partner (leads, leads sold): a
#: primary-key column cannot be NULL, and NULLs would never conflict in an upsert.
NO_PARTNER = uuid.UUID(int=0)

#: The counters every rollup row keeps, in the order the KPIs are built from them.
COUNTERS = (
    "leads",
    "qualified",
    "sellable",
    "sold",
    "sales",
    "gross_cents",
    "returns",
    "return_credits_cents",
    "outcomes_reported",
    "won",
)


def _counter() -> Mapped[int]:
    return mapped_column(sa.BigInteger, default=0, server_default="0")


class Counters:
    leads: Mapped[int] = _counter()
    qualified: Mapped[int] = _counter()
    sellable: Mapped[int] = _counter()
    sold: Mapped[int] = _counter()
    sales: Mapped[int] = _counter()
    gross_cents: Mapped[int] = _counter()
    returns: Mapped[int] = _counter()
    return_credits_cents: Mapped[int] = _counter()
    outcomes_reported: Mapped[int] = _counter()
    won: Mapped[int] = _counter()


class DailyRollup(Counters, Base):
    """The fine grain: day x state x partner x tier x source x campaign."""

    __tablename__ = "analytics_daily"
    __table_args__ = (sa.Index("ix_analytics_daily_state_day", "state", "day"),)

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    partner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    tier: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    campaign: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class PartnerDailyRollup(Counters, Base):
    """The coarse grain: day x partner x tier (what most dashboard questions need)."""

    __tablename__ = "analytics_partner_daily"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    partner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    tier: Mapped[str] = mapped_column(sa.String(1), primary_key=True)


#: The attribution dimensions a :class:`DimensionDailyRollup` row is about.
DIMENSIONS = ("state", "source", "campaign")


class DimensionDailyRollup(Counters, Base):
    """One attribution dimension at a time: day x (state | source | campaign) x tier, no
    partner. A year of one dimension is a few thousand rows where the fine grain holds
    about one row per sale, so a breakdown or filter on one of them stays fast."""

    __tablename__ = "analytics_dimension_daily"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    tier: Mapped[str] = mapped_column(sa.String(1), primary_key=True)


class FunnelDaily(Base):
    """How many times a funnel step was reported by the public site in a day, by UTM
    source and campaign (``visit``: distinct sessions)."""

    __tablename__ = "analytics_funnel_daily"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    step: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    campaign: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    count: Mapped[int] = _counter()


class VisitSession(Base):
    """A session seen today, as HMAC(secret, day, session id): it makes ``visit`` count
    distinct sessions, cannot be linked across days, and is deleted after two days."""

    __tablename__ = "analytics_visit_sessions"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    session_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
