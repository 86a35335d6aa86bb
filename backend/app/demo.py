"""Demo data (``aurum demo seed``): a living business for a newcomer's dashboard.

Everything goes through the real services, as the API and the worker would call them:
partners (``partners.service``: service areas, prices, caps, top-ups, API keys), a
webhook endpoint per partner (``webhooks.service``, pointed at the discard port of this
machine and disabled, so nothing is ever sent), conversations
(``conversation.service.start_conversation``), leads (``leads.service.submit_lead``),
sales (``partners.distribution.offer_lead``: allocation, ledger charges, cap counters,
outbox), returns filed and decided and outcomes (``partners.returns``). Each happens
at its own time in the past (the services take ``now``), in time order, one transaction
each, so the ledger, the counters, the audit log and the analytics
rollups agree with the raw rows the way live traffic would leave them.

Demo rows are recognisable: partners' contact e-mails and homeowners' e-mails end in
``DEMO_DOMAIN``. ``reset`` deletes those partners and leads and every row that hangs off
them (sales, ledger, keys, endpoints, deliveries, returns, outcomes, submissions,
consent records, conversations); the audit log is append-only and keeps its entries.
"""

from __future__ import annotations

import heapq
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import events, rollups
from app.analytics.models import FunnelDaily
from app.conversation.models import Conversation
from app.conversation.service import Client, start_conversation
from app.core.config import Settings
from app.core.db import Base, Database, utcnow
from app.core.errors import AppError
from app.core.outbox import OutboxEvent
from app.leads.consent import disclosure, version_of
from app.leads.models import Lead
from app.leads.service import ConsentEvidence, LeadDetails, submit_lead
from app.partners import returns, service
from app.partners.distribution import offer_lead
from app.partners.models import LeadSale, Partner
from app.partners.service import Who
from app.webhooks import service as webhooks

DEMO_DOMAIN = "demo.aurum-solar.invalid"
DISCARD_URL = "http://127.0.0.1:9/aurum-demo-webhook"  # port 9: discard; never enabled

ENVIRONMENTS = ("development", "test")


class DemoRefused(Exception):
    """Why the seed will not run (an exit code 2 with this message)."""


# --- what the demo business looks like -------------------------------------------------------

PARTNERS: list[dict[str, Any]] = [
    {
        "name": "Sonoran Sun Installers",
        "states": ["AZ", "NV"],
        "exclusive": (14_000, 11_000, 8_000),
        "shared": (5_500, 4_500, 3_000),
        "caps": {"day": 6},
        "timezone": "America/Phoenix",
        "balance": 4_000_000,
    },
    {
        "name": "Pacific Bright Energy",
        "states": ["CA"],
        "exclusive": (18_000, 14_000, None),
        "shared": (7_000, 5_500, 3_500),
        "caps": {"day": 10},
        "timezone": "America/Los_Angeles",
        "balance": 5_000_000,
    },
    {
        "name": "Lone Star Solar Co",
        "states": ["TX"],
        "exclusive": (12_000, 9_000, 6_000),
        "shared": (4_500, 3_500, 2_500),
        "caps": {},
        "timezone": "America/Chicago",
        "balance": 3_000_000,
    },
    {
        "name": "Sunshine State Power",
        "states": ["FL"],
        "exclusive": (None, None, None),
        "shared": (5_000, 4_000, 3_000),
        "caps": {"day": 4},
        "timezone": "America/New_York",
        "balance": 2_500_000,
    },
    {
        "name": "National Rooftop Partners",
        "states": ["AZ", "CA", "TX", "FL", "NV"],
        "exclusive": (None, None, None),
        "shared": (4_000, 3_000, 2_000),
        "caps": {"day": 5},
        "timezone": "America/Denver",
        # Runs low: its balance-low mark is crossed and it stops buying for a while.
        "balance": 400_000,
        "low_balance_cents": 100_000,
    },
]

PLACES = [  # (ZIP, city, state, weight); Colorado has no buyer: those leads go unsold
    ("85004", "Phoenix", "AZ", 5),
    ("85281", "Tempe", "AZ", 3),
    ("89101", "Las Vegas", "NV", 2),
    ("92101", "San Diego", "CA", 4),
    ("94110", "San Francisco", "CA", 3),
    ("90012", "Los Angeles", "CA", 4),
    ("78701", "Austin", "TX", 3),
    ("77002", "Houston", "TX", 3),
    ("33101", "Miami", "FL", 3),
    ("32801", "Orlando", "FL", 2),
    ("80202", "Denver", "CO", 1),
]
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Marco",
    "Nina",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
]
LAST_NAMES = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Johnson",
    "Kim",
    "Lopez",
    "Miller",
    "Nguyen",
    "Okafor",
    "Patel",
]
SOURCES = [("google", "spring_savings"), ("facebook", "rooftop_video"), (None, None),
           ("newsletter", "june"), ("google", "brand")]  # fmt: skip
RETURN_REASONS = ["bad_contact", "not_homeowner", "already_has_solar", "duplicate"]


@dataclass
class Summary:
    partners: int = 0
    api_keys: int = 0
    webhook_endpoints: int = 0
    conversations: int = 0
    leads: int = 0
    unqualified: int = 0
    sold_leads: int = 0
    sales: int = 0
    revenue_cents: int = 0
    returns_filed: int = 0
    returns_accepted: int = 0
    outcomes: int = 0
    site_visits: int = 0
    days: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"partners           {self.partners} (API keys {self.api_keys}, "
            f"webhook endpoints {self.webhook_endpoints}, disabled)",
            f"site visits        {self.site_visits} (funnel steps as the site reports them)",
            f"conversations      {self.conversations}",
            f"leads              {self.leads} ({self.unqualified} unqualified)",
            f"sold leads         {self.sold_leads} in {self.sales} sales, "
            f"${self.revenue_cents / 100:,.2f} gross",
            f"returns            {self.returns_filed} filed, {self.returns_accepted} accepted",
            f"outcomes           {self.outcomes}",
            f"over               the past {self.days} days",
        ]


def check_environment(settings: Settings, *, force: bool) -> None:
    if settings.environment not in ENVIRONMENTS and not force:
        raise DemoRefused(
            f"ENVIRONMENT is {settings.environment}: demo data goes only into development "
            "or test databases (--force to insist)."
        )


async def has_demo_data(session: AsyncSession) -> bool:
    found = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Partner)
        .where(Partner.contact_email.like(f"%@{DEMO_DOMAIN}"))
    )
    return bool(found)


# --- removing it -----------------------------------------------------------------------------


async def reset(session: AsyncSession) -> dict[str, int]:
    """Delete the demo partners and leads and every row that refers to them (following
    the foreign keys, children first). Returns rows deleted per table."""
    doomed: dict[str, set[Any]] = {
        "partners": set(
            (
                await session.scalars(
                    sa.select(Partner.id).where(Partner.contact_email.like(f"%@{DEMO_DOMAIN}"))
                )
            ).all()
        ),
        "leads": set(
            (
                await session.scalars(sa.select(Lead.id).where(Lead.email.like(f"%@{DEMO_DOMAIN}")))
            ).all()
        ),
    }
    doomed["conversations"] = set(
        (
            await session.scalars(
                sa.select(Conversation.id).where(Conversation.user_agent == DEMO_USER_AGENT)
            )
        ).all()
    )
    # The site's funnel counts are per day, not per visitor: the days the demo's chats
    # covered lose theirs (a development database's own visits on those days with them).
    demo_days = {
        created.date()
        for created in await session.scalars(
            sa.select(Conversation.created_at).where(Conversation.user_agent == DEMO_USER_AGENT)
        )
    }
    if demo_days:
        result = await session.execute(sa.delete(FunnelDaily).where(FunnelDaily.day.in_(demo_days)))
        funnel_rows = int(result.rowcount or 0)  # type: ignore[attr-defined]
    else:
        funnel_rows = 0
    # The analytics rollups lose what the demo leads added (the raw rows go below).
    demo_rollups = await rollups.recompute(session, sorted(doomed["leads"]))
    await rollups.apply(session, rollups.merge({}, demo_rollups, sign=-1))
    tables = Base.metadata.sorted_tables  # parents before children
    # Which rows of each table hang off a doomed row (through any foreign key).
    conditions: dict[str, list[Any]] = {}
    for table in tables:
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            ids = doomed.get(parent)
            if ids:
                conditions.setdefault(table.name, []).append(fk.parent.in_(ids))
        if table.name in conditions and "id" in table.c and table.name not in doomed:
            rows = await session.scalars(
                sa.select(table.c.id).where(sa.or_(*conditions[table.name]))
            )
            doomed[table.name] = set(rows.all())
    deleted: dict[str, int] = {}
    for table in reversed(tables):
        where = list(conditions.get(table.name, []))
        if table.name in doomed and "id" in table.c and doomed[table.name]:
            where.append(table.c.id.in_(doomed[table.name]))
        if not where:
            continue
        # Break self-references (a lead marked the duplicate of another) before deleting.
        for fk in table.foreign_keys:
            if fk.column.table is table and fk.parent.nullable:
                await session.execute(
                    sa.update(table).where(sa.or_(*where)).values({fk.parent.name: None})
                )
        result = await session.execute(sa.delete(table).where(sa.or_(*where)))
        if result.rowcount:
            deleted[table.name] = result.rowcount
    # Their outbox events (the worker must not offer deleted leads).
    lead_keys = [str(i) for i in doomed["leads"] | doomed["partners"]]
    for chunk in range(0, len(lead_keys), 500):
        await session.execute(
            sa.delete(OutboxEvent).where(OutboxEvent.key.in_(lead_keys[chunk : chunk + 500]))
        )
    if funnel_rows:
        deleted[FunnelDaily.__tablename__] = funnel_rows
    return deleted


# --- making it -------------------------------------------------------------------------------

DEMO_USER_AGENT = "aurum demo seed"
Progress = Callable[[str], None]


def _prices(exclusive: tuple[int | None, ...], shared: tuple[int | None, ...]) -> dict:
    return {tier: {"exclusive": exclusive[i], "shared": shared[i]} for i, tier in enumerate("ABC")}


class _Seeder:
    def __init__(
        self, database: Database, settings: Settings, rng: random.Random, progress: Progress
    ) -> None:
        self.database = database
        self.settings = settings
        self.rng = rng
        # The site's funnel steps draw from their own generator: the business the seed
        # makes (leads, sales, returns) stays the same for a seed with or without them.
        self.funnel_rng = random.Random(hash(rng.getstate()))  # noqa: S311 - demo data
        self.progress = progress
        self.summary = Summary()
        self.partners: dict[uuid.UUID, str] = {}
        # (when, order, what, args): things that happen later (returns, outcomes).
        self.later: list[tuple[datetime, int, str, tuple[Any, ...]]] = []
        self.order = itertools.count()

    async def partners_at(self, start: datetime) -> None:
        who = Who(via="cli", at=start)
        loopback = self.settings.model_copy(update={"webhooks_allow_private": True})
        for n, spec in enumerate(PARTNERS):
            async with self.database.transaction() as session:
                partner = await service.create_partner(
                    session,
                    {
                        "name": spec["name"],
                        "contact_name": "Demo Contact",
                        "contact_email": f"partner{n + 1}@{DEMO_DOMAIN}",
                        "service_area": {"states": spec["states"]},
                        "prices": _prices(spec["exclusive"], spec["shared"]),
                        "caps": spec["caps"],
                        "timezone": spec["timezone"],
                        "low_balance_cents": spec.get("low_balance_cents", 0),
                    },
                    who,
                )
                await service.topup(session, partner.id, amount_cents=spec["balance"], who=who)
                await service.issue_key(
                    session, partner.id, name="demo", scopes=["leads:read"], who=who
                )
                made = await webhooks.create_endpoint(
                    session, partner.id, url=DISCARD_URL, event_types=["lead.sold"],
                    description="demo data: points nowhere, kept disabled",
                    settings=loopback, now=start,
                )  # fmt: skip
                await webhooks.update_endpoint(
                    session, made.endpoint, url=None, event_types=None, description=None,
                    status="disabled", settings=loopback, now=start,
                )  # fmt: skip
                self.partners[partner.id] = partner.name
            self.summary.partners += 1
            self.summary.api_keys += 1
            self.summary.webhook_endpoints += 1
        self.progress(f"{self.summary.partners} partners with keys and (disabled) webhooks")

    def _details(self, serial: int) -> LeadDetails:
        rng = self.rng
        zip_code, city, state, _w = rng.choices(PLACES, weights=[p[3] for p in PLACES])[0]
        source, campaign = rng.choice(SOURCES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return LeadDetails(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}.{serial}@{DEMO_DOMAIN}",
            phone=f"+1{rng.randint(201, 989)}555{serial % 10_000:04d}",
            zip_code=zip_code,
            city=city,
            state=state,
            homeowner=rng.random() > 0.08,
            property_type=rng.choices(["single_family", "townhouse", "condo"], [8, 2, 1])[0],
            monthly_bill_usd=float(rng.randint(60, 420)),
            roof_type=rng.choices(["asphalt_shingle", "tile", "metal", "flat"], [6, 3, 2, 1])[0],
            shade=rng.choices(["none", "light", "moderate", "heavy"], [5, 3, 2, 1])[0],
            credit_band=rng.choices(["excellent", "good", "fair", "poor"], [3, 4, 2, 1])[0],
            timeline=rng.choice(["asap", "1_3_months", "3_6_months", "6_12_months"]),
            utm={k: v for k, v in (("utm_source", source), ("utm_campaign", campaign)) if v},
        )

    async def visitor(self, at: datetime, serial: int) -> None:
        """A homeowner's visit: a chat; some leave details; the lead is offered."""
        rng = self.rng
        details = self._details(serial)
        chat = rng.random() < 0.7
        async with self.database.transaction() as session:
            conversation, _token, _rows = await start_conversation(
                session,
                client=Client(ip="203.0.113.10", user_agent=DEMO_USER_AGENT),
                source=details.utm.get("utm_source"),
                utm=details.utm,
                language="en",
                agent_kind="guided",
                now=at,
            )
        self.summary.conversations += 1
        leaves = rng.random() > 0.45  # most chats end before a lead
        await self.site_steps(at, details.utm, lead=not leaves)
        if leaves:
            return
        max_buyers = rng.choice([1, 3, 3, 3])
        text = disclosure(max_buyers)
        async with self.database.transaction() as session:
            made = await submit_lead(
                session,
                details,
                ConsentEvidence(
                    source="chat" if chat else "form",
                    ip="203.0.113.10",
                    user_agent=DEMO_USER_AGENT,
                    conversation_id=conversation.id if chat else None,
                    disclosure_text=text,
                    disclosure_version=version_of(text),
                    max_buyers=max_buyers,
                ),
                now=at,
            )
            if chat:
                chat_row = await session.get(Conversation, conversation.id)
                if chat_row is not None:
                    chat_row.lead_id, chat_row.status = made.lead.id, "completed"
                    chat_row.completed_at = at
            lead_id, qualified = made.lead.id, made.lead.status == "new"
        self.summary.leads += 1
        if not qualified:
            self.summary.unqualified += 1
            return
        sold_at = at + timedelta(seconds=rng.randint(5, 90))
        async with self.database.transaction() as session:
            outcome = await offer_lead(session, lead_id, now=sold_at, settings=self.settings)
        if not outcome.sale_ids:
            return
        self.summary.sold_leads += 1
        self.summary.sales += len(outcome.sale_ids)
        self.summary.revenue_cents += outcome.allocation.revenue_cents if outcome.allocation else 0
        for sale_id in outcome.sale_ids:
            if rng.random() < 0.1:
                self._later(sold_at + timedelta(hours=rng.randint(6, 120)), "return", sale_id)
            elif rng.random() < 0.55:
                self._later(sold_at + timedelta(days=rng.randint(1, 20)), "outcome", sale_id)

    async def site_steps(self, at: datetime, utm: dict[str, Any], *, lead: bool) -> None:
        """What the public site would have reported for this visit (POST /events): the
        visit and the chat, most see an estimate, a lead gave contact and consent; some
        other visitors leave at once."""
        rng = self.funnel_rng
        steps = ["visit", "chat_started"]
        if lead or rng.random() < 0.75:
            steps.append("estimate_shown")
        if lead:
            steps += ["contact_given", "consented"]
        source, campaign = (
            rollups.label(utm.get("utm_source")),
            rollups.label(utm.get("utm_campaign")),
        )
        counts = Counter((step, source, campaign) for step in steps)
        counts[("visit", source, campaign)] += rng.choice([0, 0, 1, 1, 2])  # bounced visits
        self.summary.site_visits += counts[("visit", source, campaign)]
        async with self.database.transaction() as session:
            await events.add_counts(session, at.date(), counts)

    def _later(self, when: datetime, what: str, *args: Any) -> None:
        heapq.heappush(self.later, (when, next(self.order), what, args))

    async def due(self, until: datetime) -> None:
        while self.later and self.later[0][0] <= until:
            when, _n, what, args = heapq.heappop(self.later)
            try:
                await getattr(self, f"_{what}")(when, *args)
            except AppError as exc:  # a rule of the services said no (a cap, a window)
                self.summary.counts[exc.code] = self.summary.counts.get(exc.code, 0) + 1

    async def _return(self, when: datetime, sale_id: uuid.UUID) -> None:
        async with self.database.transaction() as session:
            sale = await session.get(LeadSale, sale_id)
            partner = await session.get(Partner, sale.partner_id) if sale else None
            if sale is None or partner is None:
                return
            claim = await returns.file_return(
                session, partner, sale.lead_id, reason=self.rng.choice(RETURN_REASONS),
                note="Demo: the homeowner could not be reached.", now=when,
                settings=self.settings,
            )  # fmt: skip
            claim_id = claim.id
        self.summary.returns_filed += 1
        self._later(when + timedelta(hours=self.rng.randint(2, 40)), "decide", claim_id)

    async def _decide(self, when: datetime, claim_id: uuid.UUID) -> None:
        accept = self.rng.random() < 0.7
        async with self.database.transaction() as session:
            await returns.decide_return(
                session, claim_id, accept=accept, note="Demo decision.",
                who=Who(via="cli", at=when),
            )  # fmt: skip
        self.summary.returns_accepted += int(accept)

    async def _outcome(self, when: datetime, sale_id: uuid.UUID) -> None:
        async with self.database.transaction() as session:
            sale = await session.get(LeadSale, sale_id)
            partner = await session.get(Partner, sale.partner_id) if sale else None
            if sale is None or partner is None or sale.status == "returned":
                return
            outcome = self.rng.choices(
                ["contacted", "appointment_set", "quoted", "sold", "unreachable"], [3, 3, 2, 2, 1]
            )[0]
            await returns.record_outcome(
                session, partner, sale.lead_id, outcome=outcome, occurred_at=when,
                note=None, now=when,
            )  # fmt: skip
        self.summary.outcomes += 1


async def seed(
    database: Database,
    settings: Settings,
    *,
    days: int,
    seed_value: int,
    progress: Progress = print,
    now: datetime | None = None,
    visitors_per_day: tuple[int, int] = (15, 35),
) -> Summary:
    """Fill ``database`` with ``days`` of demo business ending ``now``."""
    end = (now or utcnow()).astimezone(UTC)
    start = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed_value)  # noqa: S311 - demo data, not a secret
    seeder = _Seeder(database, settings, rng, progress)
    seeder.summary.days = days
    async with database.transaction() as session:
        first_event = await session.scalar(sa.select(sa.func.max(OutboxEvent.id))) or 0
    await seeder.partners_at(start)
    serial = itertools.count(1)
    for day in range(days + 1):
        day_start = start + timedelta(days=day)
        if day_start > end:
            break
        # A little growth over the period, and quieter weekends.
        base = rng.randint(*visitors_per_day) * (0.7 + 0.6 * day / max(days, 1))
        weekend = day_start.weekday() >= 5
        visits = int(base * (0.7 if weekend else 1.0))
        times = sorted(day_start + timedelta(seconds=rng.randint(0, 86_399)) for _ in range(visits))
        for at in (t for t in times if t < end):
            await seeder.due(at)
            await seeder.visitor(at, next(serial))
        if day % 10 == 0 or day == days:
            progress(
                f"day {day}/{days}: {seeder.summary.leads} leads, {seeder.summary.sales} sales"
            )
    await seeder.due(end)
    # The worker takes up the outbox events the seed wrote: it would offer the unsold
    # leads again at today's prices and fan every past sale out to the (disabled) demo
    # webhooks. Those are history; only the last day's sales go to the webhooks (held:
    # a few entries in the delivery log and the held count).
    async with database.transaction() as session:
        await session.execute(
            sa.update(OutboxEvent)
            .where(
                OutboxEvent.id > first_event,
                OutboxEvent.processed_at.is_(None),
                ~sa.and_(
                    OutboxEvent.topic == "lead.sold",
                    OutboxEvent.created_at >= end - timedelta(days=1),
                ),
            )
            .values(processed_at=end)
        )
    return seeder.summary
