"""Lead status changes follow one table, for staff and the system alike."""

from __future__ import annotations

import itertools

import httpx
import pytest

from app.core.errors import Conflict
from app.leads.lifecycle import LEAD_STATUSES, TRANSITIONS, allowed_next, check_transition

PAIRS = [(a, b) for a, b in itertools.product(LEAD_STATUSES, repeat=2) if a != b]


@pytest.mark.parametrize(("current", "to"), PAIRS)
@pytest.mark.parametrize("actor", ["staff", "system"])
def test_only_the_table_s_changes_pass(current: str, to: str, actor: str) -> None:
    allowed = actor in TRANSITIONS[current].get(to, frozenset())
    if allowed:
        check_transition(current, to, actor)  # type: ignore[arg-type]
        assert to in allowed_next(current, actor)  # type: ignore[arg-type]
    else:
        with pytest.raises(Conflict) as raised:
            check_transition(current, to, actor)  # type: ignore[arg-type]
        assert raised.value.code == "invalid_status_transition"
        assert raised.value.details["allowed"] == allowed_next(current, actor)  # type: ignore[arg-type]


def test_every_status_is_in_the_table() -> None:
    assert set(TRANSITIONS) == set(LEAD_STATUSES)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(LEAD_STATUSES)


async def test_staff_cannot_make_a_change_the_table_refuses(
    client: httpx.AsyncClient, as_role, make_lead
) -> None:
    lead = await make_lead(status="returned")
    response = await client.patch(
        f"/api/v1/admin/leads/{lead.id}", json={"status": "new"}, headers=await as_role("manager")
    )
    assert response.status_code == 409
    body = response.json()["error"]
    assert body["code"] == "invalid_status_transition"
    assert body["details"] == {"from": "returned", "to": "new", "allowed": []}
