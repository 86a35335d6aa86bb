"""Every error leaves the API in one shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from app.core.config import Settings
from app.core.errors import Conflict, RateLimited
from app.main import create_app
from tests.conftest import make_client


class Payload(BaseModel):
    name: str = Field(min_length=1)
    count: int = Field(ge=0)


@pytest.fixture
async def error_app(migrated: Settings) -> AsyncIterator[FastAPI]:
    """The real app plus routes that fail on purpose."""
    application = create_app(migrated, configure_logs=False)

    @application.post("/_probe/validate", tags=["probe"])
    async def validate(payload: Payload) -> dict[str, str]:
        return {"name": payload.name}

    @application.get("/_probe/conflict", tags=["probe"])
    async def conflict() -> None:
        raise Conflict("That email is already registered.", details={"field": "email"})

    @application.get("/_probe/limited", tags=["probe"])
    async def limited() -> None:
        raise RateLimited(retry_after_seconds=17)

    @application.get("/_probe/crash", tags=["probe"])
    async def crash() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def probe(error_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(error_app) as http:
        yield http


def assert_error_shape(body: dict, code: str) -> dict:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


async def test_unknown_route_is_404_in_error_shape(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/api/v1/definitely-not-here")
    assert response.status_code == 404
    error = assert_error_shape(response.json(), "not_found")
    assert "/api/v1/definitely-not-here" in error["message"]


async def test_wrong_method_is_405_in_error_shape(probe: httpx.AsyncClient) -> None:
    response = await probe.delete("/health")
    assert response.status_code == 405
    assert_error_shape(response.json(), "method_not_allowed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "count": 1}, "name"),
        ({"name": "x", "count": -1}, "count"),
        ({"name": "x"}, "count"),
    ],
)
async def test_validation_errors_name_the_field(
    probe: httpx.AsyncClient, body: dict, field: str
) -> None:
    response = await probe.post("/_probe/validate", json=body)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_error")
    assert [d["field"] for d in error["details"]] == [field]
    assert field in error["message"]


async def test_malformed_json_is_422_not_500(probe: httpx.AsyncClient) -> None:
    response = await probe.post(
        "/_probe/validate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert_error_shape(response.json(), "validation_error")


async def test_domain_errors_keep_status_code_and_details(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/_probe/conflict")
    assert response.status_code == 409
    assert assert_error_shape(response.json(), "conflict")["details"] == {"field": "email"}


async def test_rate_limited_carries_retry_after(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/_probe/limited")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "17"
    assert_error_shape(response.json(), "rate_limited")


async def test_unexpected_error_is_500_without_internals(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/_probe/crash")
    assert response.status_code == 500
    assert_error_shape(response.json(), "internal_error")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
