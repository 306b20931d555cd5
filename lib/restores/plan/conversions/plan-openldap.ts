// OpenLDAP across 2.4 -> 2.5 and later (issue 15): Debian's slapd maintainer scripts dump the configuration
// (cn=config) and every database with slapcat before such an upgrade and load them back with slapadd after it,
// converting what the new version dropped (back-bdb/hdb, the ppolicy schema); a rebuilt image never upgrades, so the
// archived /etc/ldap/slapd.d and /var/lib/ldap are restored as they were. No step converts them yet: the plan says
// so, naming the data at risk (a slapadd from the archive's slapcat capture is the next step). Pure.

import { emptyConversionPlan, type ConversionInput, type ConversionPlan } from "./types";
import { findCapture, hasEntriesUnder } from "./upgrade-rules";

const DATA = "/var/lib/ldap";
const series = (version: string | null | undefined) => (version ? (/^(?:\d+:)?(\d+\.\d+)/.exec(version)?.[1] ?? null) : null);

export function planOpenldap(input: ConversionInput): ConversionPlan | null {
  const fromVersion = input.archivedPackages.slapd ?? null;
  const from = series(fromVersion);
  if (!from || !(hasEntriesUnder(input.payloadEntries, DATA) || hasEntriesUnder(input.payloadEntries, "/etc/ldap/slapd.d"))) return null;
  const toVersion = input.newPackages.slapd ?? null;
  const to = series(toVersion);
  // Only the jump across 2.5 changes the formats (2.4 -> 2.5/2.6); the same series reads them as archived.
  if (to === null || from === to || !(Number(from) < 2.5 && Number(to) >= 2.5)) return null;
  const capture = findCapture(input.manifest, "slapcat");
  const plan = emptyConversionPlan();
  plan.conversions.push({
    id: "openldap-2.5",
    what: "OpenLDAP configuration (cn=config) and databases",
    data: DATA,
    package: "slapd",
    fromVersion,
    toVersion,
    method: capture
      ? `not converted: the archive has a slapcat capture (captures/${capture.name}), but no step loads it with slapadd yet`
      : "not converted: no step dumps and reloads them (Debian's slapd postinst does it with slapcat and slapadd on upgrade)",
    source: "none: no built-in upgrade rule covers OpenLDAP yet",
    status: "not-covered",
  });
  plan.warnings.push({
    kind: "other",
    message:
      `OpenLDAP ${from} -> ${to}: the directory in ${DATA} and the configuration in /etc/ldap/slapd.d are restored as archived, ` +
      "and no step converts them (Debian dumps them with slapcat and reloads them with slapadd across 2.5): their entries are " +
      `at risk if slapd ${to} refuses the old configuration. Check with slaptest and slapcat in the restored container` +
      (capture ? `, or load the archive's slapcat capture (captures/${capture.name}) with slapadd.` : "."),
  });
  return plan;
}
