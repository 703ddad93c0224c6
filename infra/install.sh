#!/usr/bin/env bash
# Installs Quiz Bank on an Ubuntu/Debian host behind Nginx, laid out like
# the original's deployment guide:
#   /opt/quizbank/bin/quizbank          the server and operator CLI
#   /opt/quizbank/bin/quizbank-backup   nightly backup wrapper (infra/backup.sh)
#   /srv/quizbank/{instance,uploads,logs}  data, owned by the quizbank user
#   /etc/quizbank/quizbank.env          configuration (created once, never overwritten)
#   /etc/systemd/system/quizbank.service, /etc/nginx/sites-available/quizbank,
#   /etc/cron.d/quizbank-backup, /var/backups/quizbank
#
# Run from a checkout, as root:
#   sudo infra/install.sh --domain quiz.example.com [--binary build/quizbank]
# Without --binary it builds one with Go (CGO_ENABLED=0). Running it again
# upgrades the binary and the unit/site/cron files and restarts the service.
#
# ROOT=/some/dir writes every file under that folder instead and skips the
# steps that change the running system (user, ownership, systemctl, nginx
# reload); the test suite uses it.
set -euo pipefail

domain=_
binary=
while [ $# -gt 0 ]; do
  case $1 in
    --domain) domain=${2:?--domain needs a host name}; shift 2 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
root=${ROOT:-}
live=true
[ -n "$root" ] && live=false
if $live && [ "$(id -u)" != 0 ]; then
  echo "run as root (sudo $0 …), or set ROOT=DIR to stage the files" >&2
  exit 1
fi
case $domain in
  *[!A-Za-z0-9._\ -]*) echo "--domain '$domain' is not a host name" >&2; exit 2 ;;
esac

app=$root/opt/quizbank
data=$root/srv/quizbank
etc=$root/etc/quizbank
backups=$root/var/backups/quizbank

if [ -z "$binary" ]; then
  command -v go >/dev/null || { echo "no --binary given and Go is not installed" >&2; exit 1; }
  echo "building the server binary"
  (cd "$repo" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o build/quizbank ./local)
  binary=$repo/build/quizbank
fi
[ -x "$binary" ] || { echo "$binary is not an executable" >&2; exit 1; }

if $live && ! getent passwd quizbank >/dev/null; then
  echo "creating system user quizbank"
  useradd --system --user-group --home-dir /srv/quizbank --no-create-home --shell /usr/sbin/nologin quizbank
fi

install -d -m 0755 "$app/bin"
install -m 0755 "$binary" "$app/bin/quizbank"
install -m 0755 "$repo/infra/backup.sh" "$app/bin/quizbank-backup"
install -m 0644 "$repo/README.md" "$app/README.md"

install -d -m 0750 "$data" "$data/instance" "$data/logs" "$data/uploads" "$backups"
for sub in question_images avatars chat web_login wechat_bind; do
  install -d -m 0750 "$data/uploads/$sub"
done
restart_nginx=false
if $live; then
  chown quizbank:quizbank "$data" "$data/instance" "$data/logs" "$data/uploads" "$data/uploads"/* "$backups"
  chmod 0755 "$data" "$data/uploads"
  # Nginx's workers (www-data) read the uploaded files, which the service
  # writes group-readable (UMask=0027): put www-data in the quizbank group.
  if getent passwd www-data >/dev/null && ! id -nG www-data | tr ' ' '\n' | grep -qx quizbank; then
    usermod -a -G quizbank www-data
    restart_nginx=true
  fi
fi

install -d -m 0750 "$etc"
if [ ! -e "$etc/quizbank.env" ]; then
  secret=$(openssl rand -hex 32 2>/dev/null || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  sed -e 's/^ENVIRONMENT=.*/ENVIRONMENT=production/' \
      -e "s/^SECRET_KEY=.*/SECRET_KEY=$secret/" \
      -e 's/^TRUSTED_PROXIES=.*/TRUSTED_PROXIES=127.0.0.1/' \
      "$repo/infra/env.example" > "$etc/quizbank.env"
  chmod 0640 "$etc/quizbank.env"
  echo "wrote $etc/quizbank.env (new SECRET_KEY; edit mail, WeChat and AI settings there)"
else
  echo "keeping the existing $etc/quizbank.env"
fi
$live && chown root:quizbank "$etc" "$etc/quizbank.env"
# The CLI reads ./.env, so operator commands run in /srv/quizbank see the
# service's configuration.
ln -sfn /etc/quizbank/quizbank.env "$data/.env"

install -d -m 0755 "$root/etc/systemd/system" "$root/etc/nginx/sites-available" "$root/etc/nginx/sites-enabled" "$root/etc/cron.d"
install -m 0644 "$repo/infra/quizbank.service" "$root/etc/systemd/system/quizbank.service"
sed -e "s|{{server_name}}|$domain|g" -e "s|{{listen}}|80|g" \
    -e "s|{{upstream}}|127.0.0.1:8000|g" -e "s|{{uploads}}|/srv/quizbank/uploads|g" \
    "$repo/infra/nginx/quizbank.conf" > "$root/etc/nginx/sites-available/quizbank"
ln -sfn /etc/nginx/sites-available/quizbank "$root/etc/nginx/sites-enabled/quizbank"
install -m 0644 "$repo/infra/backup.cron" "$root/etc/cron.d/quizbank-backup"

if $live; then
  systemctl daemon-reload
  systemctl enable quizbank.service
  systemctl restart quizbank.service
  nginx -t
  if $restart_nginx; then systemctl restart nginx; else systemctl reload nginx; fi
  echo "installed. Check: systemctl status quizbank; curl -I http://$domain/"
  if [ -e /etc/nginx/sites-enabled/default ]; then
    echo "note: /etc/nginx/sites-enabled/default is still enabled; remove it if this host serves only Quiz Bank"
  fi
  echo "create the first (admin) account:"
  echo "  cd /srv/quizbank && sudo -u quizbank /opt/quizbank/bin/quizbank user create --email you@example.com --password '…' --admin"
else
  echo "staged under $root"
fi
