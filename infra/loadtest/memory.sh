#!/usr/bin/env bash
# Memory of `local serve` when many distinct users fill its per-user
# caches: seeds the load-test bank, then infra/loadtest/manyusers has
# 25,000 accounts (10,000 with 100 favourites) list one page each, and
# prints the server's peak and current resident size.
# Usage: infra/loadtest/memory.sh [users, default 25000]
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-25000}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/quiz" ./local
go build -o "$work/seed" ./infra/loadtest/seed
go build -o "$work/manyusers" ./infra/loadtest/manyusers

export DATABASE_URL="file:$work/instance/load.db" SECRET_KEY="load-test-secret-key-not-for-production-000"
export UPLOAD_DIR="$work/uploads" LOG_DIR="$work/logs" INSTANCE_DIR="$work/instance"
export RATELIMIT_ENABLED=false
"$work/seed" >/dev/null

"$work/quiz" serve --addr 127.0.0.1:18080 >/dev/null 2>&1 & pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:18080/healthz && break; sleep 0.2; done
grep VmRSS "/proc/$pid/status" | sed 's/^/before: /'
"$work/manyusers" -users "$users"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | sed 's/^/after:  /'
