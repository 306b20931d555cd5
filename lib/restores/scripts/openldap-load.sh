#!/bin/sh
# Kura (issue 15): load an OpenLDAP configuration and its databases from slapcat output into the installed slapd, as
# Debian's slapd maintainer scripts do across 2.5 (slapcat of cn=config and of every database before the upgrade,
# slapadd after it). Runs in the image's last stage, without network, after the restored files are copied over /:
# - the configuration dump (slapcat-0.ldif, cn=config) is made what this slapd reads (openldap-config.awk: bdb and hdb
#   databases become mdb, the ppolicy schema goes, modules this slapd has built in are not loaded);
# - /etc/ldap/slapd.d is emptied, and so are the databases' directories (olcDbDirectory) of their database files:
#   what the new package made there at install, or the archived files, are replaced by the load;
# - slapadd -n 0 loads the configuration, slapadd -n N each database's dump (slapcat-N.ldif);
# - slaptest checks the result: a configuration this slapd refuses fails the build here, in its own words;
# - the files are the openldap user's, as the package leaves them.
# Usage: openldap-load.sh DUMPS_FOLDER
set -eu
dumps=$1
conf=/etc/ldap/slapd.d
say() { printf 'kura openldap load: %s\n' "$*"; }
fail() {
  say "$*"
  exit 1
}
command -v slapadd >/dev/null 2>&1 || fail "no slapd is installed in the image (slapadd is missing)"
[ -s "$dumps/slapcat-0.ldif" ] || fail "$dumps holds no configuration dump (slapcat-0.ldif, slapcat -n 0)"
version=$(slapd -VV 2>&1 | sed -n 's/^.*slapd \([0-9][^ ]*\).*$/\1/p' | head -n 1)
say "slapd ${version:-(version unknown)}: loading the dumps in $dumps"
# The modules this slapd has built in ("Included static overlays:" and "...backends:" of slapd -VVV, one per line).
builtin=$(slapd -VVV 2>&1 | awk '/^Included static/ { on = 1; next } on && NF == 1 { print $1; next } { on = 0 }' | tr '\n' ' ')
awk -v builtin="$builtin" -f /kura/openldap-config.awk "$dumps/slapcat-0.ldif" >"$dumps/config.ldif"
# The databases' directories, as the converted configuration names them (absolute paths only, never /).
sed -n 's/^olcDbDirectory: *//p' "$dumps/config.ldif" | sort -u >"$dumps/directories"
while IFS= read -r dir; do
  case $dir in
    / | *..* | [!/]*) fail "the configuration names the database directory '$dir', which Kura does not empty" ;;
  esac
  mkdir -p "$dir"
  find "$dir" -mindepth 1 -maxdepth 1 \( -name data.mdb -o -name lock.mdb -o -name '__db.*' -o -name '*.bdb' \
    -o -name 'log.[0-9]*' -o -name alock -o -name DB_CONFIG \) -exec rm -f {} +
done <"$dumps/directories"
rm -rf "$conf"
install -d -m 0755 "$conf"
if ! slapadd -F "$conf" -n 0 -l "$dumps/config.ldif"; then
  fail "slapadd refused the configuration (cn=config, above): slapd $version cannot load the archived configuration as converted"
fi
say "configuration loaded: $(grep -c '^dn:' "$dumps/config.ldif") entries"
for dump in "$dumps"/slapcat-*.ldif; do
  n=${dump##*/slapcat-}
  n=${n%.ldif}
  case $n in
    0 | *[!0-9]*) continue ;;
  esac
  entries=$(grep -c '^dn:' "$dump" || true)
  slapadd -F "$conf" -n "$n" -l "$dump" || fail "slapadd of database $n ($dump, $entries entries) failed (above)"
  say "database $n loaded: $entries entries"
done
# slaptest opens the pid and args files: their folders are made as the init script makes them at start, and what
# slaptest writes there goes again. -u: the databases were just written by slapadd, the configuration is what is checked.
sed -n 's/^olcPidFile: *//p; s/^olcArgsFile: *//p' "$dumps/config.ldif" | while IFS= read -r file; do
  [ -e "$file" ] && continue
  install -d -o openldap -g openldap "$(dirname "$file")"
  printf '%s\n' "$file" >>"$dumps/written"
done
status=0
slaptest -u -F "$conf" || status=$?
if [ -f "$dumps/written" ]; then
  while IFS= read -r file; do rm -f "$file"; done <"$dumps/written"
fi
[ "$status" = 0 ] || fail "slaptest refuses the loaded configuration (above): slapd $version would not start on it"
chown -R openldap:openldap "$conf"
while IFS= read -r dir; do
  chown -R openldap:openldap "$dir"
done <"$dumps/directories"
rm -rf "$dumps"
say "slapd $version has the archived configuration and databases"
