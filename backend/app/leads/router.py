"""The public lead form API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from app.core import idempotency
from app.core.clientip import client_ip
from app.core.db import SessionDep
from app.core.errors import Conflict, ValidationFailed, responses
from app.leads import consent
from app.leads.schemas import ConsentChoice, ConsentDisclosure, LeadCreate, LeadReceipt
from app.leads.service import ConsentEvidence, LeadDetails, submit_lead
from app.solar.engine import estimate, lookup_location
from app.solar.router import SolarConfigDep
from app.solar.schemas import EstimateInput

router = APIRouter(prefix="/leads", tags=["leads"])

IDEMPOTENCY_SCOPE = "leads"


@router.get("/consent-disclosure", response_model=ConsentDisclosure)
async def consent_disclosure(request: Request) -> ConsentDisclosure:
    """The disclosure the form must show for each choice of how many installers may
    contact the homeowner, and the version to send back with that choice."""
    limit = request.app.state.settings.max_shared_buyers
    choices = [ConsentChoice(**vars(option)) for option in consent.options(limit)]
    return ConsentDisclosure(
        text=choices[-1].text, version=choices[-1].version, max_buyers=limit, choices=choices
    )


@router.post(
    "",
    status_code=201,
    response_model=LeadReceipt,
    responses=responses(ValidationFailed, Conflict),
)
async def create_lead(
    body: LeadCreate,
    request: Request,
    session: SessionDep,
    solar_config: SolarConfigDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="A unique key per form submission (a UUID): retries with the same "
            "key and body return the first result; never two leads.",
        ),
    ] = None,
) -> JSONResponse:
    """Request installer quotes from the form. Same rules as the chat: validated,
    de-duplicated (same email or phone within 30 days updates the earlier request),
    scored, and stored with proof of consent."""
    limit = request.app.state.settings.max_shared_buyers
    max_buyers = body.max_buyers or limit
    if max_buyers > limit:
        raise ValidationFailed(
            f"At most {limit} installers may be chosen.",
            code="too_many_installers",
            details={"max_buyers": limit},
        )
    disclosure_text = consent.disclosure(max_buyers)
    if body.consent_version != consent.version_of(disclosure_text):
        raise ValidationFailed(
            "The consent text has changed since the form loaded; please review it and "
            "submit again.",
            code="consent_outdated",
            details={"current_version": consent.version_of(disclosure_text)},
        )
    if idempotency_key is not None:
        key = idempotency.validate_key(idempotency_key)
        fingerprint = idempotency.request_fingerprint(body.model_dump(mode="json"))
        replay = await idempotency.claim(session, IDEMPOTENCY_SCOPE, key, fingerprint)
        if replay is not None:
            return JSONResponse(
                replay.body, status_code=replay.status_code, headers={"Idempotent-Replayed": "true"}
            )

    location = lookup_location(body.zip_code)
    snapshot = estimate(
        EstimateInput(zip_code=body.zip_code, monthly_bill=body.monthly_bill, shade=body.shade),
        solar_config,
    ).model_dump(mode="json")
    outcome = await submit_lead(
        session,
        LeadDetails(
            first_name=body.first_name,
            last_name=body.last_name,
            email=body.email,
            phone=body.phone,
            street_address=body.street_address,
            zip_code=body.zip_code,
            city=location.city,
            state=location.state,
            homeowner=body.homeowner,
            property_type=body.property_type,
            monthly_bill_usd=body.monthly_bill,
            roof_type=body.roof_type,
            shade=body.shade,
            credit_band=body.credit_band,
            timeline=body.timeline,
            battery_interest=body.battery_interest,
            estimate=snapshot,
            utm=body.utm(),
        ),
        ConsentEvidence(
            source="form",
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            disclosure_text=disclosure_text,
            disclosure_version=consent.version_of(disclosure_text),
            max_buyers=max_buyers,
        ),
    )
    receipt = LeadReceipt(
        id=outcome.lead.id,
        received_at=outcome.lead.updated_at,
        qualified=outcome.lead.status != "unqualified",
        estimate=snapshot,
    ).model_dump(mode="json")
    if idempotency_key is not None:
        await idempotency.remember(session, IDEMPOTENCY_SCOPE, key, 201, receipt)
    return JSONResponse(receipt, status_code=201)
