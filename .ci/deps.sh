#!/usr/bin/env bash
# Installs everything the test suite starts by itself: redis-server and
# nginx from Debian's packages (only when missing, and only as root), and
# the pinned mailpit SMTP server and AWS Lambda Runtime Interface Emulator
# into .bin/. Safe to run again: it does nothing when all are present.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.bin"
mkdir -p "$bin"

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # The packages start their own services on the default ports; the tests
    # start private instances on free loopback ports instead.
    (service redis-server stop || true) >/dev/null 2>&1
    (service nginx stop || true) >/dev/null 2>&1
  else
    echo "missing ${need[*]}: install them (sudo apt-get install -y ${need[*]}) and run again" >&2
    exit 1
  fi
fi

if [ ! -x "$bin/mailpit" ]; then
  echo "installing mailpit v1.33.1 into .bin/"
  GOBIN="$bin" go install github.com/axllent/mailpit@v1.33.1
fi
if [ ! -x "$bin/aws-lambda-rie" ]; then
  echo "installing aws-lambda-rie into .bin/"
  GOBIN="$bin" go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
fi
