"""Analytics: daily rollups at two grains (and one per attribution dimension), the public funnel's daily counts, the day's
visit sessions (hashed), and the indexes the rollup rebuild reads by day.

Revision ID: 0008_analytics
Revises: 0007_webhooks
Create Date: 2026-12-01 20:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_analytics"
down_revision: str | None = "0007_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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


def _counters() -> list[sa.Column]:
    return [
        sa.Column(name, sa.BigInteger(), server_default="0", nullable=False) for name in COUNTERS
    ]


def upgrade() -> None:
    op.create_table(
        "analytics_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        *_counters(),
        sa.PrimaryKeyConstraint(
            "day",
            "state",
            "partner_id",
            "tier",
            "source",
            "campaign",
            name=op.f("pk_analytics_daily"),
        ),
    )
    with op.batch_alter_table("analytics_daily", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_daily_state_day", ["state", "day"], unique=False)
    op.create_table(
        "analytics_partner_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        *_counters(),
        sa.PrimaryKeyConstraint(
            "day", "partner_id", "tier", name=op.f("pk_analytics_partner_daily")
        ),
    )
    op.create_table(
        "analytics_dimension_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        *_counters(),
        sa.PrimaryKeyConstraint(
            "day", "dimension", "value", "tier", name=op.f("pk_analytics_dimension_daily")
        ),
    )
    op.create_table(
        "analytics_funnel_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "step", "source", "campaign", name=op.f("pk_analytics_funnel_daily")
        ),
    )
    op.create_table(
        "analytics_visit_sessions",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", "session_hash", name=op.f("pk_analytics_visit_sessions")),
    )
    with op.batch_alter_table("lead_returns", schema=None) as batch_op:
        batch_op.create_index("ix_lead_returns_decided_at", ["decided_at"], unique=False)
    with op.batch_alter_table("lead_outcomes", schema=None) as batch_op:
        batch_op.create_index("ix_lead_outcomes_recorded_at", ["recorded_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead_outcomes", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_outcomes_recorded_at")
    with op.batch_alter_table("lead_returns", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_returns_decided_at")
    op.drop_table("analytics_visit_sessions")
    op.drop_table("analytics_funnel_daily")
    op.drop_table("analytics_dimension_daily")
    op.drop_table("analytics_partner_daily")
    with op.batch_alter_table("analytics_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_daily_state_day")
    op.drop_table("analytics_daily")
