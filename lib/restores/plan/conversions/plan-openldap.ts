// OpenLDAP across 2.4 -> 2.5 and later (issue 15): slapd 2.5 dropped the bdb and hdb backends, made the ppolicy schema
// part of its overlay and changed what its configuration may say, so Debian's slapd maintainer scripts dump the
// configuration (cn=config) and every database with slapcat before such an upgrade and load them back with slapadd
// after it, converting the configuration on the way. A rebuilt image never upgrades, so Kura does the same in the build:
// - from the archive's slapcat capture (one LDIF per database, made while the container ran) when it has one;
// - else from dumps made in the build: a stage FROM the archived release installs its slapd from its own repository
//   (the only step on the build network), a second one, without network, runs slapcat on the archived
//   /etc/ldap/slapd.d and /var/lib/ldap (a 2.4 slapd reads its own bdb, hdb and mdb files).
// Then openldap-load.sh empties /etc/ldap/slapd.d and the databases' directories, converts the configuration
// (openldap-config.awk), loads it with slapadd -n 0 and each database with slapadd -n N, and checks it with slaptest. Pure.

import { RESTORE_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan, type PlannedConversion } from "./types";
import { builtInVerdict, findCaptures, hasEntriesUnder, type UpgradeRule } from "./upgrade-rules";

export const OPENLDAP_RULE: UpgradeRule = {
  id: "builtin-openldap-reload",
  package: "slapd",
  fromVersions: "< 2.5",
  toVersions: ">= 2.5",
  action: {
    kind: "upgrade",
    data: "/var/lib/ldap",
    when: "build",
    run: [
      "/bin/sh /kura/openldap-load.sh DUMPS (slapcat -n N of each database: the archive's capture, or /kura/openldap-dump.sh in a stage of the old release)",
    ],
  },
  note:
    "OpenLDAP 2.5 removed the bdb and hdb backends, implements the ppolicy schema in its overlay (the configured ppolicy " +
    "schema must be removed from a slapcat export of cn=config and the export imported again) and renamed olcMirrorMode " +
    "olcMultiProvider (OpenLDAP 2.5 Administrator's Guide, appendix B, https://www.openldap.org/doc/admin25/appendix-upgrading.html). " +
    "Debian's slapd maintainer scripts dump cn=config and every database with slapcat before such an upgrade and load " +
    "them with slapadd after it; a rebuilt image never upgrades. Kura does the same in the build: the archive's slapcat " +
    "capture, or slapcat run by the old release's own slapd on the archived files, the configuration converted " +
    "(bdb/hdb databases to mdb, the ppolicy schema removed), loaded with slapadd and checked with slaptest.",
  builtIn: true,
  enabled: true,
};

const DATA = "/var/lib/ldap";
const CONFIG = "/etc/ldap/slapd.d";
const DUMPS = "/kura/convert/openldap";
const CAPTURE_NAME = /^slapcat-(\d{1,3})\.ldif$/;

/** major.minor of a Debian slapd version ("2.4.57+dfsg-3+deb11u1" -> [2, 4]). */
function series(version: string | null | undefined): [number, number] | null {
  const match = version ? /^(?:\d+:)?(\d+)\.(\d+)/.exec(version) : null;
  return match ? [Number(match[1]), Number(match[2])] : null;
}
const before25 = ([major, minor]: [number, number]) => major < 2 || (major === 2 && minor < 5);
const text = (value: [number, number] | null) => (value ? value.join(".") : null);

export function planOpenldap(input: ConversionInput): ConversionPlan | null {
  const fromVersion = input.archivedPackages.slapd ?? null;
  const from = series(fromVersion);
  const hasData = hasEntriesUnder(input.payloadEntries, DATA);
  const hasConfig = hasEntriesUnder(input.payloadEntries, CONFIG);
  if (!from || !(hasData || hasConfig)) return null;
  // Only the jump across 2.5 changes the formats (2.4 -> 2.5/2.6); a later series reads them as archived.
  if (!before25(from)) return null;
  const installed = input.newPackages.slapd !== undefined;
  const toVersion = input.newPackages.slapd ?? null;
  const to = series(toVersion);
  // The same series (or another before 2.5): the files are read as archived. Unknown (a plan before the packages
  // stage, the version asked for later): planned, and the plan is made again with the version once it is installed.
  if (to && before25(to)) return null;
  const toText = text(to) ?? "2.5 or later";
  const plan = emptyConversionPlan();
  const base: Omit<PlannedConversion, "method" | "status"> = {
    id: OPENLDAP_RULE.id,
    what: "OpenLDAP configuration (cn=config) and databases",
    data: DATA,
    package: "slapd",
    fromVersion,
    toVersion,
    source: `built-in: ${OPENLDAP_RULE.id} (slapcat and slapadd, as Debian's slapd maintainer scripts do across 2.5)`,
    // Both are loaded again from the dumps: every file under them differs from the archive on purpose.
    replaces: [DATA, CONFIG],
  };
  const atRisk = (why: string) => {
    plan.conversions.push({ ...base, method: `not converted: ${why}`, status: "not-covered" });
    plan.warnings.push({
      kind: "other",
      message:
        `OpenLDAP ${text(from)} -> ${toText}: the directory in ${DATA} and the configuration in ${CONFIG} (its entries, ` +
        `their passwords and the server's settings) are restored as archived, but slapd ${toText} cannot load them as they are, ` +
        `and no step converts them: ${why}.`,
    });
    return plan;
  };
  if (!installed) return atRisk("no slapd is installed in the new image");
  const verdict = builtInVerdict(input.rules, OPENLDAP_RULE, fromVersion ?? text(from) ?? "", toVersion);
  if (!verdict.ok) return atRisk(verdict.reason);

  const captures = findCaptures(input.manifest, "slapcat").filter((capture) => CAPTURE_NAME.test(capture.name));
  const load = `load them with slapadd into slapd ${toText}, the configuration converted on the way (bdb and hdb databases to mdb, the ppolicy schema left to the overlay), then check it with slaptest`;
  if (captures.some((capture) => capture.name === "slapcat-0.ldif")) {
    const databases = captures.length - 1;
    plan.finalLines.push(`COPY ${captures.map((capture) => `captures/${capture.name}`).join(" ")} ${DUMPS}/`);
    // The raw files are not read (the load replaces them): they stay out of the build.
    plan.skipPayload = [DATA, CONFIG].filter((folder) => hasEntriesUnder(input.payloadEntries, folder));
    // slapd -VV's first line ("@(#) $OpenLDAP: slapd 2.4.57+dfsg-3+deb11u1 (May 14 2022 18:32:57) $"): its name and version.
    const first = captures[0];
    const server = /slapd \S+/.exec(first?.serverVersion ?? "")?.[0] ?? (first?.packageVersion ? `slapd ${first.packageVersion}` : "slapd");
    plan.conversions.push({
      ...base,
      method: `take the archive's slapcat capture (${server}: cn=config and ${databases} database(s)) and ${load}`,
      status: "planned",
    });
  } else if (input.oldReleaseImage && hasConfig) {
    const installStage = "kura-openldap-old";
    const dumpStage = "kura-openldap-dump";
    plan.stages.push(
      {
        name: installStage,
        network: true,
        lines: [
          `# slapd ${text(from)} from the archived release's repository, to read the archived configuration and databases (issue 15).`,
          `FROM ${input.oldReleaseImage} AS ${installStage}`,
          // Without a configuration of its own: the archived one is copied in by the next stage.
          `RUN echo "slapd slapd/no_configuration boolean true" | debconf-set-selections && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- slapd && rm -rf /var/lib/apt/lists/*`,
        ],
      },
      {
        name: dumpStage,
        network: false,
        lines: [
          "# The archived configuration and databases dumped by their own slapd (slapcat), without network.",
          `FROM ${installStage} AS ${dumpStage}`,
          "COPY kura/openldap-dump.sh /kura/openldap-dump.sh",
          `COPY --from=${RESTORE_STAGE} /kura/stage${CONFIG}/ ${CONFIG}/`,
          ...(hasData ? [`COPY --from=${RESTORE_STAGE} /kura/stage${DATA}/ ${DATA}/`] : []),
          `RUN ["/bin/sh", "/kura/openldap-dump.sh", "${CONFIG}", "${DUMPS}"]`,
        ],
      },
    );
    plan.finalLines.push(`COPY --from=${dumpStage} ${DUMPS}/ ${DUMPS}/`);
    plan.conversions.push({
      ...base,
      method:
        `dump the archived configuration and databases with slapd ${text(from)}'s own slapcat (slapd from ${input.oldReleaseImage}'s ` +
        `repository, in a build stage), then ${load}`,
      status: "planned",
    });
  } else {
    return atRisk(
      !hasConfig
        ? `the archive has no slapcat capture (archive the container running), and no ${CONFIG} to dump the databases with`
        : `the archive has no slapcat capture (archive the container running), and the engine has no image of the archived release to run slapd ${text(from)} from (pull it, e.g. debian:bullseye)`,
    );
  }
  plan.finalLines.push(`RUN ["/bin/sh", "/kura/openldap-load.sh", "${DUMPS}"]`);
  return plan;
}
