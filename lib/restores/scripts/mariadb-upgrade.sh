#!/bin/sh
# Kura (issue 15): upgrade an archived MariaDB data directory to the installed server, as Debian's debian-start does at
# the first start after a package upgrade (mariadb-upgrade). Runs in the image's last stage, without network, after
# the restored files (the complete data directory) are copied over /: starts mariadbd on it without networking, runs
# mariadb-upgrade (the system tables, then every table checked), and shuts the server down cleanly so the next start
# finds a clean InnoDB log.
# With ARCHIVED_COPY, the data directory is replaced by it first: exactly the archived files, none of the fresh
# directory the new package made at install (its system tables and InnoDB files laid under the archived ones would
# mix two servers' files).
# Usage: mariadb-upgrade.sh DATA_DIRECTORY [ARCHIVED_COPY]
set -eu
data=$1
say() { printf 'kura mariadb upgrade: %s\n' "$*"; }
if [ -n "${2:-}" ]; then
  [ -d "$2/mysql" ] || { say "$2 holds no MariaDB data directory (no mysql/ folder)"; exit 1; }
  rm -rf "$data"
  mv "$2" "$data"
  say "the data directory is the archived one ($(find "$data" | wc -l) entries)"
fi
server=$(command -v mariadbd || command -v mysqld || true)
[ -n "$server" ] || { say "no MariaDB server is installed in the image"; exit 1; }
[ -d "$data/mysql" ] || { say "$data holds no MariaDB data directory (no mysql/ folder)"; exit 1; }
say "data directory $data: $(cat "$data/mariadb_upgrade_info" "$data/mysql_upgrade_info" 2>/dev/null | head -n 1 || true); server: $("$server" --version)"
chown -R mysql:mysql "$data"
socket=/run/mysqld/kura-upgrade.sock
install -d -o mysql -g mysql /run/mysqld
log=$(mktemp)
chown mysql "$log"
"$server" --user=mysql --datadir="$data" --skip-networking --socket="$socket" --pid-file=/run/mysqld/kura-upgrade.pid \
  --log-error="$log" &
pid=$!
i=0
until mariadb-admin --socket="$socket" ping >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
    cat "$log"
    say "the server did not start on the archived data directory"
    exit 1
  fi
  sleep 0.2
done
status=0
mariadb-upgrade --socket="$socket" --force || status=$?
mariadb-admin --socket="$socket" shutdown
wait "$pid" || true
cat "$log"
rm -f "$log"
[ "$status" = 0 ] || { say "mariadb-upgrade failed (status $status)"; exit 1; }
say "upgraded $data to $(cat "$data/mariadb_upgrade_info" "$data/mysql_upgrade_info" 2>/dev/null | head -n 1)"
