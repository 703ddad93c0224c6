#!/usr/bin/env bash
# Load test of `local serve` beside a bare net/http handler, in one run:
# wrk with 2 threads and 32 connections on loopback. Needs wrk (Debian
# package "wrk"). Usage: infra/loadtest/run.sh [duration, default 20s]
dur=${1:-20s}
source "$(dirname "$0")/lib.sh" local infra/loadtest/bare infra/loadtest/seed
export ENABLE_GZIP=false
TOKEN=$("$work/seed")
export TOKEN

"$work/local" serve --addr 127.0.0.1:18080 >/dev/null 2>&1 & pids+=($!)
"$work/bare" -addr 127.0.0.1:18081 & pids+=($!)
for _ in $(seq 50); do
  curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18080/api/quiz/subjects" && break
  sleep 0.2
done

echo "== bare net/http, fixed 6 KB JSON"
wrk -t2 -c32 -d"$dur" --latency http://127.0.0.1:18081/
echo "== quiz list: page of 20 from a 500-question subject"
wrk -t2 -c32 -d"$dur" --latency -s infra/loadtest/list.lua http://127.0.0.1:18080
echo "== quiz record_result"
wrk -t2 -c32 -d"$dur" --latency -s infra/loadtest/record.lua http://127.0.0.1:18080
