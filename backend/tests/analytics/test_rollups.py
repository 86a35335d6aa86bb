"""The rollups always equal a recomputation from the raw rows, whatever happens:
random sequences of leads, resubmissions, sales, returns, outcomes, erasures and
rebuilds (hypothesis), on the embedded database and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import rollups
from app.analytics.models import (
    COUNTERS,
    DailyRollup,
    DimensionDailyRollup,
    PartnerDailyRollup,
)
from app.core.db import utcnow
from app.core.errors import AppError
from app.leads.models import Lead
from app.leads.privacy import erase_lead
from app.partners import returns
from app.partners.distribution import offer_lead
from app.partners.models import OUTCOMES, LeadSale, Partner
from app.partners.service import Who
from tests.partners.selling import only_these_partners_buy
from tests.partners.support import make_lead, make_partner

UTMS = [{}, {"utm_source": "Google", "utm_campaign": "Fall "}, {"utm_source": "bing"}]
BILLS = [60.0, 150.0, 320.0]  # small bills score lower: the tier moves
INDEX = st.integers(0, 6)

NEW_LEAD = st.tuples(
    st.just("lead"),
    st.sampled_from(["AZ", "CA"]),
    st.booleans(),
    st.sampled_from(range(len(UTMS))),
    st.sampled_from(BILLS),
    st.booleans(),  # offered at once
)
SELL = st.tuples(st.just("sell"), INDEX)
RETURN = st.tuples(st.just("return"), INDEX, st.booleans())
OUTCOME = st.tuples(st.just("outcome"), INDEX, st.sampled_from(OUTCOMES))
# Weighted by repetition: selling and what follows a sale are what the rollups count.
operations = st.lists(
    st.one_of(
        NEW_LEAD,
        NEW_LEAD,
        SELL,
        RETURN,
        OUTCOME,
        OUTCOME,
        st.tuples(
            st.just("resubmit"),
            INDEX,
            st.booleans(),
            st.sampled_from(range(len(UTMS))),
            st.sampled_from(BILLS),
        ),
        st.tuples(st.just("rebuild"), st.integers(-1, 4)),
        st.tuples(st.just("erase"), INDEX),
        st.tuples(st.just("wait"), st.integers(1, 40)),
    ),
    min_size=5,
    max_size=40,
)


@dataclass
class World:
    partners: list[Partner]
    started: datetime = field(default_factory=utcnow)
    hours: int = 0
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        return self.started + timedelta(hours=self.hours, seconds=len(self.people))


def _nonzero(rows: dict[Any, Counter[str]]) -> dict[Any, dict[str, int]]:
    return {
        key: {name: int(counts.get(name, 0)) for name in COUNTERS}
        for key, counts in rows.items()
        if any(counts.values())
    }


async def assert_rollups_match_the_raw_rows(session: AsyncSession) -> None:
    lead_ids = list((await session.execute(sa.select(Lead.id))).scalars())
    expected = await rollups.recompute(session, lead_ids)
    fine: dict[Any, Counter[str]] = {}
    for row in (await session.execute(sa.select(DailyRollup))).scalars():
        key = rollups.Key(row.day, row.state, row.partner_id, row.tier, row.source, row.campaign)
        fine[key] = Counter({name: getattr(row, name) for name in COUNTERS})
    assert _nonzero(fine) == _nonzero(expected)

    expected_coarse: dict[Any, Counter[str]] = {}
    for key, counts in expected.items():
        expected_coarse.setdefault((key.day, key.partner_id, key.tier), Counter()).update(counts)
    coarse: dict[Any, Counter[str]] = {}
    for row in (await session.execute(sa.select(PartnerDailyRollup))).scalars():
        coarse[(row.day, row.partner_id, row.tier)] = Counter(
            {name: getattr(row, name) for name in COUNTERS}
        )
    assert _nonzero(coarse) == _nonzero(expected_coarse)

    expected_dimensions: dict[Any, Counter[str]] = {}
    for key, counts in expected.items():
        for dimension, value in (
            ("state", key.state),
            ("source", key.source),
            ("campaign", key.campaign),
        ):
            expected_dimensions.setdefault((key.day, dimension, value, key.tier), Counter()).update(
                counts
            )
    dimensions: dict[Any, Counter[str]] = {}
    for row in (await session.execute(sa.select(DimensionDailyRollup))).scalars():
        dimensions[(row.day, row.dimension, row.value, row.tier)] = Counter(
            {name: getattr(row, name) for name in COUNTERS}
        )
    assert _nonzero(dimensions) == _nonzero(expected_dimensions)


async def _sales_of(session: AsyncSession, lead_id: uuid.UUID) -> list[LeadSale]:
    return list(
        (
            await session.execute(
                sa.select(LeadSale).where(LeadSale.lead_id == lead_id).order_by(LeadSale.id)
            )
        ).scalars()
    )


async def _step(app: FastAPI, session: AsyncSession, world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    person = world.people[op[1] % len(world.people)] if world.people and kind != "lead" else None
    if kind in ("resubmit", "sell", "return", "outcome", "erase") and person is None:
        return
    if kind == "wait":
        world.hours += op[1]
    elif kind == "lead":
        _, state, homeowner, utm, bill, sell_now = op
        zip_code = "85004" if state == "AZ" else "90012"
        made = await make_lead(
            session,
            state=state,
            zip_code=zip_code,
            city="Phoenix" if state == "AZ" else "Los Angeles",
            homeowner=homeowner,
            monthly_bill_usd=bill,
            utm=dict(UTMS[utm]),
        )
        world.people.append(
            {
                "lead_id": made.lead.id,
                "email": made.lead.email,
                "phone": made.lead.phone,
                "state": state,
                "zip_code": zip_code,
            }
        )
        if sell_now:
            await offer_lead(session, made.lead.id, now=world.now, settings=app.state.settings)
    elif kind == "resubmit":
        _, _, homeowner, utm, bill = op
        assert person is not None
        if person["email"] is None:
            return  # erased: a new submission would be someone new
        await make_lead(
            session,
            email=person["email"],
            phone=person["phone"],
            state=person["state"],
            zip_code=person["zip_code"],
            homeowner=homeowner,
            monthly_bill_usd=bill,
            utm=dict(UTMS[utm]),
        )
    elif kind == "sell":
        assert person is not None
        await offer_lead(session, person["lead_id"], now=world.now, settings=app.state.settings)
    elif kind == "return":
        assert person is not None
        sales = await _sales_of(session, person["lead_id"])
        if not sales:
            return
        sale = sales[op[1] % len(sales)]
        partner = await session.get(Partner, sale.partner_id)
        assert partner is not None
        claim = await returns.file_return(
            session,
            partner,
            sale.lead_id,
            reason="bad_contact",
            note=None,
            now=world.now,
            settings=app.state.settings,
        )
        await returns.decide_return(
            session, claim.id, accept=op[2], note=None, who=Who(via="cli", at=world.now)
        )
    elif kind == "outcome":
        assert person is not None
        sales = await _sales_of(session, person["lead_id"])
        if not sales:
            return
        sale = sales[op[1] % len(sales)]
        partner = await session.get(Partner, sale.partner_id)
        assert partner is not None
        moment = max(world.now, sale.sold_at)
        await returns.record_outcome(
            session,
            partner,
            sale.lead_id,
            outcome=op[2],
            occurred_at=moment,
            note=None,
            now=moment,
        )
    elif kind == "rebuild":
        await rollups.rebuild_day(session, (world.now + timedelta(days=op[1])).date())
    elif kind == "erase":
        assert person is not None
        lead = await session.get(Lead, person["lead_id"])
        assert lead is not None
        if lead.erased_at is None:
            await erase_lead(session, lead, at=world.now)
            person["email"] = person["phone"] = None
    else:  # pragma: no cover - the strategy makes only the kinds above
        raise AssertionError(kind)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
async def test_rollups_equal_a_recomputation_from_the_raw_rows(
    app: FastAPI, db_session: AsyncSession, ops: list[tuple[Any, ...]]
) -> None:
    # Examples share the test's rolled-back transaction: the figures only grow, and the
    # property holds after each example over everything so far.
    await only_these_partners_buy(db_session)
    world = World(
        partners=[
            await make_partner(db_session, states=("AZ", "CA"), exclusive=9_000, shared=4_000),
            await make_partner(db_session, states=("AZ",), exclusive=7_000, shared=3_500),
            await make_partner(db_session, states=("CA",), exclusive=None, shared=2_500),
        ]
    )
    for op in ops:
        try:
            async with db_session.begin_nested():
                await _step(app, db_session, world, op)
        except AppError:
            pass  # refused by the rules (a return window closed, a cap): nothing written
    await db_session.flush()
    await assert_rollups_match_the_raw_rows(db_session)


async def test_a_rebuild_repairs_rollups_written_outside_the_services(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await only_these_partners_buy(db_session)
    await make_partner(db_session)
    made = await make_lead(db_session)
    await offer_lead(db_session, made.lead.id, now=utcnow(), settings=app.state.settings)
    day = utcnow().date()
    await db_session.execute(sa.update(DailyRollup).where(DailyRollup.day == day).values(leads=99))
    await db_session.execute(sa.delete(PartnerDailyRollup).where(PartnerDailyRollup.day == day))
    await rollups.rebuild_day(db_session, day)
    await rollups.rebuild_day(db_session, day)  # idempotent
    await assert_rollups_match_the_raw_rows(db_session)
