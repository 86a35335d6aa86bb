"""`aurum partner ...`, run as an operator would, on a fresh embedded database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.security import hash_token

BACKEND = Path(__file__).resolve().parents[2]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SECRET = r"^ak_live_\S+$"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli-partners")
    environment = {**os.environ, "AURUM_DATA_DIR": str(data), "DATABASE_URL": "", "REDIS_URL": ""}
    # Any non-empty FORCE_COLOR (even "0") makes typer draw coloured, styled usage errors,
    # which split "--name" with escape codes; operators' pipes and these tests read text.
    for forcing in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS"):
        environment.pop(forcing, None)
    environment.update(NO_COLOR="1", COLUMNS="200")
    assert aurum("db", "upgrade", env=environment).returncode == 0
    return environment


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def aurum(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result.stdout = ANSI.sub("", result.stdout)
    result.stderr = ANSI.sub("", result.stderr)
    return result


def ok(*args: str, env: dict[str, str]) -> str:
    result = aurum(*args, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def rows(env: dict[str, str], sql: str, **params: Any) -> list[Any]:
    engine = sa.create_engine(f"sqlite:///{Path(env['AURUM_DATA_DIR']) / 'aurum.db'}")
    with engine.connect() as conn:
        found = list(conn.execute(sa.text(sql), params))
    engine.dispose()
    return found


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace(" ", "T"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "X", "--states", "ZZ"], "not US states"),
        (["--name", "X", "--states", ""], "--states names at least one state"),
        (["--name", "X", "--states", "AZ", "--timezone", "Mars/Base"], "not a time zone"),
        (["--name", "X", "--states", "AZ", "--exclusive-price-cents", "A=ten"], "per tier"),
        (["--name", "X", "--states", "AZ", "--exclusive-price-cents", "\u00b2"], "per tier"),
        (["--name", "X", "--states", "AZ", "--shared-price-cents", "99999999"], "prices"),
        (["--name", "X", "--states", "AZ", "--contact-email", "nope"], "valid email"),
        (["--name", "Sun\u0430ise", "--states", "AZ"], "alphabets"),
        (["--states", "AZ"], "--name"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    env: dict[str, str], args: list[str], message: str
) -> None:
    result = aurum("partner", "create", *args, env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert rows(env, "SELECT id FROM partners WHERE name = 'X'") == []


def test_an_operator_sets_up_a_partner_and_its_keys(env: dict[str, str]) -> None:
    created = ok(
        "partner",
        "create",
        "--name",
        "Sunwise Solar",
        "--states",
        "az,NM",
        "--exclusive-price-cents",
        "12000",
        "--shared-price-cents",
        "A=5000,B=4000,C=3000",
        "--timezone",
        "America/Phoenix",
        "--daily-cap",
        "10",
        "--contact-email",
        "Dana@Sunwise.com",
        env=env,
    )
    partner_id = re.search(UUID, created).group(0)  # type: ignore[union-attr]
    assert "Created partner Sunwise Solar (active)" in created
    ((area, prices, caps, timezone, email),) = rows(
        env,
        "SELECT service_area, prices, caps, timezone, contact_email FROM partners WHERE id = :id",
        id=uuid.UUID(partner_id).hex,
    )
    assert json.loads(area)["states"] == ["AZ", "NM"]
    assert json.loads(prices)["B"] == {"exclusive": 12000, "shared": 4000}
    assert json.loads(caps)["day"] == 10
    assert (timezone, email) == ("America/Phoenix", "dana@sunwise.com")

    listed = ok("partner", "list", env=env)
    assert re.search(rf"{partner_id}\s+active\s+\$0\.00\s+0/10\s+0\s+Sunwise Solar", listed)
    assert ok("partner", "list", "--status", "paused", env=env).strip() == "No paused partners."
    assert aurum("partner", "list", "--status", "closed", env=env).returncode == 2

    topped = ok(
        "partner", "topup", partner_id, "--amount-cents", "50000", "--note", "wire", env=env
    )
    assert "balance $500.00" in topped
    refused = aurum("partner", "topup", partner_id, "--amount-cents", "-5", env=env)
    assert refused.returncode == 2 and "positive" in refused.stderr

    issued = ok(
        "partner",
        "key",
        "create",
        partner_id,
        "--name",
        "CRM sync",
        "--scopes",
        "leads:read,returns:write",
        env=env,
    )
    (secret,) = re.findall(SECRET, issued, re.M)
    key_id = re.search(UUID, issued).group(0)  # type: ignore[union-attr]
    ((stored_hash, scopes),) = rows(
        env, "SELECT secret_hash, scopes FROM api_keys WHERE id = :id", id=uuid.UUID(key_id).hex
    )
    assert stored_hash == hash_token(secret) and secret not in stored_hash
    assert json.loads(scopes) == ["leads:read", "returns:write"]
    bad_scope = aurum(
        "partner", "key", "create", partner_id, "--name", "x", "--scopes", "leads:write", env=env
    )
    assert bad_scope.returncode == 2 and "scopes" in bad_scope.stderr

    shown = ok("partner", "show", partner_id, env=env)
    assert "Sunwise Solar (active)" in shown and "balance $500.00" in shown
    assert "B exclusive $120.00 shared $40.00" in shown
    assert key_id in shown and secret not in shown and "1 live of 1" in shown

    rotated = ok("partner", "key", "rotate", partner_id, key_id, "--overlap-hours", "2", env=env)
    (new_secret,) = re.findall(SECRET, rotated, re.M)
    assert new_secret != secret
    keys = {
        hash_: (created_at, expires_at, revoked_at)
        for hash_, created_at, expires_at, revoked_at in rows(
            env, "SELECT secret_hash, created_at, expires_at, revoked_at FROM api_keys"
        )
    }
    old, new = keys[hash_token(secret)], keys[hash_token(new_secret)]
    assert when(old[1]) - when(new[0]) == timedelta(hours=2)  # the overlap, from the rotation
    assert new[1] is None and old[2] is None

    revoked = ok("partner", "key", "revoke", partner_id, key_id, env=env)
    assert "refused from now on" in revoked
    again = aurum("partner", "key", "rotate", partner_id, key_id, env=env)
    assert again.returncode == 1 and "revoked or expired" in again.stderr

    paused = ok("partner", "pause", partner_id, env=env)
    assert "Paused Sunwise Solar" in paused
    assert "already paused" in ok("partner", "pause", partner_id, env=env)
    assert "Resumed Sunwise Solar (was paused)" in ok("partner", "resume", partner_id, env=env)

    missing = aurum("partner", "show", "00000000-0000-4000-8000-000000000000", env=env)
    assert missing.returncode == 1 and "No partner has this id" in missing.stderr
    assert aurum("partner", "show", "not-an-id", env=env).returncode == 2

    # Audited like the admin API, as the command line (no staff member).
    audit = rows(
        env, "SELECT action, actor_id, details FROM audit_log WHERE target_type = 'partner'"
    )
    actions = sorted(action for action, _, _ in audit)
    assert actions == sorted(
        [
            "partner.create",
            "partner.ledger_entry",
            "api_key.create",
            "api_key.rotate",
            "api_key.revoke",
            "partner.status_changed",
            "partner.status_changed",
        ]
    )
    assert {actor for _, actor, _ in audit} == {None}
    assert {json.loads(details)["via"] for _, _, details in audit} == {"cli"}
