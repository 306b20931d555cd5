#!/bin/sh
# Kura (issue 15): dump an archived PostgreSQL cluster with the server of its own version. Runs in a build stage FROM
# the archived release with postgresql-OLD from that release's repository, without network: starts that server on
# the archived data directory (Unix socket only, trust for the local superuser, in a throw-away configuration: the
# archived one stays untouched), writes pg_dumpall's output, stops the server cleanly.
# Usage: postgresql-dump.sh OLD_MAJOR DATA_DIRECTORY OUTPUT
set -eu
old=$1 data=$2 out=$3
bin=/usr/lib/postgresql/$old/bin
say() { printf 'kura postgresql dump: %s\n' "$*"; }
[ -x "$bin/postgres" ] || { say "no PostgreSQL $old server in this stage ($bin/postgres)"; exit 1; }
[ -f "$data/PG_VERSION" ] || { say "$data holds no PostgreSQL cluster (no PG_VERSION)"; exit 1; }
say "cluster $data is PostgreSQL $(cat "$data/PG_VERSION"); server: $("$bin/postgres" --version)"
# What a server writes at run time may not be archived: the folders it needs, empty.
for sub in pg_commit_ts pg_dynshmem pg_logical/mappings pg_logical/snapshots pg_notify pg_replslot pg_serial pg_snapshots \
  pg_stat pg_stat_tmp pg_subtrans pg_tblspc pg_twophase pg_wal/archive_status; do
  mkdir -p "$data/$sub"
done
rm -f "$data/postmaster.pid"
conf=/kura/convert/postgresql-old-conf
run=/kura/convert/postgresql-run
mkdir -p "$conf" "$run"
printf '%s\n' "listen_addresses = ''" "unix_socket_directories = '$run'" "hba_file = '$conf/pg_hba.conf'" \
  "ident_file = '$conf/pg_ident.conf'" "max_connections = 20" "shared_buffers = 32MB" >"$conf/postgresql.conf"
echo "local all all trust" >"$conf/pg_hba.conf"
: >"$conf/pg_ident.conf"
chown -R postgres:postgres "$data" "$conf" "$run"
chmod 700 "$data"
log=/kura/convert/postgresql-old-server.log
touch "$log" "$out"
chown postgres "$log" "$out"
if ! su postgres -s /bin/sh -c "$bin/pg_ctl -D '$data' -o '-c config_file=$conf/postgresql.conf' -l '$log' -w -t 300 start"; then
  cat "$log"
  say "the PostgreSQL $old server did not start on the archived cluster"
  exit 1
fi
# The cluster's superuser is the role with oid 10 (the one initdb made), whatever its name.
superuser=$(su postgres -s /bin/sh -c "$bin/psql -X -At -h '$run' -d template1 -c 'SELECT rolname FROM pg_roles WHERE oid = 10'")
say "dumping every role and database as $superuser"
status=0
su postgres -s /bin/sh -c "$bin/pg_dumpall -h '$run' -U '$superuser' -f '$out'" || status=$?
su postgres -s /bin/sh -c "$bin/pg_ctl -D '$data' -m fast -w stop"
cat "$log"
[ "$status" = 0 ] || { say "pg_dumpall failed (status $status)"; exit 1; }
say "wrote $out ($(wc -c <"$out") bytes): $(grep -c '^CREATE ROLE' "$out" || true) role(s), $(grep -c '^CREATE DATABASE' "$out" || true) database(s)"
