"""Lead identity and privacy: submissions, possible duplicates, erasure, sold leads fixed.

- ``lead_submissions``: every request for quotes, with its answers and consent record.
  Existing consent records get one submission each (their answers were not kept then).
- ``leads``: possible-duplicate links, ``erased_at``; email and phone may be null (erased).
- ``conversations.contact_purged_at``.
- A trigger refuses any change to a sold (or returned) lead's details unless the change
  erases the person on request. On SQLite a migration that recreates ``leads`` (batch
  mode) drops it: such a migration must create it again (``create_sold_lead_trigger``).

Revision ID: 0005_lead_identity
Revises: 0004_worker
Create Date: 2026-12-01 14:00:00.000000+00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0005_lead_identity"
down_revision: str | None = "0004_worker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a sold lead's buyer paid for: never rewritten afterwards.
FIXED_COLUMNS = (
    "first_name", "last_name", "email", "phone", "street_address", "city", "state",
    "zip_code", "homeowner", "property_type", "monthly_bill_cents", "roof_type", "shade",
    "credit_band", "timeline", "battery_interest", "estimate", "score", "tier",
    "score_factors",
)  # fmt: skip
MESSAGE = "a sold lead's details never change"


def create_sold_lead_trigger(dialect: str) -> None:
    if dialect == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED_COLUMNS)
        op.execute(f"""
            CREATE FUNCTION leads_sold_details_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.status IN ('sold', 'returned') AND NEW.erased_at IS NULL
                   AND ({changed}) THEN
                    RAISE EXCEPTION '{MESSAGE.replace("'", "''")}'
                        USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END;
            $$
        """)
        op.execute(
            "CREATE TRIGGER leads_sold_details_fixed BEFORE UPDATE ON leads "
            "FOR EACH ROW EXECUTE FUNCTION leads_sold_details_fixed()"
        )
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED_COLUMNS)
        op.execute(f"""
            CREATE TRIGGER leads_sold_details_fixed BEFORE UPDATE ON leads
            WHEN OLD.status IN ('sold', 'returned') AND NEW.erased_at IS NULL AND ({changed})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE.replace("'", "''")}'); END
        """)


def drop_sold_lead_trigger(dialect: str) -> None:
    op.execute(
        "DROP TRIGGER IF EXISTS leads_sold_details_fixed"
        + (" ON leads" if dialect == "postgresql" else "")
    )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS leads_sold_details_fixed()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch.alter_column("phone", existing_type=sa.String(length=16), nullable=True)
        batch.add_column(sa.Column("duplicate_of_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("duplicate_state", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("duplicate_reason", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_leads_duplicate_of_id_leads"),
            "leads",
            ["duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_leads_duplicate_of_id"), ["duplicate_of_id"], unique=False)
        batch.create_index(batch.f("ix_leads_duplicate_state"), ["duplicate_state"], unique=False)
    create_sold_lead_trigger(dialect)

    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("contact_purged_at", sa.DateTime(timezone=True), nullable=True))

    submissions = op.create_table(
        "lead_submissions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("consent_record_id", sa.Uuid(), nullable=True),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_record_id"],
            ["consent_records.id"],
            name=op.f("fk_lead_submissions_consent_record_id_consent_records"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_lead_submissions_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_submissions_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_submissions")),
        sa.UniqueConstraint(
            "consent_record_id", name=op.f("uq_lead_submissions_consent_record_id")
        ),
    )
    with op.batch_alter_table("lead_submissions") as batch:
        batch.create_index(
            "ix_lead_submissions_lead_id_submitted_at", ["lead_id", "submitted_at"], unique=False
        )
        batch.create_index(
            batch.f("ix_lead_submissions_conversation_id"), ["conversation_id"], unique=False
        )

    consents = op.get_bind().execute(
        sa.text(
            "SELECT id, lead_id, conversation_id, source, given_at, ip, user_agent "
            "FROM consent_records"
        )
    )
    rows = [
        {
            "id": uuid.uuid4(),
            "lead_id": row.lead_id,
            "consent_record_id": row.id,
            "conversation_id": row.conversation_id,
            "source": row.source,
            "submitted_at": row.given_at,
            "answers": {},
            "applied": True,
            "ip": row.ip,
            "user_agent": row.user_agent,
        }
        for row in consents
    ]
    if rows:
        op.bulk_insert(submissions, rows)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("lead_submissions")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("contact_purged_at")
    drop_sold_lead_trigger(dialect)
    # Erased leads keep no email or phone; the old schema requires them.
    op.execute("UPDATE leads SET email = '' WHERE email IS NULL")
    op.execute("UPDATE leads SET phone = '' WHERE phone IS NULL")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(batch.f("ix_leads_duplicate_state"))
        batch.drop_index(batch.f("ix_leads_duplicate_of_id"))
        batch.drop_constraint(batch.f("fk_leads_duplicate_of_id_leads"), type_="foreignkey")
        batch.drop_column("erased_at")
        batch.drop_column("duplicate_reason")
        batch.drop_column("duplicate_state")
        batch.drop_column("duplicate_of_id")
        batch.alter_column("phone", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=False)
