#!/usr/bin/env bash
# Load test of `local serve` beside a bare net/http handler, in one run:
# wrk with 2 threads and 32 connections on loopback. Needs wrk (Debian
# package "wrk"). Usage: infra/loadtest/run.sh [duration, default 20s]
dur=${1:-20s}
source "$(dirname "$0")/lib.sh" local infra/loadtest/bare infra/loadtest/seed
export ENABLE_GZIP=false
TOKEN=$("$work/seed")
export TOKEN

free_port 18080
free_port 18081
"$work/local" serve --addr 127.0.0.1:18080 >"$work/serve.log" 2>&1 & pids+=($!)
"$work/bare" -addr 127.0.0.1:18081 & pids+=($!)
wait_up "http://127.0.0.1:18080/api/quiz/subjects" -H "Authorization: Bearer $TOKEN"
wait_up "http://127.0.0.1:18081/"

echo "== bare net/http, fixed 6 KB JSON"
wrk -t2 -c32 -d"$dur" --latency http://127.0.0.1:18081/
echo "== quiz list: page of 20 from a 500-question subject"
wrk -t2 -c32 -d"$dur" --latency -s infra/loadtest/list.lua http://127.0.0.1:18080
echo "== quiz record_result"
wrk -t2 -c32 -d"$dur" --latency -s infra/loadtest/record.lua http://127.0.0.1:18080
