#!/usr/bin/env bash
# Nightly database backup for a Quiz Bank host (run by infra/backup.cron).
#
#   backup.sh DEST_DIR [KEEP]
#
# Runs `quizbank backup DEST_DIR/` with the service's configuration (an
# online, integrity-checked copy named submissions-YYYYMMDD-HHMMSS.db),
# then deletes all but the newest KEEP copies (default 14). Uploads are
# plain files: copy them with rsync (see README, "Deploy on Ubuntu").
#
# Overridable: QUIZBANK_BIN (/opt/quizbank/bin/quizbank), QUIZBANK_ENV
# (/etc/quizbank/quizbank.env), QUIZBANK_HOME (/srv/quizbank, the folder
# the relative paths of the env file are resolved from).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 DEST_DIR [KEEP]" >&2
  exit 2
fi
dest=$1
keep=${2:-14}
case $keep in
  ''|*[!0-9]*|0) echo "KEEP must be a whole number of at least 1, not '$keep'" >&2; exit 2 ;;
esac
bin=${QUIZBANK_BIN:-/opt/quizbank/bin/quizbank}
env_file=${QUIZBANK_ENV:-/etc/quizbank/quizbank.env}
home=${QUIZBANK_HOME:-/srv/quizbank}

# Load KEY=VALUE lines of the env file (the systemd EnvironmentFile
# format) without evaluating them as shell.
if [ -r "$env_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      ''|'#'*) continue ;;
    esac
    key=${line%%=*}
    value=${line#*=}
    [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    if [[ $value =~ ^\"(.*)\"$ ]] || [[ $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    export "$key=$value"
  done < "$env_file"
fi

mkdir -p "$dest"
cd "$home"
"$bin" backup "$dest/"

# Copies are named by UTC time, so name order is age order.
mapfile -t old < <(find "$dest" -maxdepth 1 -type f -name 'submissions-*.db' -printf '%f\n' | sort -r | tail -n +"$((keep + 1))")
for name in "${old[@]}"; do
  rm -f -- "$dest/$name"
  echo "removed old backup $dest/$name"
done
