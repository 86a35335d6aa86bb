"""The worker's periodic job runs; conversation tokens that expire.

Revision ID: 0004_worker
Revises: 0003_admin
Create Date: 2026-12-01 10:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0004_worker"
down_revision: str | None = "0003_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("job", "slot", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column("token_hash", existing_type=sa.String(length=64), nullable=True)
        batch.add_column(sa.Column("token_expired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Expired chats get a token hash no token has, so the column can be required again.
    op.execute("UPDATE conversations SET token_hash = 'expired' WHERE token_hash IS NULL")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("token_expired_at")
        batch.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
    op.drop_table("job_runs")
