"""Fixtures for the security tests (defined in tests/admin/fixtures.py)."""

from tests.admin.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    as_role,
    client,
    clock,
    make_chat,
    make_lead,
    make_user,
    tokens,
)
