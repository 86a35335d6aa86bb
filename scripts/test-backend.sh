#!/usr/bin/env bash
# Backend checks: ruff (lint + format), then pytest on the embedded default, then
# again on PostgreSQL + Redis when TEST_DATABASE_URL and TEST_REDIS_URL are set.
# With CI=true both must be set and reachable: the services pass is never skipped.
set -euo pipefail
cd "$(dirname "$0")/../backend"

echo "== backend: ruff"
venv/bin/ruff check .
venv/bin/ruff format --check .

echo "== backend: pytest on the embedded default (SQLite + in-process cache)"
env -u DATABASE_URL -u REDIS_URL venv/bin/python -m pytest -q -p no:cacheprovider "$@"

if [[ -z "${TEST_DATABASE_URL:-}" || -z "${TEST_REDIS_URL:-}" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "CI=true but TEST_DATABASE_URL and TEST_REDIS_URL are not both set: refusing to skip the PostgreSQL + Redis pass." >&2
    exit 1
  fi
  echo "== backend: PostgreSQL + Redis pass NOT run (set TEST_DATABASE_URL and TEST_REDIS_URL to run it)"
  exit 0
fi

venv/bin/python - <<'PY'
import asyncio, os, sys
import asyncpg, redis

async def main() -> None:
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.close()
    except Exception as exc:
        sys.exit(f"TEST_DATABASE_URL is not reachable: {exc}")
    try:
        redis.Redis.from_url(os.environ["TEST_REDIS_URL"], socket_connect_timeout=3).ping()
    except Exception as exc:
        sys.exit(f"TEST_REDIS_URL is not reachable: {exc}")

asyncio.run(main())
PY

echo "== backend: pytest on PostgreSQL + Redis"
AURUM_TEST_SERVICES=1 venv/bin/python -m pytest -q -p no:cacheprovider "$@"
