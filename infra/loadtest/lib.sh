# Sourced by the load-test scripts: builds the server and the helper
# commands into $work (a fresh temporary folder, removed on exit along with
# every pid in $pids) and points the environment at a database there, with
# rate limits off.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for cmd in "$@"; do go build -o "$work/$(basename "$cmd")" "./$cmd"; done

export DATABASE_URL="file:$work/instance/load.db" SECRET_KEY="load-test-secret-key-not-for-production-000"
export UPLOAD_DIR="$work/uploads" LOG_DIR="$work/logs" INSTANCE_DIR="$work/instance"
export RATELIMIT_ENABLED=false

# free_port PORT: stop if something already listens there, so the run
# cannot measure another server.
free_port() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1 on 127.0.0.1 is already in use; stop what listens there first" >&2
    exit 1
  fi
}

# wait_up URL [curl args…]: wait until URL answers 2xx, or stop with the
# server's log.
wait_up() {
  local url=$1; shift
  for _ in $(seq 50); do
    curl -fs -o /dev/null "$@" "$url" && return 0
    sleep 0.2
  done
  echo "no answer from $url; server log:" >&2
  tail -20 "$work/serve.log" >&2 || true
  exit 1
}
