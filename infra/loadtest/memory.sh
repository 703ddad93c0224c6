#!/usr/bin/env bash
# Memory of `local serve` when many distinct users fill its per-user
# caches: seeds the load-test bank, then infra/loadtest/manyusers has
# 25,000 accounts (10,000 with 100 favourites) list one page each, and
# prints the server's peak and current resident size.
# Usage: infra/loadtest/memory.sh [users, default 25000]
users=${1:-25000}
source "$(dirname "$0")/lib.sh" local infra/loadtest/seed infra/loadtest/manyusers
"$work/seed" >/dev/null

free_port 18080
"$work/local" serve --addr 127.0.0.1:18080 >"$work/serve.log" 2>&1 & pids+=($!)
pid=${pids[0]}
wait_up http://127.0.0.1:18080/healthz
grep VmRSS "/proc/$pid/status" | sed 's/^/before: /'
"$work/manyusers" -users "$users"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | sed 's/^/after:  /'
