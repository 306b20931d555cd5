// PostgreSQL across major versions (issue 15): a cluster's files are tied to its major version, and a rebuilt image
// never runs Debian's pg_upgradecluster. Each archived cluster (/var/lib/postgresql/OLD/NAME) is loaded into the new
// server's cluster of the same name, as pg_upgradecluster's dump method does:
// - from the archive's pg_dumpall capture (made while the container ran) when it has one;
// - else from a dump made in the build: a stage FROM the archived release installs postgresql-OLD from its own
//   repository (the only step on the build network), a second one, without network, starts that server on the
//   archived data directory and runs pg_dumpall. A dump rather than pg_upgrade: pg_upgrade needs the old and the new
//   binaries side by side in one system, and the old release's server does not run on the new release's libraries
//   (libicu, libssl); a dump is plain SQL both read, the same load as with a capture, and it checks every row.
// The new cluster takes the admin's settings from the archived one (postgresql-load.sh). Pure.

import { RESTORE_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan, type PlannedConversion } from "./types";
import { builtInVerdict, childFolders, findCapture, type UpgradeRule } from "./upgrade-rules";

export const POSTGRESQL_RULE: UpgradeRule = {
  id: "builtin-postgresql-major",
  package: "postgresql",
  fromVersions: "*",
  toVersions: "*",
  action: {
    kind: "upgrade",
    data: "/var/lib/postgresql",
    when: "build",
    run: ["/bin/sh /kura/postgresql-load.sh OLD_MAJOR CLUSTER DUMP (after /kura/postgresql-dump.sh in a stage of the old release)"],
  },
  note:
    "A PostgreSQL cluster's files are tied to its major version. Debian's pg_upgradecluster(1) (postgresql-common) " +
    "upgrades a cluster to a new major version with a dump of the old one loaded into a new cluster (its default method, " +
    "dump) and carries its configuration (postgresql.conf, pg_hba.conf, pg_ident.conf, start.conf) over; a rebuilt image " +
    "never runs it. Kura does the same in the build: the archive's pg_dumpall capture, or a pg_dumpall of the archived " +
    "data directory by the old release's own server, loaded with psql into the new cluster. " +
    "Source: https://manpages.debian.org/pg_upgradecluster",
  builtIn: true,
  enabled: true,
};

const SERVER_PACKAGE = /^postgresql-(\d+)$/;
const CLUSTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The archived server's major versions (postgresql-13 -> "13"), highest first. */
function serverMajors(packages: Readonly<Record<string, string | null>>): string[] {
  return Object.keys(packages)
    .flatMap((name) => SERVER_PACKAGE.exec(name)?.slice(1, 2) ?? [])
    .sort((a, b) => Number(b) - Number(a));
}

/**
 * The new server: its postgresql-NN package with a known version, else the metapackage's version ("17+278"); a major
 * of null when a server will be installed but its version is known only once it is (a plan before the packages stage).
 * Null: no PostgreSQL server in the new image.
 */
function newServer(packages: Readonly<Record<string, string | null>>): { major: string | null; version: string | null } | null {
  const known = serverMajors(packages).find((major) => packages[`postgresql-${major}`] != null);
  if (known) return { major: known, version: packages[`postgresql-${known}`] ?? null };
  const meta = packages.postgresql;
  const fromMeta = meta ? /^(?:\d+:)?(\d+)\+/.exec(meta)?.[1] : undefined;
  if (fromMeta) return { major: fromMeta, version: meta ?? null };
  const coming = serverMajors(packages).length > 0 || packages.postgresql !== undefined;
  return coming ? { major: null, version: null } : null;
}

/** "PostgreSQL 13.16" of `SELECT version()`'s "PostgreSQL 13.16 (Debian 13.16-0+deb11u1) on x86_64-pc-linux-gnu, compiled by …". */
function shortServerVersion(version: string): string {
  return /^PostgreSQL \S+/.exec(version)?.[0] ?? version;
}

export function planPostgresqlMajor(input: ConversionInput): ConversionPlan | null {
  const entries = input.payloadEntries;
  const plan = emptyConversionPlan();
  for (const oldMajor of serverMajors(input.archivedPackages)) {
    const dataRoot = `/var/lib/postgresql/${oldMajor}`;
    const clusters = childFolders(entries, dataRoot).filter((name) => CLUSTER_NAME.test(name));
    if (clusters.length === 0) continue;
    const fromVersion = input.archivedPackages[`postgresql-${oldMajor}`] ?? null;
    const next = newServer(input.newPackages);
    // The same major: the files are read as archived.
    if (next?.major === oldMajor) continue;
    const capture = findCapture(input.manifest, "postgresql-dumpall");
    const verdict = builtInVerdict(input.rules, POSTGRESQL_RULE, fromVersion ?? oldMajor, next?.version ?? null);
    for (const cluster of clusters) {
      const data = `${dataRoot}/${cluster}`;
      const toText = next?.major ? `PostgreSQL ${next.major}` : "the new PostgreSQL";
      const newCluster = next?.major
        ? `${next.major}/${cluster}`
        : `${cluster} of the installed server (its major is known once installed)`;
      const base: Omit<PlannedConversion, "method" | "status"> = {
        id: POSTGRESQL_RULE.id,
        what: `PostgreSQL cluster ${oldMajor}/${cluster}`,
        data,
        package: `postgresql-${oldMajor}`,
        fromVersion,
        toVersion: next?.version ?? next?.major ?? null,
        source: `built-in: ${POSTGRESQL_RULE.id} (Debian's pg_upgradecluster, dump method)`,
        replaces: [data, `/etc/postgresql/${oldMajor}/${cluster}`],
      };
      const atRisk = (why: string) => {
        plan.conversions.push({ ...base, method: `not converted: ${why}`, status: "not-covered" });
        plan.warnings.push({
          kind: "other",
          message:
            `PostgreSQL ${oldMajor} -> ${next?.major ?? "a new major version"}: the cluster ${data} (its roles, databases and rows) ` +
            `is restored as archived but ${toText} cannot read it, and no step converts it: ${why}.`,
        });
      };
      if (!next) {
        atRisk("no PostgreSQL server is installed in the new image");
        continue;
      }
      if (!verdict.ok) {
        atRisk(verdict.reason);
        continue;
      }
      const dump = `/kura/convert/postgresql-${oldMajor}-${cluster}.sql`;
      const carry = `the admin's settings carried from /etc/postgresql/${oldMajor}/${cluster} (changed postgresql.conf settings, pg_hba.conf, pg_ident.conf, start.conf)`;
      // A capture is of the whole server: it serves the first cluster (the one the service ran), each other one is dumped.
      if (capture && cluster === (clusters.includes("main") ? "main" : clusters[0])) {
        plan.finalLines.push(`COPY captures/${capture.name} ${dump}`);
        // The raw files are not read (the load script removes them): they stay out of the build.
        plan.skipPayload = [...(plan.skipPayload ?? []), data];
        plan.conversions.push({
          ...base,
          method: `load the archive's pg_dumpall capture (${shortServerVersion(capture.serverVersion) || capture.packageVersion}) into cluster ${newCluster} with psql, with ${carry}`,
          status: "planned",
        });
      } else if (input.oldReleaseImage) {
        const installStage = `kura-postgresql-${oldMajor}`;
        const dumpStage = `kura-postgresql-${oldMajor}-${cluster}-dump`;
        if (!plan.stages.some((stage) => stage.name === installStage))
          plan.stages.push({
            name: installStage,
            network: true,
            lines: [
              `# PostgreSQL ${oldMajor} from the archived release's repository, to read the archived cluster (issue 15).`,
              `FROM ${input.oldReleaseImage} AS ${installStage}`,
              `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- postgresql-${oldMajor} && rm -rf /var/lib/apt/lists/*`,
            ],
          });
        plan.stages.push({
          name: dumpStage,
          network: false,
          lines: [
            `# The archived cluster ${oldMajor}/${cluster} dumped by its own server (pg_dumpall), without network.`,
            `FROM ${installStage} AS ${dumpStage}`,
            "COPY kura/postgresql-dump.sh /kura/postgresql-dump.sh",
            `COPY --from=${RESTORE_STAGE} /kura/stage${data}/ /kura/convert/postgresql-${oldMajor}-${cluster}/`,
            `RUN ["/bin/sh", "/kura/postgresql-dump.sh", ${JSON.stringify(oldMajor)}, "/kura/convert/postgresql-${oldMajor}-${cluster}", ${JSON.stringify(dump)}]`,
          ],
        });
        plan.finalLines.push(`COPY --from=${dumpStage} ${dump} ${dump}`);
        plan.conversions.push({
          ...base,
          method:
            `dump the archived cluster with PostgreSQL ${oldMajor}'s own pg_dumpall (postgresql-${oldMajor} from ${input.oldReleaseImage}'s repository, ` +
            `in a build stage), then load it into cluster ${newCluster} with psql, with ${carry}`,
          status: "planned",
        });
      } else {
        atRisk(
          `the archive has no pg_dumpall capture (archive the container running), and the engine has no image of the archived release to run PostgreSQL ${oldMajor} from (pull it, e.g. debian:bullseye)`,
        );
        continue;
      }
      plan.finalLines.push(
        `RUN ["/bin/sh", "/kura/postgresql-load.sh", ${JSON.stringify(oldMajor)}, ${JSON.stringify(cluster)}, ${JSON.stringify(dump)}]`,
      );
    }
  }
  return plan.conversions.length ? plan : null;
}
