#!/bin/sh
# Kura (issue 15): dump an archived OpenLDAP configuration and its databases with the slapd of their own version, as
# Debian's slapd maintainer scripts do before an upgrade across 2.5. Runs in a build stage FROM the archived release
# with its slapd (installed without a configuration of its own), without network, the archived /etc/ldap/slapd.d and
# database directories copied to their places: slapcat -n 0 (cn=config), then slapcat -n N for each mdb, hdb or bdb
# database the configuration names, one LDIF each (slapcat-N.ldif, as the archive's capture names them).
# Usage: openldap-dump.sh CONFIG_DIRECTORY OUTPUT_FOLDER
set -eu
conf=$1 out=$2
say() { printf 'kura openldap dump: %s\n' "$*"; }
fail() {
  say "$*"
  exit 1
}
command -v slapcat >/dev/null 2>&1 || fail "no slapd in this stage (slapcat is missing)"
[ -d "$conf/cn=config" ] || fail "$conf holds no OpenLDAP configuration (no cn=config folder)"
mkdir -p "$out"
say "slapd: $(slapd -VV 2>&1 | sed -n 's/^.*\(slapd [0-9][^ ]*\).*$/\1/p' | head -n 1)"
slapcat -F "$conf" -n 0 -l "$out/slapcat-0.ldif" || fail "slapcat could not read the configuration in $conf (above)"
say "configuration (cn=config): $(grep -c '^dn:' "$out/slapcat-0.ldif") entries"
sed -n 's/^olcDatabase: {\([0-9]\{1,3\}\)}\(mdb\|hdb\|bdb\)$/\1/p' "$out/slapcat-0.ldif" >"$out/databases"
while IFS= read -r n; do
  slapcat -F "$conf" -n "$n" -l "$out/slapcat-$n.ldif" || fail "slapcat could not read database $n (above)"
  say "database $n: $(grep -c '^dn:' "$out/slapcat-$n.ldif" || true) entries"
done <"$out/databases"
rm -f "$out/databases"
