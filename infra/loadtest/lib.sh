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
