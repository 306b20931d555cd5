#!/bin/sh
# Kura (issue 15): load the archive's mariadb-dump capture (mariadb-dump --all-databases --routines --events, made while
# the container ran) into a fresh data directory of the installed server, when the archived directory is not upgraded
# in place (plan-mariadb-upgrade.ts says when). Runs in the image's last stage, without network, after the restored
# files are copied over / (the archived data directory is left out of the build: it is not read):
# - a fresh data directory (mariadb-install-db), the server started on it without networking (its socket only);
# - the dump loaded with the mariadb client in two parts (below): first the mysql database's tables and views (the
#   accounts in mysql.global_priv, the grants, the system tables as the old server had them), then mariadb-upgrade
#   brings those to the installed server, as it does in place, then the rest (routines, events, every other database);
# - FLUSH PRIVILEGES, so the loaded accounts (with their passwords) replace the fresh directory's in the server;
# - the server shut down cleanly, so the first start finds a clean InnoDB log.
# A failure stops the build with the server's error log tail.
# Usage: mariadb-dump-load.sh DATA_DIRECTORY DUMP
set -eu
data=$1 dump=$2
say() { printf 'kura mariadb dump-load: %s\n' "$*"; }
server=$(command -v mariadbd || command -v mysqld || true)
[ -n "$server" ] || { say "no MariaDB server is installed in the image"; exit 1; }
[ -f "$dump" ] || { say "no dump at $dump"; exit 1; }
install_db=$(command -v mariadb-install-db || command -v mysql_install_db || true)
[ -n "$install_db" ] || { say "no mariadb-install-db in the image"; exit 1; }
say "loading $dump ($(wc -c <"$dump") bytes, $(sed -n 's/^-- Server version[^0-9]*//p' "$dump" | head -n 1 || true)) into a fresh data directory $data; server: $("$server" --version)"
rm -rf "$data"
install -d -o mysql -g mysql -m 755 "$data"
log=$(mktemp)
out=$(mktemp)
chown mysql "$log"
fail() {
  say "$*"
  if [ -s "$out" ]; then
    echo "kura mariadb dump-load: its output (last 20 lines):" >&2
    tail -n 20 "$out" >&2
  fi
  echo "kura mariadb dump-load: the server's error log (last 40 lines):" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}
"$install_db" --user=mysql --datadir="$data" --skip-test-db --auth-root-authentication-method=socket >"$out" 2>&1 ||
  fail "mariadb-install-db failed"
: >"$out"
socket=/run/mysqld/kura-dump-load.sock
install -d -o mysql -g mysql /run/mysqld
"$server" --user=mysql --datadir="$data" --skip-networking --socket="$socket" --pid-file=/run/mysqld/kura-dump-load.pid \
  --skip-log-bin --log-error="$log" &
pid=$!
stop() {
  mariadb-admin --socket="$socket" shutdown 2>/dev/null || kill "$pid" 2>/dev/null || true
  wait "$pid" || true
}
i=0
until mariadb-admin --socket="$socket" ping >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
    stop
    fail "the server did not start on the fresh data directory"
  fi
  sleep 0.2
done
# The dump in two parts, each after the dump's header (its session settings): the mysql database's tables and views
# (the accounts, grants, the system tables and mysql.user as the old server made them: the state of its data
# directory), then the rest in the dump's order (the mysql database's events and routines, every other database).
# Between them mariadb-upgrade brings the old system tables to the installed server, as it does in place: the installed
# server cannot read an older mysql.proc (11.x: "Cannot load from mysql.proc"), so routines and events come after it.
work=$(mktemp -d)
awk -v head="$work/system.sql" -v rest="$work/rest.sql" '
  /^-- Current Database: `/ { phase = ($0 == "-- Current Database: `mysql`") ? "system" : "rest" }
  # The events and routines go on in the mysql database (its USE was in the first part).
  phase == "system" && /^-- Dumping (events|routines) for database / { phase = "rest"; print "USE `mysql`;" > rest }
  phase == "" { print > head; print > rest; next }
  phase == "system" { print > head; next }
  { print > rest }
' "$dump" || {
  stop
  fail "the dump could not be split"
}
load() {
  # As root over the socket (unix_socket): the fresh directory's root until FLUSH PRIVILEGES, then the dump's.
  mariadb --socket="$socket" --binary-mode --batch <"$1" >>"$out" 2>&1 || {
    status=$?
    stop
    fail "the mariadb client stopped loading the dump's $2 (status $status)"
  }
}
sql() {
  mariadb --socket="$socket" -N -B -e "$1" >>"$out" 2>&1 || {
    stop
    fail "$1 failed"
  }
}
upgrade() {
  mariadb-upgrade --socket="$socket" --force >>"$out" 2>&1 || {
    stop
    fail "mariadb-upgrade after the dump's $1 failed"
  }
}
# A MySQL dump's mysql.user is a table (MariaDB 10.4 and later made it a view of mysql.global_priv): mariadb-upgrade
# converts it, as in place.
sql "DROP VIEW IF EXISTS mysql.user"
load "$work/system.sql" "system tables"
upgrade "system tables"
load "$work/rest.sql" "databases"
# The loaded accounts replace the fresh directory's in the server (its grants were in memory until now).
sql "FLUSH PRIVILEGES"
rm -rf "$work"
databases=$(mariadb --socket="$socket" -N -B -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('information_schema','performance_schema','mysql','sys')")
accounts=$(mariadb --socket="$socket" -N -B -e "SELECT COUNT(*) FROM mysql.global_priv")
mariadb-admin --socket="$socket" shutdown || fail "the server did not shut down"
wait "$pid" || true
rm -f "$log" "$out" "$dump"
say "loaded: $databases database(s), $accounts account(s); $data holds $(cat "$data/mariadb_upgrade_info" "$data/mysql_upgrade_info" 2>/dev/null | head -n 1)"
