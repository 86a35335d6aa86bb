"""Selling leads through the worker: exclusive or shared, caps, consent, the ledger."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.outbox import OutboxEvent
from app.leads.models import Lead
from app.partners.ledger import ledger_sum
from app.partners.models import LeadSale, LedgerEntry, Partner
from app.partners.tasks import CONSUMERS
from app.worker import Worker
from tests.partners.support import make_lead, make_partner
from tests.test_worker import shared_factory


async def sell(app: FastAPI) -> int:
    worker = Worker(shared_factory(app), app.state.settings, jobs=[], consumers=CONSUMERS)
    handled = 0
    while (more := sum([await worker.drain(c) for c in worker.consumers])) > 0:
        handled += more
    return handled


async def sales_of(session: AsyncSession, lead_id: uuid.UUID) -> list[LeadSale]:
    return list(
        (await session.execute(sa.select(LeadSale).where(LeadSale.lead_id == lead_id))).scalars()
    )


async def isolate(session: AsyncSession) -> None:
    """Only this test's partners buy (other tests' are rolled back, but be sure)."""
    await session.execute(sa.update(Partner).values(status="paused"))


async def test_a_lead_is_sold_exclusive_when_that_earns_more(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    rich = await make_partner(db_session, exclusive=12_000, shared=3_000)
    other = await make_partner(db_session, exclusive=9_000, shared=3_000)
    outcome = await make_lead(db_session)
    event = (
        await db_session.execute(
            sa.select(OutboxEvent).where(OutboxEvent.key == str(outcome.lead.id))
        )
    ).scalar_one()
    assert event.topic == "lead.sellable" and event.processed_at is None

    assert await sell(app) >= 1
    sales = await sales_of(db_session, outcome.lead.id)
    assert [(s.partner_id, s.price_cents, s.exclusive, s.buyers) for s in sales] == [
        (rich.id, 12_000, True, 1)
    ]
    receipt = sales[0].receipt
    assert receipt["matched"]["area"] == "state:AZ"
    assert receipt["compared_cents"] == {"exclusive": 12_000, "shared": 6_000}
    assert receipt["price_rule"].endswith(".exclusive")
    lead = await db_session.get(Lead, outcome.lead.id)
    await db_session.refresh(lead)
    assert lead.status == "sold"
    for partner in (rich, other):
        await db_session.refresh(partner)
        assert partner.balance_cents == await ledger_sum(db_session, partner.id)
    assert rich.balance_cents == 1_000_000 - 12_000


async def test_shared_when_the_sum_earns_more_within_the_consent(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    partners = [await make_partner(db_session, exclusive=8_000, shared=5_000) for _ in range(4)]
    three = await make_lead(db_session, max_buyers=3)
    one = await make_lead(db_session, max_buyers=1)
    await sell(app)
    shared = await sales_of(db_session, three.lead.id)
    assert len(shared) == 3 and {s.exclusive for s in shared} == {False}
    assert sum(s.price_cents for s in shared) == 15_000
    single = await sales_of(db_session, one.lead.id)
    assert len(single) == 1 and single[0].exclusive is True  # 8,000 beats one shared 5,000
    assert {s.partner_id for s in shared} <= {p.id for p in partners}


async def test_caps_hold_and_what_no_one_can_buy_stays_open(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    capped = await make_partner(db_session, caps={"day": 1}, shared=None)
    leads = [await make_lead(db_session) for _ in range(3)]
    await sell(app)
    sold = [bool(await sales_of(db_session, o.lead.id)) for o in leads]
    assert sold.count(True) == 1
    open_lead = await db_session.get(
        Lead, next(o.lead.id for o, s in zip(leads, sold, strict=True) if not s)
    )
    await db_session.refresh(open_lead)
    assert open_lead.status == "new"
    assert "day cap reached" in (open_lead.unsold_reason or "")
    assert open_lead.offer_until is not None
    entries = await db_session.scalar(
        sa.select(sa.func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.partner_id == capped.id)
    )
    assert entries == 2  # the top-up and one charge


async def test_a_prepaid_partner_never_goes_below_zero(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    poor = await make_partner(db_session, exclusive=10_000, shared=None, balance=25_000)
    leads = [await make_lead(db_session) for _ in range(4)]
    await sell(app)
    await db_session.refresh(poor)
    assert poor.balance_cents == 5_000
    assert sum([len(await sales_of(db_session, o.lead.id)) for o in leads]) == 2


async def test_outside_the_area_or_filters_nothing_is_sold(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    await make_partner(db_session, states=("CA",))
    await make_partner(db_session, filters={"credit_bands": ["good"]})
    await make_partner(db_session, service_area={"radius": [{"zip_code": "90210", "miles": 50}]})
    outcome = await make_lead(db_session)
    await sell(app)
    assert await sales_of(db_session, outcome.lead.id) == []
    lead = await db_session.get(Lead, outcome.lead.id)
    await db_session.refresh(lead)
    assert "outside service area" in lead.unsold_reason
    assert "filters: credit band" in lead.unsold_reason


async def test_a_radius_around_a_zip_covers_its_neighbours(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    near = await make_partner(
        db_session, service_area={"radius": [{"zip_code": "85281", "miles": 15}]}
    )
    outcome = await make_lead(db_session, zip_code="85004")  # Phoenix, ~9 miles from Tempe
    await sell(app)
    sales = await sales_of(db_session, outcome.lead.id)
    assert [s.partner_id for s in sales] == [near.id]
    assert sales[0].receipt["matched"]["area"].startswith("radius:85281")


async def test_a_possible_duplicate_is_not_sold_until_kept_apart_and_never_to_the_other_buyer(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    first_buyer = await make_partner(db_session, exclusive=15_000, shared=None)
    second = await make_partner(db_session, exclusive=9_000, shared=None)
    tom = await make_lead(db_session, phone="+16025550177", email="tom.x@example.com")
    await sell(app)
    assert [s.partner_id for s in await sales_of(db_session, tom.lead.id)] == [first_buyer.id]

    siobhan = await make_lead(db_session, phone="+16025550177", email="siobhan.x@example.com")
    assert siobhan.lead.duplicate_state == "suspected"
    await sell(app)
    assert await sales_of(db_session, siobhan.lead.id) == []

    from app.core.db import utcnow
    from app.leads.service import announce_sellable

    siobhan.lead.duplicate_state = "kept_apart"
    announce_sellable(db_session, siobhan.lead, utcnow())
    await db_session.flush()
    await sell(app)
    assert [s.partner_id for s in await sales_of(db_session, siobhan.lead.id)] == [second.id]
