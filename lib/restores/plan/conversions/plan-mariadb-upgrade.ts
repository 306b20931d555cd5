// MariaDB across versions (issue 15): a data directory made by an older server needs the new server's upgrade step
// (the system tables' new columns, every table checked), which Debian runs from /etc/mysql/debian-start at the first
// start after a package upgrade; a rebuilt image never upgrades from anything. Two ways, both in the build, without
// network, the server started without networking (its socket only) and shut down cleanly:
// - in place (builtin-mariadb-upgrade): the archived data directory restored whole, then mariadb-upgrade. The raw
//   directory keeps everything as the server had it (accounts with their authentication plugins, grants, routines,
//   events), and MariaDB documents upgrading in place from ANY earlier MariaDB version to the latest one, and "mainly"
//   from MySQL before 8.0 (https://mariadb.com/kb/en/upgrading-between-major-mariadb-versions/).
// - the dump (builtin-mariadb-dump-load): the archive's mariadb-dump capture (--all-databases --routines --events, made
//   while the container ran) loaded with the mariadb client into a fresh data directory (mariadb-install-db): the mysql
//   database's tables first (the old server's system tables and accounts), brought to the new server by mariadb-upgrade,
//   then the routines, events and databases, then FLUSH PRIVILEGES (mariadb-dump-load.sh). The archived raw directory
//   is then not read: it stays out of the build.
// Which one, when the archive holds a data directory (/var/lib/mysql/mysql) and the series differ:
// 1. the dump, when the archive has a mariadb-dump capture (and builtin-mariadb-dump-load is on) and the in-place
//    upgrade does not cover the jump: the directory came from MySQL (mysql-server: MariaDB documents the in-place
//    upgrade only "mainly" for MySQL before 8.0, and MySQL 8.0's data dictionary is not one it reads), the new server
//    is older than the archived one (mariadb-upgrade does not downgrade), or the admin switched builtin-mariadb-upgrade
//    off or narrowed its range;
// 2. else in place, when builtin-mariadb-upgrade covers it (MariaDB of any earlier series; MySQL before 8.0 when there
//    is no capture);
// 3. else not covered: a warning naming the data at risk and why neither way applies (no server in the new image, no
//    capture, a rule switched off).
// Pure.

import { RESTORE_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan, type PlannedConversion } from "./types";
import { builtInVerdict, findCapture, hasEntriesUnder, type UpgradeRule } from "./upgrade-rules";

const UPGRADING = "https://mariadb.com/kb/en/upgrading-between-major-mariadb-versions/";

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

export const MARIADB_DUMP_RULE: UpgradeRule = {
  id: "builtin-mariadb-dump-load",
  package: "mariadb-server",
  fromVersions: "*",
  toVersions: "*",
  action: {
    kind: "upgrade",
    data: "/var/lib/mysql",
    when: "build",
    run: ["/bin/sh /kura/mariadb-dump-load.sh /var/lib/mysql CAPTURE (the archive's mariadb-dump output)"],
  },
  note:
    'MariaDB documents upgrading a data directory in place from any earlier MariaDB version, and only "mainly" from MySQL ' +
    `before 8.0 (${UPGRADING}); MySQL 8.0's data directory is not one MariaDB reads, and mariadb-upgrade does not ` +
    "downgrade. Then, and when the in-place rule builtin-mariadb-upgrade is switched off, Kura loads the archive's " +
    "mariadb-dump capture (--all-databases --routines --events, made while the container ran) with the mariadb client " +
    "into a fresh data directory (mariadb-install-db): the mysql system tables first, brought to the new server by " +
    "mariadb-upgrade, then the routines, events and databases, then FLUSH PRIVILEGES; in the build, with the server " +
    "started without networking and shut down cleanly.",
  builtIn: true,
  enabled: true,
};

const DATA = "/var/lib/mysql";
const DUMP = "/kura/convert/mariadb-dump.sql";
const NO_CAPTURE = "the archive has no mariadb-dump capture (archive the container running)";

/** major.minor of a Debian MariaDB or MySQL version ("1:10.5.29-0+deb11u1" -> "10.5"). */
const series = (version: string | null | undefined) => (version ? (/^(?:\d+:)?(\d+\.\d+)/.exec(version)?.[1] ?? null) : null);

/** Compares two "major.minor" series numerically. */
function compareSeries(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

type Server = { name: string; version: string | null; origin: "mariadb" | "mysql" };

/** The server's version in a package set: mariadb-server-10.5 (Debian <= 12), else mariadb-server / mariadb-server-core. */
function mariadbServer(packages: Readonly<Record<string, string | null>>): Server | null {
  const versioned = Object.keys(packages)
    .filter((name) => /^mariadb-server-\d+\.\d+$/.test(name))
    .sort()
    .at(-1);
  for (const name of [versioned, "mariadb-server", "mariadb-server-core"]) {
    if (name && packages[name] !== undefined) return { name, version: packages[name] ?? null, origin: "mariadb" };
  }
  return null;
}

/** A MySQL server (mysql-server-5.7, mysql-server, Oracle's mysql-community-server), when no MariaDB one is there. */
function mysqlServer(packages: Readonly<Record<string, string | null>>): Server | null {
  const versioned = Object.keys(packages)
    .filter((name) => /^mysql-server-\d+\.\d+$/.test(name))
    .sort()
    .at(-1);
  for (const name of [versioned, "mysql-server", "mysql-community-server"]) {
    if (name && packages[name]) return { name, version: packages[name] ?? null, origin: "mysql" };
  }
  return null;
}

/** Why the in-place upgrade cannot take this directory by MariaDB's documented limits; null when it can. */
function inPlaceLimit(archived: Server, from: string | null, to: string | null): string | null {
  if (archived.origin === "mysql" && from !== null && compareSeries(from, "8.0") >= 0)
    return `the data directory was made by MySQL ${from}, and MariaDB upgrades in place only from MySQL before 8.0 (${UPGRADING})`;
  if (archived.origin === "mariadb" && from !== null && to !== null && compareSeries(to, from) < 0)
    return `MariaDB ${to} is older than the archived ${from}, and mariadb-upgrade does not downgrade a data directory`;
  return null;
}

export function planMariadbUpgrade(input: ConversionInput): ConversionPlan | null {
  const archived = mariadbServer(input.archivedPackages) ?? mysqlServer(input.archivedPackages);
  if (!archived?.version || !hasEntriesUnder(input.payloadEntries, `${DATA}/mysql`)) return null;
  const next = mariadbServer(input.newPackages);
  const from = series(archived.version);
  const to = series(next?.version);
  // The same series (or unknown until the packages stage is built: then the plan is made again with the versions).
  if (archived.origin === "mariadb" && from !== null && to !== null && from === to) return null;
  const plan = emptyConversionPlan();
  const toVersion = next?.version ?? null;
  const fromText = `${archived.origin === "mysql" ? "MySQL" : "MariaDB"} ${from}`;
  const base: Omit<PlannedConversion, "id" | "method" | "source" | "status"> = {
    what: `${archived.origin === "mysql" ? "MySQL" : "MariaDB"} data directory ${DATA}`,
    data: DATA,
    package: archived.name,
    fromVersion: archived.version,
    toVersion,
    // Both ways rewrite the system tables and the InnoDB files: they differ from the archive on purpose.
    replaces: [DATA],
  };
  const capture = findCapture(input.manifest, "mariadb-dump");
  const inPlace = builtInVerdict(input.rules, MARIADB_RULE, archived.version, toVersion);
  const dump = builtInVerdict(input.rules, MARIADB_DUMP_RULE, archived.version, toVersion);
  const limit = inPlaceLimit(archived, from, to);
  // Why the directory is not upgraded in place (null: it can be).
  const whyNotInPlace = (): string | null => {
    if (!next) return "no MariaDB server is installed in the new image";
    if (limit) return limit;
    if (!inPlace.ok) return inPlace.reason;
    // MariaDB upgrades a MySQL directory in place only "mainly": the dump, when there is one, is the sure way.
    if (archived.origin === "mysql" && capture)
      return `the data directory was made by MySQL, which MariaDB upgrades in place only "mainly" (${UPGRADING})`;
    return null;
  };
  const noInPlace = whyNotInPlace();

  if (next && noInPlace !== null && capture && dump.ok) {
    plan.conversions.push({
      ...base,
      id: MARIADB_DUMP_RULE.id,
      method:
        `load the archive's mariadb-dump capture (${capture.serverVersion || capture.packageVersion}) with the mariadb client into a fresh ` +
        `data directory of MariaDB ${to ?? "(the installed version)"} (the mysql system tables first, brought to it by mariadb-upgrade, ` +
        `then the routines, events and databases, then FLUSH PRIVILEGES), in the build (the server started without networking, ` +
        `shut down cleanly); not in place: ${noInPlace}`,
      source: `built-in: ${MARIADB_DUMP_RULE.id} (the mariadb-dump capture loaded into a fresh directory)`,
      status: "planned",
    });
    plan.finalLines.push(`COPY captures/${capture.name} ${DUMP}`, `RUN ["/bin/sh", "/kura/mariadb-dump-load.sh", "${DATA}", "${DUMP}"]`);
    // The raw directory is not read: it stays out of the build context (the archive keeps it).
    plan.skipPayload = [DATA];
    return plan;
  }
  if (noInPlace === null) {
    plan.conversions.push({
      ...base,
      id: MARIADB_RULE.id,
      method: `restore the complete archived data directory, then run mariadb-upgrade with MariaDB ${to ?? "(the installed version)"} in the build (the server started without networking, shut down cleanly)`,
      source: `built-in: ${MARIADB_RULE.id} (mariadb-upgrade, as Debian's debian-start runs it)`,
      status: "planned",
    });
    // Exactly the archived directory: the copy over / laid it over the fresh one the new package made at install.
    plan.finalLines.push(
      `COPY --from=${RESTORE_STAGE} /kura/stage${DATA}/ /kura/convert/mariadb-data/`,
      `RUN ["/bin/sh", "/kura/mariadb-upgrade.sh", "${DATA}", "/kura/convert/mariadb-data"]`,
    );
    return plan;
  }
  // Why not the dump either (null: nothing to add, no server in the new image).
  const noDump = !next ? null : !capture ? NO_CAPTURE : dump.ok ? null : dump.reason;
  const why = noDump ? `${noInPlace}; ${noDump}` : noInPlace;
  plan.conversions.push({
    ...base,
    id: MARIADB_RULE.id,
    method: `not converted: ${why}`,
    source: `built-in: ${MARIADB_RULE.id} (mariadb-upgrade), ${MARIADB_DUMP_RULE.id} (the mariadb-dump capture)`,
    status: "not-covered",
  });
  plan.warnings.push({
    kind: "other",
    message: `${fromText} -> MariaDB ${to ?? "a new version"}: the data directory ${DATA} (its accounts, databases and rows) is restored as archived, but no step upgrades it: ${why}.`,
  });
  return plan;
}
