#!/usr/bin/env bash
# `make dev`: the API with auto-reload plus both Vite dev servers; Ctrl-C stops all.
set -euo pipefail
set -m  # each background job gets its own process group, so a stop reaches npm's children too
cd "$(dirname "$0")/.."

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

LOG_FORMAT=${LOG_FORMAT:-console} backend/venv/bin/aurum serve --reload --port 8000 &
pids+=($!)
(cd aurum-chat-solar-main && exec npm run --silent dev) &
pids+=($!)
(cd admin-dashboard && exec npm run --silent dev) &
pids+=($!)

cat <<MSG

Aurum Solar (development, auto-reload):
  API              http://localhost:8000   (docs: /docs)
  Public site      http://localhost:3001
  Admin dashboard  http://localhost:3002
Press Ctrl-C to stop all three.

MSG
# Stop everything as soon as one of them exits.
wait -n
