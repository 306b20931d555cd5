#!/bin/sh
# Kura (issue 15): load a PostgreSQL dump (pg_dumpall output) into the new version's cluster of the same name, as
# Debian's pg_upgradecluster does with its dump method. Runs in the image's last stage, without network, after the
# restored files are copied over /:
# - the newest installed server's cluster NEW/CLUSTER is made (pg_createcluster) when the packages did not make it;
# - it takes the admin's settings from the archived cluster's configuration: the postgresql.conf settings that differ
#   from the new cluster's and that the new server knows (appended: the last one wins), pg_hba.conf, pg_ident.conf,
#   start.conf;
# - the dump is loaded with psql (the superuser's "already exists" is the only error allowed);
# - the archived cluster's data and configuration go (the archive keeps them), so the init script starts NEW only.
# Usage: postgresql-load.sh OLD_MAJOR CLUSTER DUMP
set -eu
old=$1 cluster=$2 dump=$3
say() { printf 'kura postgresql load: %s\n' "$*"; }
new=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -name '[0-9]*' -exec basename {} \; 2>/dev/null | sort -n | tail -n 1)
if [ -z "$new" ] || [ ! -x "/usr/lib/postgresql/$new/bin/postgres" ]; then
  say "no PostgreSQL server is installed in the image"
  exit 1
fi
if [ "$new" = "$old" ]; then
  say "the image runs PostgreSQL $old already: nothing to convert"
  exit 0
fi
oldconf=/etc/postgresql/$old/$cluster
newconf=/etc/postgresql/$new/$cluster
if [ ! -f "$newconf/postgresql.conf" ]; then
  say "creating cluster $new/$cluster"
  pg_createcluster "$new" "$cluster"
fi
tab=$(printf '\t')
# "name<TAB>value" for each setting a postgresql.conf makes (a quoted value whole, a trailing comment dropped).
settings() {
  awk '
    /^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*(=|[ \t])/ {
      line = $0; sub(/^[ \t]*/, "", line)
      match(line, /^[A-Za-z_][A-Za-z0-9_.]*/); name = tolower(substr(line, 1, RLENGTH)); rest = substr(line, RLENGTH + 1)
      sub(/^[ \t]*=?[ \t]*/, "", rest)
      if (substr(rest, 1, 1) == "\047") {
        value = "\047"; i = 2
        while (i <= length(rest)) {
          c = substr(rest, i, 1); value = value c
          if (c == "\047") { if (substr(rest, i + 1, 1) == "\047") { value = value "\047"; i += 2; continue } break }
          i++
        }
      } else { value = rest; sub(/[ \t]*#.*$/, "", value); sub(/[ \t]+$/, "", value) }
      print name "\t" value
    }' "$1"
}
if [ -f "$oldconf/postgresql.conf" ]; then
  work=$(mktemp -d)
  su postgres -s /bin/sh -c "/usr/lib/postgresql/$new/bin/postgres --describe-config" | cut -f1 | tr '[:upper:]' '[:lower:]' | sort -u >"$work/known"
  settings "$oldconf/postgresql.conf" >"$work/old"
  settings "$newconf/postgresql.conf" >"$work/new"
  printf '\n# Carried by Kura from the archived cluster %s/%s (issue 15): its settings that differ from the above.\n' "$old" "$cluster" >"$work/carried"
  while IFS="$tab" read -r name value; do
    case "$name" in
      # What names the old cluster (its paths, its name) stays the new one's.
      data_directory | hba_file | ident_file | external_pid_file | cluster_name | include | include_dir | include_if_exists) continue ;;
    esac
    if ! grep -qx "$name" "$work/known"; then
      say "left out $name = $value: PostgreSQL $new does not know it"
      continue
    fi
    now=$(awk -F '\t' -v n="$name" '$1 == n { v = $2 } END { print v }' "$work/new")
    [ "$now" = "$value" ] && continue
    printf '%s = %s\n' "$name" "$value" >>"$work/carried"
    say "carried $name = $value (the new cluster's: ${now:-its default})"
  done <"$work/old"
  cat "$work/carried" >>"$newconf/postgresql.conf"
  rm -rf "$work"
  for file in pg_hba.conf pg_ident.conf start.conf; do
    [ -f "$oldconf/$file" ] || continue
    cat "$oldconf/$file" >"$newconf/$file"
    say "carried $file from $oldconf"
  done
fi
say "loading $dump ($(wc -c <"$dump") bytes) into cluster $new/$cluster"
chown postgres "$dump"
pg_ctlcluster "$new" "$cluster" start
port=$(sed -n 's/^[ \t]*port[ \t]*=[ \t]*\([0-9]*\).*/\1/p' "$newconf/postgresql.conf" | tail -n 1)
log=$(mktemp)
chmod 644 "$log"
status=0
su postgres -s /bin/sh -c "psql -X -q -p '${port:-5432}' -d postgres -v ON_ERROR_STOP=0 -f '$dump'" >"$log" 2>&1 || status=$?
cat "$log"
# The errors a pg_dumpall output gives on a fresh cluster: its superuser exists already, and (with --clean) the
# superuser the load runs as cannot be dropped.
errors=$(grep -E 'ERROR:' "$log" | grep -c -v -E 'role "[^"]+" already exists|current user cannot be dropped' || true)
rm -f "$log"
pg_ctlcluster "$new" "$cluster" stop
if [ "$status" != 0 ] || [ "$errors" != 0 ]; then
  say "psql ended with status $status and $errors error(s): the load is incomplete"
  exit 1
fi
# The archived cluster goes (the archive keeps it): the init script would try to start it, and its server is not here.
# Their empty parent folders stay (archived entries of their own; pg_lsclusters finds no cluster in them).
rm -rf "/var/lib/postgresql/$old/$cluster" "$oldconf"
rm -f "$dump"
say "cluster $old/$cluster is now cluster $new/$cluster"
