#!/usr/bin/env bash
# Browser tests: builds both SPAs against a private API port, starts the platform the
# way `make run` does (`aurum db upgrade` + `aurum serve --all`) on free ports with a
# throwaway data directory, and runs e2e/tests in Debian's Chromium via playwright-core.
# Mandatory with CI=true; elsewhere skipped, with a plain message, when Chromium is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "CI=true but Chromium was not found at $CHROMIUM_PATH (install Debian's chromium or set CHROMIUM_PATH)." >&2
    exit 1
  fi
  echo "== e2e: browser tests NOT run: no Chromium at $CHROMIUM_PATH (apt install chromium, or set CHROMIUM_PATH)."
  exit 0
fi
export CHROMIUM_PATH

free_port() { backend/venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port); PUBLIC_PORT=$(free_port); ADMIN_PORT=$(free_port)
API_URL="http://127.0.0.1:$API_PORT"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== e2e: building both SPAs against $API_URL"
(cd aurum-chat-solar-main && VITE_API_URL=$API_URL npm run --silent build -- --outDir "$ROOT/e2e/.build/public" --emptyOutDir >/dev/null)
(cd admin-dashboard && VITE_API_URL=$API_URL VITE_ADMIN_DASHBOARD="http://127.0.0.1:$ADMIN_PORT" \
  npm run --silent build -- --outDir "$ROOT/e2e/.build/admin" --emptyOutDir >/dev/null)

export AURUM_DATA_DIR="$WORK/data" DATABASE_URL="" REDIS_URL="" ENVIRONMENT=development LOG_FORMAT=console
export CORS_ORIGINS="http://127.0.0.1:$PUBLIC_PORT,http://127.0.0.1:$ADMIN_PORT"
export CORS_ADMIN_ORIGINS="http://127.0.0.1:$ADMIN_PORT"
export AURUM_PUBLIC_DIST="$ROOT/e2e/.build/public" AURUM_ADMIN_DIST="$ROOT/e2e/.build/admin"

backend/venv/bin/aurum db upgrade >/dev/null
# One dashboard user per role for e2e/tests/admin.test.mjs, with a password made for this run.
E2E_USER_PASSWORD="e2e-$(backend/venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')"
for role in admin manager analyst; do
  backend/venv/bin/aurum create-admin --email "$role@e2e.example.com" --role "$role" --password "$E2E_USER_PASSWORD" >/dev/null
done
backend/venv/bin/aurum serve --all --host 127.0.0.1 --port "$API_PORT" \
  --public-port "$PUBLIC_PORT" --admin-port "$ADMIN_PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Poll until all three answer; a loaded machine may take a while, so give up only after
# two minutes (and then say so, rather than running the tests against nothing).
deadline=$((SECONDS + 120))
until curl -fsS "$API_URL/health" >/dev/null 2>&1 \
  && curl -fsS "http://127.0.0.1:$PUBLIC_PORT/health" >/dev/null 2>&1 \
  && curl -fsS "http://127.0.0.1:$ADMIN_PORT/health" >/dev/null 2>&1; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; echo "the platform did not start" >&2; exit 1; fi
  if (( SECONDS > deadline )); then
    tail -60 "$WORK/server.log" >&2; echo "the platform did not answer /health within 120 s" >&2; exit 1
  fi
  sleep 0.2
done

echo "== e2e: Chromium tests"
status=0
(cd e2e && E2E_API_URL=$API_URL E2E_PUBLIC_URL="http://127.0.0.1:$PUBLIC_PORT" \
  E2E_ADMIN_URL="http://127.0.0.1:$ADMIN_PORT" E2E_DATA_DIR="$AURUM_DATA_DIR" E2E_USER_PASSWORD="$E2E_USER_PASSWORD" \
  npm test) || status=$?
if [[ $status -ne 0 ]]; then
  echo "---- server log (last 60 lines) ----" >&2
  tail -60 "$WORK/server.log" >&2
fi
exit $status
