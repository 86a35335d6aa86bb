"""A partner manages its own webhooks through the B2B API, end to end: it adds an
endpoint (the secret shown once), sends itself a test event and verifies it with the
`standardwebhooks` library, buys a lead and gets `lead.sold` carrying exactly what
`GET /b2b/leads/{id}` returns, reads its delivery log, and sees a notice on its account
when its endpoint answers 410."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks.webhooks import Webhook

from app.admin.audit.service import Action
from app.admin.models import AuditLog
from app.partners import tasks as partners_tasks
from app.webhooks import tasks as webhooks_tasks
from app.webhooks.models import WebhookEndpoint
from app.worker import Worker
from tests.partners.b2b import ACCOUNT, LEADS, b2b_client, buyer_with_leads
from tests.partners.support import bearer, make_key, make_lead
from tests.partners.test_distribution import isolate
from tests.support.receiver import Receiver, Step, running
from tests.test_worker import shared_factory
from tests.webhooks.test_delivery import deliver_due, loopback, real_now

HOOKS = "/api/v1/b2b/webhooks"


async def sell_and_fan_out(app: FastAPI) -> None:
    """The worker's consumers that sell a lead and turn the sale into deliveries."""
    worker = Worker(
        shared_factory(app),
        app.state.settings,
        jobs=[],
        consumers=[*partners_tasks.CONSUMERS, *webhooks_tasks.CONSUMERS],
    )
    while sum([await worker.drain(c) for c in worker.consumers]) > 0:
        pass


async def deliver(app: FastAPI) -> int:
    """Send what is due by now (the API stamped its deliveries a moment ago)."""
    return await deliver_due(app, app.state.settings, datetime.now(UTC) + timedelta(seconds=1))


def _allow_loopback(app: FastAPI) -> None:
    """The receiver listens on 127.0.0.1, which production refuses (SSRF)."""
    app.state.settings = loopback(app.state.settings)


async def test_a_partner_adds_an_endpoint_tests_it_and_receives_its_sales(
    app: FastAPI, db_session: AsyncSession
) -> None:
    original = app.state.settings
    _allow_loopback(app)
    try:
        await isolate(db_session)
        buyer = await buyer_with_leads(app, db_session, 0)
        receiver = Receiver()
        async with running(receiver), b2b_client(app) as http:
            made = await http.post(
                HOOKS,
                json={"url": receiver.url, "event_types": ["lead.sold"], "description": "CRM"},
                headers=buyer.headers,
            )
            assert made.status_code == 201, made.text
            assert made.headers["cache-control"] == "no-store"
            endpoint = made.json()
            secret = endpoint["secret"]
            assert secret.startswith("whsec_")
            listed = (await http.get(HOOKS, headers=buyer.headers)).json()
            assert [e["id"] for e in listed] == [endpoint["id"]]
            assert secret not in json.dumps(listed)  # shown once, never again

            test = await http.post(f"{HOOKS}/{endpoint['id']}/test", headers=buyer.headers)
            assert test.status_code == 202, test.text
            await deliver(app)
            got = receiver.received[-1]
            Webhook(secret).verify(got.body, got.headers)
            assert json.loads(got.body)["type"] == "webhook.test"
            assert got.headers["webhook-id"] == test.json()["delivery_id"]

            # A real sale: the worker sells the lead, fans the event out, delivers it.
            outcome = await make_lead(db_session, zip_code="85004", state="AZ", city="Phoenix")
            await db_session.commit()
            await sell_and_fan_out(app)
            await deliver(app)
            sold = [json.loads(r.body) for r in receiver.received]
            sold = [e for e in sold if e["type"] == "lead.sold"]
            assert len(sold) == 1
            Webhook(secret).verify(receiver.received[-1].body, receiver.received[-1].headers)
            item = (await http.get(f"{LEADS}/{outcome.lead.id}", headers=buyer.headers)).json()
            assert sold[0]["data"] == item  # the event is the API's own view of the lead

            log = await http.get(f"{HOOKS}/{endpoint['id']}/deliveries", headers=buyer.headers)
            assert log.status_code == 200, log.text
            deliveries = log.json()["items"]
            assert [d["event_type"] for d in deliveries] == ["lead.sold", "webhook.test"]
            assert all(d["status"] == "delivered" for d in deliveries)
            assert deliveries[0]["attempt_log"][0]["status_code"] == 200

        audited = (
            await db_session.execute(
                sa.select(AuditLog.action, AuditLog.details).where(
                    AuditLog.target_id == endpoint["id"]
                )
            )
        ).all()
        assert [a for a, _ in audited] == [Action.WEBHOOK_ENDPOINT_CREATE]
        assert audited[0][1]["via"] == "partner"
    finally:
        app.state.settings = original


async def test_a_410_disables_the_endpoint_and_the_account_says_so(
    app: FastAPI, db_session: AsyncSession
) -> None:
    original = app.state.settings
    _allow_loopback(app)
    try:
        await isolate(db_session)
        buyer = await buyer_with_leads(app, db_session, 0)
        receiver = Receiver(then=Step(410, body="gone"))
        async with running(receiver), b2b_client(app) as http:
            made = await http.post(
                HOOKS,
                json={"url": receiver.url, "event_types": ["lead.sold"]},
                headers=buyer.headers,
            )
            endpoint_id = made.json()["id"]
            await http.post(f"{HOOKS}/{endpoint_id}/test", headers=buyer.headers)
            await deliver(app)

            account = (await http.get(ACCOUNT, headers=buyer.headers)).json()
            codes = {n["code"]: n for n in account["notices"]}
            assert codes["webhook_endpoint_disabled"]["details"]["endpoint_id"] == endpoint_id
            assert codes["webhook_deliveries_held"]["details"]["held"] == 1
            assert (await http.get(HOOKS, headers=buyer.headers)).json()[0]["held_deliveries"] == 1

            # Fixed on its side, the partner enables it again and the held one goes out.
            receiver.then = Step(200)
            enabled = await http.patch(
                f"{HOOKS}/{endpoint_id}", json={"status": "active"}, headers=buyer.headers
            )
            assert enabled.status_code == 200 and enabled.json()["status"] == "active"
            await deliver(app)
            assert (
                receiver.received[-1].headers["webhook-id"]
                == receiver.received[0].headers["webhook-id"]
            )  # the same delivery, not a new one
            account = (await http.get(ACCOUNT, headers=buyer.headers)).json()
            assert account["notices"] == []
    finally:
        app.state.settings = original


async def test_rotation_edits_and_what_a_partner_may_not_do(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    mine = await buyer_with_leads(app, db_session, 0)
    theirs = await buyer_with_leads(app, db_session, 0, state="CA", zip_code="92101")
    async with b2b_client(app) as http:
        private = await http.post(
            HOOKS,
            json={"url": "https://10.0.0.5/hooks", "event_types": ["lead.sold"]},
            headers=mine.headers,
        )
        assert private.status_code == 422 and private.json()["error"]["code"] == "unsafe_url"
        unknown = await http.post(
            HOOKS,
            json={"url": "https://hooks.example.com/x", "event_types": ["lead.bought"]},
            headers=mine.headers,
        )
        assert unknown.status_code == 422
        assert unknown.json()["error"]["code"] == "invalid_event_types"
        # Nothing half-written: neither refusal left an endpoint behind.
        assert (await http.get(HOOKS, headers=mine.headers)).json() == []

        await db_session.refresh(theirs.partner)
        theirs_endpoint = WebhookEndpoint(  # another partner's
            id=uuid.uuid4(),
            partner_id=theirs.partner.id,
            url="https://hooks.example.com/theirs",
            event_types=["lead.sold"],
            status="active",
            secret="whsec_" + "A" * 43,
            created_at=real_now(),
            updated_at=real_now(),
        )
        db_session.add(theirs_endpoint)
        theirs_id = theirs_endpoint.id
        await db_session.commit()
        for method, suffix, body in [
            ("PATCH", "", {"description": "mine now"}),
            ("POST", "/rotate-secret", None),
            ("POST", "/test", None),
            ("GET", "/deliveries", None),
        ]:
            answer = await http.request(
                method, f"{HOOKS}/{theirs_id}{suffix}", json=body, headers=mine.headers
            )
            assert answer.status_code == 404, (method, suffix, answer.text)
            assert answer.json()["error"]["code"] == "webhook_endpoint_not_found"

        # Its own endpoint: a new secret, the old one good for 24 hours beside it.
        await db_session.refresh(mine.partner)
        own = WebhookEndpoint(
            id=uuid.uuid4(),
            partner_id=mine.partner.id,
            url="https://hooks.example.com/mine",
            event_types=["lead.sold"],
            status="active",
            secret="whsec_" + "B" * 43,
            created_at=real_now(),
            updated_at=real_now(),
        )
        db_session.add(own)
        own_id = own.id
        await db_session.commit()
        rotated = await http.post(f"{HOOKS}/{own_id}/rotate-secret", headers=mine.headers)
        assert rotated.status_code == 201, rotated.text
        assert rotated.json()["secret"] not in ("whsec_" + "B" * 43, None)
        until = datetime.fromisoformat(rotated.json()["previous_secret_valid_until"])
        assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)
        edited = await http.patch(
            f"{HOOKS}/{own_id}",
            json={"event_types": ["lead.sold", "lead.return_decided"], "status": "disabled"},
            headers=mine.headers,
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["event_types"] == ["lead.sold", "lead.return_decided"]
        actions = (
            await db_session.execute(
                sa.select(AuditLog.action, AuditLog.details)
                .where(AuditLog.target_id == str(own_id))
                .order_by(AuditLog.at)
            )
        ).all()
        assert [a for a, _ in actions] == [
            Action.WEBHOOK_SECRET_ROTATE,
            Action.WEBHOOK_ENDPOINT_UPDATE,
        ]
        assert actions[1][1]["changes"]["status"] == {"from": "active", "to": "disabled"}

        await db_session.refresh(mine.partner)
        reader = await make_key(db_session, mine.partner, scopes=["account:read"])
        await db_session.commit()
        refused = await http.post(
            HOOKS,
            json={"url": "https://hooks.example.com/x", "event_types": ["lead.sold"]},
            headers=bearer(reader),
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["details"]["required_scope"] == "account:write"
