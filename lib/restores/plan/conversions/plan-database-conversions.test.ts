import { describe, expect, it } from "vitest";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { planConversions } from "./plan-conversions";
import { planMariadbUpgrade } from "./plan-mariadb-upgrade";
import { planPostgresqlMajor } from "./plan-postgresql-major";
import { planUpgradeRules } from "./plan-upgrade-rules";
import type { ConversionInput } from "./types";

// Debian 11 -> 13 versions, as apt has them.
const PG13 = "13.16-0+deb11u1";
const PG17 = "17.6-0+deb13u1";
const MARIADB_105 = "1:10.5.29-0+deb11u1";
const MARIADB_118 = "1:11.8.3-0+deb13u1";

const pgEntries = [
  makeEntry("/etc/postgresql/13/main/postgresql.conf", "file"),
  makeEntry("/var/lib/postgresql/13/main", "dir"),
  makeEntry("/var/lib/postgresql/13/main/PG_VERSION", "file"),
  makeEntry("/var/lib/postgresql/13/main/base/1/1259", "file"),
];
const mariadbEntries = [makeEntry("/var/lib/mysql", "dir"), makeEntry("/var/lib/mysql/mysql/user.MAD", "file")];

function input(extra: Partial<ConversionInput> = {}): ConversionInput {
  const manifest = makeManifest({ entries: [...pgEntries, ...mariadbEntries] });
  return {
    manifest,
    payloadEntries: manifest.entries,
    archivedPackages: { postgresql: "13+225", "postgresql-13": PG13, "mariadb-server-10.5": MARIADB_105 },
    newPackages: { postgresql: "17+278", "postgresql-17": PG17, "mariadb-server": MARIADB_118 },
    stage: null,
    baseImage: "debian:trixie",
    oldReleaseImage: "debian:bullseye",
    ...extra,
  };
}

const capture = {
  recipe: "postgresql-dumpall",
  service: "PostgreSQL",
  package: "postgresql-13",
  packageVersion: PG13,
  serverVersion: "PostgreSQL 13.16 (Debian 13.16-0+deb11u1)",
  argv: ["pg_dumpall"],
  user: "postgres",
  format: "sql",
  name: "postgresql-dumpall.sql",
  sha256: "a".repeat(64),
  size: 1000,
  startedAt: "2026-12-03T12:00:00.000Z",
  finishedAt: "2026-12-03T12:00:01.000Z",
};

describe("planPostgresqlMajor", () => {
  it("without a capture: the old server from the old release's repository (network stage) dumps the cluster, 17 loads it", () => {
    const plan = planPostgresqlMajor(input());
    expect(plan?.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-postgresql-major",
        what: "PostgreSQL cluster 13/main",
        data: "/var/lib/postgresql/13/main",
        package: "postgresql-13",
        fromVersion: PG13,
        toVersion: PG17,
        status: "planned",
        replaces: ["/var/lib/postgresql/13/main", "/etc/postgresql/13/main"],
      }),
    ]);
    expect(plan?.conversions[0]?.method).toMatch(/pg_dumpall .*debian:bullseye.*cluster 17\/main/);
    expect(plan?.stages.map((stage) => [stage.name, stage.network])).toEqual([
      ["kura-postgresql-13", true],
      ["kura-postgresql-13-main-dump", false],
    ]);
    expect(plan?.stages[0]?.lines).toContain("FROM debian:bullseye AS kura-postgresql-13");
    expect(plan?.stages[0]?.lines.join("\n")).toMatch(/apt-get install .* postgresql-13 /);
    // The dump stage reads the archived files as the restore stage staged them, never the raw folder at 17/main.
    expect(plan?.stages[1]?.lines).toContain(
      "COPY --from=kura-restore /kura/stage/var/lib/postgresql/13/main/ /kura/convert/postgresql-13-main/",
    );
    expect(plan?.finalLines).toEqual([
      "COPY --from=kura-postgresql-13-main-dump /kura/convert/postgresql-13-main.sql /kura/convert/postgresql-13-main.sql",
      'RUN ["/bin/sh", "/kura/postgresql-load.sh", "13", "main", "/kura/convert/postgresql-13-main.sql"]',
    ]);
    expect(plan?.warnings).toEqual([]);
  });

  it("with the archive's pg_dumpall capture: loads it, no old-release stage", () => {
    const plan = planPostgresqlMajor(input({ manifest: { ...makeManifest({ entries: pgEntries }), captures: [capture] } as never }));
    expect(plan?.stages).toEqual([]);
    expect(plan?.finalLines).toEqual([
      "COPY captures/postgresql-dumpall.sql /kura/convert/postgresql-13-main.sql",
      'RUN ["/bin/sh", "/kura/postgresql-load.sh", "13", "main", "/kura/convert/postgresql-13-main.sql"]',
    ]);
    expect(plan?.conversions[0]?.method).toMatch(/capture \(PostgreSQL 13\.16/);
    // The raw cluster is not read: it stays out of the build context.
    expect(plan?.skipPayload).toEqual(["/var/lib/postgresql/13/main"]);
  });

  it("before the packages are installed, finds the new major from the metapackage", () => {
    const plan = planPostgresqlMajor(input({ newPackages: { postgresql: "17+278" } }));
    expect(plan?.conversions[0]).toMatchObject({ status: "planned", toVersion: "17+278" });
  });

  it("a jump no step covers is a warning naming the data at risk: no capture and no old release image", () => {
    const plan = planPostgresqlMajor(input({ oldReleaseImage: null }));
    expect(plan?.conversions[0]).toMatchObject({ status: "not-covered" });
    expect(plan?.stages).toEqual([]);
    expect(plan?.finalLines).toEqual([]);
    expect(plan?.warnings[0]?.message).toMatch(
      /^PostgreSQL 13 -> 17: the cluster \/var\/lib\/postgresql\/13\/main \(its roles, databases and rows\) .* no step converts it: .*no pg_dumpall capture/,
    );
  });

  it("the built-in rule switched off: not covered, with a warning", () => {
    const rules: MigrationRule[] = BUILTIN_MIGRATION_RULES.map((rule) =>
      rule.id === "builtin-postgresql-major" ? { ...rule, enabled: false } : rule,
    );
    const plan = planPostgresqlMajor(input({ rules }));
    expect(plan?.conversions[0]?.status).toBe("not-covered");
    expect(plan?.warnings[0]?.message).toMatch(/switched off/);
  });

  it("before the packages are installed and their versions are asked: planned into the installed server's cluster", () => {
    const plan = planPostgresqlMajor(input({ newPackages: { postgresql: null, "postgresql-13": null } }));
    expect(plan?.conversions[0]).toMatchObject({ status: "planned", toVersion: null });
    expect(plan?.conversions[0]?.method).toMatch(/into cluster main of the installed server/);
  });

  it("nothing to convert: the same major, or no cluster archived", () => {
    expect(planPostgresqlMajor(input({ newPackages: { "postgresql-13": PG13 } }))).toBeNull();
    expect(planPostgresqlMajor(input({ payloadEntries: mariadbEntries }))).toBeNull();
  });
});

describe("planMariadbUpgrade", () => {
  it("10.5 -> 11.8: the archived directory replaces the fresh one, mariadb-upgrade runs in the build", () => {
    const plan = planMariadbUpgrade(input());
    expect(plan?.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-mariadb-upgrade",
        data: "/var/lib/mysql",
        package: "mariadb-server-10.5",
        fromVersion: MARIADB_105,
        toVersion: MARIADB_118,
        status: "planned",
        replaces: ["/var/lib/mysql"],
      }),
    ]);
    expect(plan?.finalLines).toEqual([
      "COPY --from=kura-restore /kura/stage/var/lib/mysql/ /kura/convert/mariadb-data/",
      'RUN ["/bin/sh", "/kura/mariadb-upgrade.sh", "/var/lib/mysql", "/kura/convert/mariadb-data"]',
    ]);
    expect(plan?.stages).toEqual([]);
  });

  const dumpCapture = {
    ...capture,
    recipe: "mariadb-dump",
    service: "MariaDB/MySQL",
    package: "mariadb-server-10.5",
    packageVersion: MARIADB_105,
    serverVersion: "10.5.29-MariaDB-0+deb11u1",
    argv: ["sh", "-c", "...", "dump", "mariadb-dump mysqldump", "--all-databases", "--routines", "--events", "--single-transaction"],
    user: "root",
    name: "mariadb-dump.sql",
  };
  const withCapture = (extra: Partial<ConversionInput> = {}) =>
    input({ manifest: { ...makeManifest({ entries: mariadbEntries }), captures: [dumpCapture] } as never, ...extra });
  const switchedOff = (...ids: string[]): MigrationRule[] =>
    BUILTIN_MIGRATION_RULES.map((rule) => (ids.includes(rule.id) ? { ...rule, enabled: false } : rule));
  const DUMP_LINES = [
    "COPY captures/mariadb-dump.sql /kura/convert/mariadb-dump.sql",
    'RUN ["/bin/sh", "/kura/mariadb-dump-load.sh", "/var/lib/mysql", "/kura/convert/mariadb-dump.sql"]',
  ];

  it("in place by default, even with a mariadb-dump capture: MariaDB upgrades any earlier MariaDB directory", () => {
    const plan = planMariadbUpgrade(withCapture({ rules: BUILTIN_MIGRATION_RULES }));
    expect(plan?.conversions.map((item) => [item.id, item.status])).toEqual([["builtin-mariadb-upgrade", "planned"]]);
    expect(plan?.finalLines[1]).toContain("/kura/mariadb-upgrade.sh");
    expect(plan?.skipPayload).toBeUndefined();
  });

  it("the in-place rule switched off and a capture: the dump is loaded into a fresh directory, the raw one left out", () => {
    const plan = planMariadbUpgrade(withCapture({ rules: switchedOff("builtin-mariadb-upgrade") }));
    expect(plan?.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-mariadb-dump-load",
        data: "/var/lib/mysql",
        package: "mariadb-server-10.5",
        fromVersion: MARIADB_105,
        toVersion: MARIADB_118,
        status: "planned",
        replaces: ["/var/lib/mysql"],
      }),
    ]);
    expect(plan?.conversions[0]?.method).toMatch(
      /^load the archive's mariadb-dump capture \(10\.5\.29-MariaDB.*fresh data directory of MariaDB 11\.8.*not in place: the built-in upgrade rule builtin-mariadb-upgrade is switched off$/,
    );
    expect(plan?.finalLines).toEqual(DUMP_LINES);
    expect(plan?.skipPayload).toEqual(["/var/lib/mysql"]);
    expect(plan?.warnings).toEqual([]);
  });

  it("a MySQL data directory with a capture: the dump; without one: in place before MySQL 8.0, not covered from 8.0", () => {
    const mysql57 = { archivedPackages: { "mysql-server-5.7": "5.7.42-1" } };
    const dumpPlan = planMariadbUpgrade(withCapture(mysql57));
    expect(dumpPlan?.conversions[0]).toMatchObject({ id: "builtin-mariadb-dump-load", package: "mysql-server-5.7", status: "planned" });
    expect(dumpPlan?.conversions[0]?.method).toMatch(/not in place: the data directory was made by MySQL/);
    expect(dumpPlan?.finalLines).toEqual(DUMP_LINES);
    expect(planMariadbUpgrade(input(mysql57))?.conversions[0]).toMatchObject({ id: "builtin-mariadb-upgrade", status: "planned" });
    const mysql80 = planMariadbUpgrade(input({ archivedPackages: { "mysql-server-8.0": "8.0.36-1" } }));
    expect(mysql80?.conversions[0]).toMatchObject({ status: "not-covered" });
    expect(mysql80?.warnings[0]?.message).toMatch(
      /^MySQL 8\.0 -> MariaDB 11\.8: the data directory \/var\/lib\/mysql \(its accounts, databases and rows\) .*only from MySQL before 8\.0 .*no mariadb-dump capture/,
    );
    expect(planMariadbUpgrade(withCapture({ archivedPackages: { "mysql-server-8.0": "8.0.36-1" } }))?.finalLines).toEqual(DUMP_LINES);
  });

  it("a newer archived server than the new one: the dump when captured (mariadb-upgrade does not downgrade)", () => {
    const newer = { archivedPackages: { "mariadb-server": "1:11.8.3-0+deb13u1" }, newPackages: { "mariadb-server-10.5": MARIADB_105 } };
    expect(planMariadbUpgrade(withCapture(newer))?.conversions[0]?.method).toMatch(/does not downgrade/);
    expect(planMariadbUpgrade(input(newer))?.conversions[0]?.status).toBe("not-covered");
  });

  it("the in-place rule off and no capture, or both rules off: not covered, a warning naming the data at risk and why", () => {
    const noCapture = planMariadbUpgrade(input({ rules: switchedOff("builtin-mariadb-upgrade") }));
    expect(noCapture?.conversions[0]).toMatchObject({ id: "builtin-mariadb-upgrade", status: "not-covered" });
    expect(noCapture?.finalLines).toEqual([]);
    expect(noCapture?.skipPayload).toBeUndefined();
    expect(noCapture?.warnings[0]?.message).toMatch(
      /^MariaDB 10\.5 -> MariaDB 11\.8: the data directory \/var\/lib\/mysql \(its accounts, databases and rows\) is restored as archived, but no step upgrades it: the built-in upgrade rule builtin-mariadb-upgrade is switched off; the archive has no mariadb-dump capture/,
    );
    const bothOff = planMariadbUpgrade(withCapture({ rules: switchedOff("builtin-mariadb-upgrade", "builtin-mariadb-dump-load") }));
    expect(bothOff?.conversions[0]?.status).toBe("not-covered");
    expect(bothOff?.warnings[0]?.message).toMatch(/builtin-mariadb-dump-load is switched off/);
  });

  it("the same series needs nothing; no server in the new image is a warning", () => {
    expect(planMariadbUpgrade(input({ newPackages: { "mariadb-server-10.5": MARIADB_105 } }))).toBeNull();
    const plan = planMariadbUpgrade(input({ newPackages: {} }));
    expect(plan?.conversions[0]?.status).toBe("not-covered");
    expect(plan?.warnings[0]?.message).toMatch(/the data directory \/var\/lib\/mysql \(its accounts, databases and rows\)/);
  });
});

describe("planUpgradeRules (an admin's)", () => {
  const rule: MigrationRule = {
    id: "myapp-reindex",
    package: "postgresql-13",
    fromVersions: ">= 13",
    toVersions: "*",
    action: { kind: "upgrade", data: "/srv/myapp", when: "build", run: ['myapp-reindex "$KURA_DATA"', "echo done"] },
    note: "",
    builtIn: false,
    enabled: true,
  };

  it("runs its lines in the build from a context file that sets KURA_DATA and the versions", () => {
    const plan = planUpgradeRules(input({ rules: [rule] }));
    expect(plan?.finalLines).toEqual(['RUN ["/bin/sh", "-e", "/kura/convert/01-myapp-reindex.sh"]']);
    const file = plan?.contextFiles[0];
    expect(file?.path).toBe("kura/convert/01-myapp-reindex.sh");
    expect(String(file?.content)).toContain("KURA_DATA='/srv/myapp'\nKURA_FROM_VERSION='13.16-0+deb11u1'\n");
    expect(String(file?.content)).toMatch(/myapp-reindex "\$KURA_DATA"\necho done\n$/);
    expect(plan?.conversions[0]).toMatchObject({
      id: "myapp-reindex",
      status: "planned",
      source: expect.stringMatching(/^rule myapp-reindex/),
    });
  });

  it("at first start: a step under /kura/first-start.d and the wrapper that runs it before the command", () => {
    const plan = planUpgradeRules(input({ rules: [{ ...rule, action: { ...rule.action, when: "first-start" } } as MigrationRule] }));
    expect(plan?.finalLines).toEqual([]);
    expect(plan?.firstStart).toEqual(["/kura/first-start.d/01-myapp-reindex.sh"]);
    expect(plan?.contextFiles.map((file) => file.path)).toEqual(["kura/first-start.d/01-myapp-reindex.sh", "kura/first-start.sh"]);
  });

  it("a rule out of its range, disabled, or built in runs nothing here", () => {
    expect(planUpgradeRules(input({ rules: [{ ...rule, fromVersions: "< 13" }] }))).toBeNull();
    expect(planUpgradeRules(input({ rules: [{ ...rule, enabled: false }] }))).toBeNull();
    expect(planUpgradeRules(input({ rules: BUILTIN_MIGRATION_RULES }))).toBeNull();
  });
});

describe("planConversions", () => {
  it("runs the registered planners: PostgreSQL and MariaDB together", () => {
    const plan = planConversions(input());
    expect(plan.conversions.map((item) => item.id)).toEqual(["builtin-postgresql-major", "builtin-mariadb-upgrade"]);
    expect(plan.finalLines).toHaveLength(4);
  });
});

describe("generateDockerfile with first-start steps", () => {
  it("wraps the container's entrypoint (or command) with kura/first-start.sh, once", async () => {
    const { generateDockerfile } = await import("@/lib/restores/plan/generate-dockerfile");
    const manifest = makeManifest();
    const options = { baseImage: "debian:trixie", manifest, install: [], hasPayload: false, hasAccountFiles: false, hasDeletions: false };
    const plain = generateDockerfile({
      ...options,
      conversions: { stages: [], finalLines: [], firstStart: ["/kura/first-start.d/01-x.sh"] },
    });
    expect(plain.dockerfile).toContain('ENTRYPOINT ["/bin/sh","/kura/first-start.sh"]\nCMD ["smbd","--foreground","--no-process-group"]');
    const withEntrypoint = generateDockerfile({
      ...options,
      manifest: { ...manifest, config: { ...manifest.config, entrypoint: ["/docker-entrypoint.sh"] } },
      conversions: { stages: [], finalLines: [], firstStart: ["/kura/first-start.d/01-x.sh"] },
    });
    expect(withEntrypoint.dockerfile).toContain('ENTRYPOINT ["/bin/sh","/kura/first-start.sh","/docker-entrypoint.sh"]');
    expect(generateDockerfile(options).dockerfile).not.toContain("first-start");
  });
});
