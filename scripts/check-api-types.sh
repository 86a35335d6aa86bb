#!/usr/bin/env bash
# Fails when a SPA's committed API client (src/api/schema.d.ts) no longer matches the
# backend's OpenAPI document. Fix with: make api-types
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

backend/venv/bin/aurum openapi -o "$tmp/openapi.json"
status=0
for spa in aurum-chat-solar-main admin-dashboard; do
  (cd "$spa" && npx --no-install openapi-typescript "$tmp/openapi.json" -o "$tmp/$spa.d.ts" >/dev/null 2>&1)
  if ! diff -q "$tmp/$spa.d.ts" "$spa/src/api/schema.d.ts" >/dev/null; then
    echo "STALE: $spa/src/api/schema.d.ts differs from the backend's OpenAPI. Run: make api-types" >&2
    diff -u "$spa/src/api/schema.d.ts" "$tmp/$spa.d.ts" | head -40 >&2 || true
    status=1
  else
    echo "ok: $spa/src/api/schema.d.ts matches the backend's OpenAPI"
  fi
done
exit $status
