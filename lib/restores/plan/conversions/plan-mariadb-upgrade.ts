// MariaDB across versions (issue 15): a data directory made by an older server needs the new server's upgrade step
// (the system tables' new columns, every table checked), which Debian runs from /etc/mysql/debian-start at the first
// start after a package upgrade; a rebuilt image never upgrades from anything. The archived data directory is restored
// whole and mariadb-upgrade runs in the build (mariadbd started without networking, upgraded, shut down cleanly, so the
// first start finds a clean InnoDB log in the new format).
// The upgrade rather than a dump loaded into a fresh directory: the raw directory keeps everything as the server had it
// (accounts with their authentication plugins, grants, routines, events), MariaDB supports reading data directories of
// older versions with mariadb-upgrade, and the issue's own check (10.5 -> 11.8) served the rows after it. Pure.

import { RESTORE_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan } from "./types";
import { builtInVerdict, hasEntriesUnder, type UpgradeRule } from "./upgrade-rules";

export const MARIADB_RULE: UpgradeRule = {
  id: "builtin-mariadb-upgrade",
  package: "mariadb-server",
  fromVersions: "*",
  toVersions: "*",
  action: {
    kind: "upgrade",
    data: "/var/lib/mysql",
    when: "build",
    run: ["/bin/sh /kura/mariadb-upgrade.sh /var/lib/mysql ARCHIVED_COPY"],
  },
  note:
    "A MariaDB data directory made by an older server needs mariadb-upgrade (formerly mysql_upgrade) with the new one: it " +
    "updates the mysql system tables and checks every table (MariaDB's documentation: https://mariadb.com/kb/en/mariadb-upgrade/). " +
    "Debian runs it from /etc/mysql/debian-start when the service starts after a package upgrade; a rebuilt image never " +
    "upgrades, so Kura runs it in the build, with the server started without networking and shut down cleanly.",
  builtIn: true,
  enabled: true,
};

const DATA = "/var/lib/mysql";

/** major.minor of a Debian MariaDB version ("1:10.5.29-0+deb11u1" -> "10.5"). */
const series = (version: string | null | undefined) => (version ? (/^(?:\d+:)?(\d+\.\d+)/.exec(version)?.[1] ?? null) : null);

/** The server's version in a package set: mariadb-server-10.5 (Debian <= 12), else mariadb-server / mariadb-server-core. */
function serverVersion(packages: Readonly<Record<string, string | null>>): { name: string; version: string | null } | null {
  const versioned = Object.keys(packages)
    .filter((name) => /^mariadb-server-\d+\.\d+$/.test(name))
    .sort()
    .at(-1);
  for (const name of [versioned, "mariadb-server", "mariadb-server-core"]) {
    if (name && packages[name] !== undefined) return { name, version: packages[name] ?? null };
  }
  return null;
}

export function planMariadbUpgrade(input: ConversionInput): ConversionPlan | null {
  const archived = serverVersion(input.archivedPackages);
  if (!archived?.version || !hasEntriesUnder(input.payloadEntries, `${DATA}/mysql`)) return null;
  const next = serverVersion(input.newPackages);
  const from = series(archived.version);
  const to = series(next?.version);
  // The same series (or unknown until the packages stage is built: then the plan is made again with the versions).
  if (from !== null && to !== null && from === to) return null;
  const plan = emptyConversionPlan();
  const base = {
    id: MARIADB_RULE.id,
    what: `MariaDB data directory ${DATA}`,
    data: DATA,
    package: archived.name,
    fromVersion: archived.version,
    toVersion: next?.version ?? null,
    source: `built-in: ${MARIADB_RULE.id} (mariadb-upgrade, as Debian's debian-start runs it)`,
    // The upgrade rewrites the system tables and the InnoDB files: they differ from the archive on purpose.
    replaces: [DATA],
  };
  const verdict = builtInVerdict(input.rules, MARIADB_RULE, archived.version, next?.version ?? null);
  if (!next || !verdict.ok) {
    const why = next ? (verdict.ok ? "" : verdict.reason) : "no MariaDB server is installed in the new image";
    plan.conversions.push({ ...base, method: `not converted: ${why}`, status: "not-covered" });
    plan.warnings.push({
      kind: "other",
      message: `MariaDB ${from} -> ${to ?? "a new version"}: the data directory ${DATA} (its accounts, databases and rows) is restored as archived, but no step upgrades it: ${why}.`,
    });
    return plan;
  }
  plan.conversions.push({
    ...base,
    method: `restore the complete archived data directory, then run mariadb-upgrade with MariaDB ${to ?? "(the installed version)"} in the build (the server started without networking, shut down cleanly)`,
    status: "planned",
  });
  // Exactly the archived directory: the copy over / laid it over the fresh one the new package made at install.
  plan.finalLines.push(
    `COPY --from=${RESTORE_STAGE} /kura/stage${DATA}/ /kura/convert/mariadb-data/`,
    `RUN ["/bin/sh", "/kura/mariadb-upgrade.sh", "${DATA}", "/kura/convert/mariadb-data"]`,
  );
  return plan;
}
