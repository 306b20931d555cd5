import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { planConversions } from "./plan-conversions";
import { planOpenldap } from "./plan-openldap";
import type { ConversionInput } from "./types";

// Debian 11 -> 13 versions, as apt has them.
const SLAPD_24 = "2.4.57+dfsg-3+deb11u1";
const SLAPD_26 = "2.6.10+dfsg-1";

const ldapEntries = [
  makeEntry("/etc/ldap/slapd.d", "dir"),
  makeEntry("/etc/ldap/slapd.d/cn=config.ldif", "file"),
  makeEntry("/etc/ldap/slapd.d/cn=config/olcDatabase={1}mdb.ldif", "file"),
  makeEntry("/var/lib/ldap", "dir"),
  makeEntry("/var/lib/ldap/data.mdb", "file"),
];

const capture = (item: number) => ({
  recipe: "slapcat",
  service: "OpenLDAP",
  package: "slapd",
  packageVersion: SLAPD_24,
  serverVersion: "@(#) $OpenLDAP: slapd 2.4.57+dfsg-3+deb11u1 (May 14 2022 18:32:57) $",
  argv: ["slapcat", "-n", String(item)],
  user: "root",
  format: "ldif",
  name: `slapcat-${item}.ldif`,
  sha256: String(item).repeat(64),
  size: 1000,
  startedAt: "2026-12-03T12:00:00.000Z",
  finishedAt: "2026-12-03T12:00:01.000Z",
});

function input(extra: Partial<ConversionInput> & { captures?: ReturnType<typeof capture>[] } = {}): ConversionInput {
  const { captures, ...rest } = extra;
  const manifest = { ...makeManifest({ entries: ldapEntries }), ...(captures ? { captures } : {}) } as never;
  return {
    manifest,
    payloadEntries: ldapEntries,
    archivedPackages: { slapd: SLAPD_24, "ldap-utils": SLAPD_24 },
    newPackages: { slapd: SLAPD_26, "ldap-utils": SLAPD_26 },
    stage: null,
    baseImage: "debian:trixie",
    oldReleaseImage: "debian:bullseye",
    ...rest,
  };
}

const LOAD = 'RUN ["/bin/sh", "/kura/openldap-load.sh", "/kura/convert/openldap"]';

describe("planOpenldap", () => {
  it("with the archive's slapcat capture: the dumps are loaded with slapadd in the image's stage, no old-release stage", () => {
    const plan = planOpenldap(input({ captures: [capture(0), capture(1)] }));
    expect(plan?.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-openldap-reload",
        what: "OpenLDAP configuration (cn=config) and databases",
        data: "/var/lib/ldap",
        package: "slapd",
        fromVersion: SLAPD_24,
        toVersion: SLAPD_26,
        status: "planned",
        replaces: ["/var/lib/ldap", "/etc/ldap/slapd.d"],
      }),
    ]);
    expect(plan?.conversions[0]?.method).toMatch(
      /^take the archive's slapcat capture \(slapd 2\.4\.57\+dfsg-3\+deb11u1: cn=config and 1 database\(s\)\) and load them with slapadd into slapd 2\.6,/,
    );
    expect(plan?.conversions[0]?.source).toMatch(/^built-in: builtin-openldap-reload/);
    expect(plan?.stages).toEqual([]);
    expect(plan?.finalLines).toEqual(["COPY captures/slapcat-0.ldif captures/slapcat-1.ldif /kura/convert/openldap/", LOAD]);
    // The raw files are not read: they stay out of the build context.
    expect(plan?.skipPayload).toEqual(["/var/lib/ldap", "/etc/ldap/slapd.d"]);
    expect(plan?.warnings).toEqual([]);
  });

  it("without a capture: slapd 2.4 from the old release's repository (network stage) dumps the archived files, 2.6 loads them", () => {
    const plan = planOpenldap(input());
    expect(plan?.conversions[0]).toMatchObject({ id: "builtin-openldap-reload", status: "planned", toVersion: SLAPD_26 });
    expect(plan?.conversions[0]?.method).toMatch(
      /^dump the archived configuration and databases with slapd 2\.4's own slapcat \(slapd from debian:bullseye's repository/,
    );
    expect(plan?.stages.map((stage) => [stage.name, stage.network])).toEqual([
      ["kura-openldap-old", true],
      ["kura-openldap-dump", false],
    ]);
    expect(plan?.stages[0]?.lines).toContain("FROM debian:bullseye AS kura-openldap-old");
    expect(plan?.stages[0]?.lines.join("\n")).toMatch(/slapd\/no_configuration boolean true.*apt-get install .* slapd /);
    // The dump stage reads the archived files as the restore stage staged them, at their own paths; no network there.
    expect(plan?.stages[1]?.lines).toEqual([
      expect.stringMatching(/^# /),
      "FROM kura-openldap-old AS kura-openldap-dump",
      "COPY kura/openldap-dump.sh /kura/openldap-dump.sh",
      "COPY --from=kura-restore /kura/stage/etc/ldap/slapd.d/ /etc/ldap/slapd.d/",
      "COPY --from=kura-restore /kura/stage/var/lib/ldap/ /var/lib/ldap/",
      'RUN ["/bin/sh", "/kura/openldap-dump.sh", "/etc/ldap/slapd.d", "/kura/convert/openldap"]',
    ]);
    expect(plan?.finalLines).toEqual(["COPY --from=kura-openldap-dump /kura/convert/openldap/ /kura/convert/openldap/", LOAD]);
    // The raw files are what the stage dumps: they stay in the build.
    expect(plan?.skipPayload).toBeUndefined();
    expect(plan?.warnings).toEqual([]);
  });

  it("a capture without the configuration's dump (slapcat-0.ldif) is not enough: the old release's stage dumps all", () => {
    const plan = planOpenldap(input({ captures: [capture(1)] }));
    expect(plan?.stages.map((stage) => stage.name)).toEqual(["kura-openldap-old", "kura-openldap-dump"]);
  });

  it("neither a capture nor an image of the old release: not covered, a warning naming the data at risk", () => {
    const plan = planOpenldap(input({ oldReleaseImage: null }));
    expect(plan?.conversions[0]).toMatchObject({ status: "not-covered", replaces: ["/var/lib/ldap", "/etc/ldap/slapd.d"] });
    expect(plan?.stages).toEqual([]);
    expect(plan?.finalLines).toEqual([]);
    expect(plan?.warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(
        /^OpenLDAP 2\.4 -> 2\.6: the directory in \/var\/lib\/ldap and the configuration in \/etc\/ldap\/slapd\.d \(its entries, their passwords and the server's settings\) .* no step converts them: the archive has no slapcat capture .*no image of the archived release .*debian:bullseye/,
      ),
    ]);
  });

  it("the built-in rule switched off: not covered, with a warning saying so, even with a capture", () => {
    const rules: MigrationRule[] = BUILTIN_MIGRATION_RULES.map((rule) =>
      rule.id === "builtin-openldap-reload" ? { ...rule, enabled: false } : rule,
    );
    const plan = planOpenldap(input({ rules, captures: [capture(0), capture(1)] }));
    expect(plan?.conversions[0]?.status).toBe("not-covered");
    expect(plan?.finalLines).toEqual([]);
    expect(plan?.skipPayload).toBeUndefined();
    expect(plan?.warnings[0]?.message).toMatch(/the built-in upgrade rule builtin-openldap-reload is switched off\.$/);
  });

  it("no slapd in the new image: not covered", () => {
    const plan = planOpenldap(input({ newPackages: {} }));
    expect(plan?.conversions[0]).toMatchObject({ status: "not-covered", method: "not converted: no slapd is installed in the new image" });
  });

  it("before the packages are installed (the new version asked later): planned, into 2.5 or later", () => {
    const plan = planOpenldap(input({ newPackages: { slapd: null } }));
    expect(plan?.conversions[0]).toMatchObject({ status: "planned", toVersion: null });
    expect(plan?.conversions[0]?.method).toMatch(/into slapd 2\.5 or later/);
  });

  it("nothing to convert: the same series, a series after 2.5 on both sides, or no LDAP data archived", () => {
    expect(planOpenldap(input({ newPackages: { slapd: "2.4.47+dfsg-3+deb10u7" } }))).toBeNull();
    expect(planOpenldap(input({ archivedPackages: { slapd: "2.5.13+dfsg-5" } }))).toBeNull();
    expect(planOpenldap(input({ payloadEntries: [makeEntry("/etc/ldap/ldap.conf", "file")] }))).toBeNull();
    expect(planOpenldap(input({ archivedPackages: {} }))).toBeNull();
  });

  it("is registered: planConversions runs it, and the rule is among the built-in ones", () => {
    expect(planConversions(input()).conversions.map((item) => item.id)).toEqual(["builtin-openldap-reload"]);
    expect(BUILTIN_MIGRATION_RULES.find((rule) => rule.id === "builtin-openldap-reload")).toMatchObject({
      package: "slapd",
      fromVersions: "< 2.5",
      toVersions: ">= 2.5",
      action: { kind: "upgrade", data: "/var/lib/ldap", when: "build" },
    });
  });
});

// The configuration conversion itself (lib/restores/scripts/openldap-config.awk), run by the awks a Debian image has
// (mawk) and busybox's, on Debian 11's real cn=config: slapcat -n 0 of kura-test/slapd:bullseye after its admin added
// the ppolicy schema, loaded the ppolicy module and put the overlay on the mdb database. slapd 2.6.10 (Debian 13)
// refuses that dump as it is ("Duplicate attributeType" for the ppolicy schema), and loads the converted one.
// slapcat-0-hdb.ldif: the same image's cn=config after its admin added an hdb database (dc=hdb,dc=org in
// /var/lib/ldap-hdb, with olcDbConfig and olcDbCacheSize) and the syncprov overlay on it; converted and loaded with
// openldap-load.sh, slapd 2.6.10 served that database's entries as mdb.
const SCRIPT = path.join(process.cwd(), "lib", "restores", "scripts", "openldap-config.awk");
const BULLSEYE_CONFIG = path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "bullseye", "slapd", "slapcat-0.ldif");
const has = (command: string) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", command], { stdio: "ignore" }).status === 0;
const AWKS = [["mawk"], ["busybox", "awk"]].filter(([command]) => has(command as string));

function convert(awk: string[], ldif: string, builtin = "config ldif monitor") {
  const [command, ...args] = awk;
  const run = spawnSync(command as string, [...args, "-v", `builtin=${builtin}`, "-f", SCRIPT], { input: ldif, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return { ldif: run.stdout, said: run.stderr };
}
const BULLSEYE_HDB_CONFIG = path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "bullseye", "slapd", "slapcat-0-hdb.ldif");
const dns = (ldif: string) => ldif.split("\n").filter((line) => line.startsWith("dn: "));
const record = (ldif: string, dn: string) => ldif.split("\n\n").find((part) => part.startsWith(`dn: ${dn}\n`)) ?? "";

const HDB_CONFIG = `dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_hdb
olcModuleLoad: {1}syncprov.la

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema
olcAttributeTypes: ( 2.5.4.0 NAME 'objectClass' DESC 'RFC4512: object classe
 s of the entity' EQUALITY objectIdentifierMatch SYNTAX 1.3.6.1.4.1.1466.115.1
 21.1.38 )

dn: olcBackend={0}hdb,cn=config
objectClass: olcBackendConfig
olcBackend: {0}hdb

dn: olcDatabase={1}hdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcHdbConfig
olcDatabase: {1}hdb
olcDbDirectory: /var/lib/ldap
olcSuffix: dc=example,dc=org
olcDbConfig: {0}set_cachesize 0 2097152 0
olcDbCacheSize: 1000
olcDbCheckpoint: 512 30
olcDbIndex: objectClass eq
olcMirrorMode: FALSE
structuralObjectClass: olcHdbConfig

dn: olcOverlay={0}syncprov,olcDatabase={1}hdb,cn=config
objectClass: olcOverlayConfig
olcOverlay: {0}syncprov
`;

describe.each(AWKS.map((awk) => [awk.join(" "), awk]))("openldap-config.awk (%s)", (_name, awk) => {
  it("drops Debian 11's ppolicy schema and keeps the rest of its cn=config as it was, unfolded", () => {
    const archived = readFileSync(BULLSEYE_CONFIG, "utf8");
    const { ldif, said } = convert(awk as string[], archived);
    expect(dns(ldif)).toEqual(dns(archived).filter((dn) => dn !== "dn: cn={4}ppolicy,cn=schema,cn=config"));
    expect(said).toBe(
      "kura openldap config: dropped the ppolicy schema (cn={4}ppolicy,cn=schema,cn=config): the ppolicy overlay of slapd 2.5 and later defines it\n",
    );
    // The overlay and its module stay: only the schema moved into the overlay.
    expect(record(ldif, "cn=module{0},cn=config")).toMatch(/^olcModuleLoad: \{0\}back_mdb\nolcModuleLoad: \{1\}ppolicy$/m);
    expect(record(ldif, "olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config")).toContain("olcPPolicyHashCleartext: TRUE");
    // Unfolded: each value on one line, the same text.
    const unfold = (text: string) => text.replace(/\n /g, "");
    expect(record(ldif, "olcDatabase={1}mdb,cn=config")).toBe(record(unfold(archived), "olcDatabase={1}mdb,cn=config"));
    expect(ldif.split("\n").some((line) => line.startsWith(" "))).toBe(false);
  });

  it("turns Debian 11's hdb database into mdb: its DN and overlay's, its settings mdb knows, back_hdb no longer loaded", () => {
    const archived = readFileSync(BULLSEYE_HDB_CONFIG, "utf8");
    const { ldif } = convert(awk as string[], archived, "config ldif monitor");
    expect(dns(ldif)).toEqual(dns(archived).map((dn) => dn.replace("olcDatabase={2}hdb", "olcDatabase={2}mdb")));
    expect(record(ldif, "cn=module{0},cn=config")).toMatch(/olcModuleLoad: \{0\}back_mdb\nolcModuleLoad: \{1\}syncprov\n/);
    const database = record(ldif, "olcDatabase={2}mdb,cn=config");
    expect(database).toMatch(/^objectClass: olcMdbConfig$/m);
    expect(database).toMatch(/^olcDatabase: \{2\}mdb$/m);
    expect(database).toMatch(/^olcDbDirectory: \/var\/lib\/ldap-hdb$/m);
    expect(database).toMatch(/^olcRootPW:: c2VjcmV0$/m);
    expect(database).toMatch(/^olcDbIndex: objectClass eq$/m);
    expect(database).toMatch(/^olcDbMaxSize: 1073741824$/m);
    expect(database).not.toMatch(/olcDbConfig|olcDbCacheSize|olcHdbConfig|\}hdb/);
  });

  it("turns an hdb database into mdb, drops what 2.5 has not, and numbers the schema and the modules without gaps", () => {
    const withPpolicy = HDB_CONFIG.replace(
      "dn: olcBackend",
      "dn: cn={0}core,cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: {0}core\n\n" +
        "dn: cn={1}ppolicy,cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: {1}ppolicy\n\n" +
        "dn: cn={2}inetorgperson,cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: {2}inetorgperson\n\ndn: olcBackend",
    );
    const { ldif, said } = convert(awk as string[], withPpolicy, "config ldif syncprov");
    expect(dns(ldif)).toEqual([
      "dn: cn=module{0},cn=config",
      "dn: cn=schema,cn=config",
      "dn: cn={0}core,cn=schema,cn=config",
      "dn: cn={1}inetorgperson,cn=schema,cn=config",
      "dn: olcDatabase={1}mdb,cn=config",
      "dn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config",
    ]);
    expect(record(ldif, "cn=module{0},cn=config")).toMatch(/olcModulePath: \/usr\/lib\/ldap\nolcModuleLoad: \{0\}back_mdb$/);
    expect(record(ldif, "cn=schema,cn=config")).toBe("dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema");
    expect(record(ldif, "cn={1}inetorgperson,cn=schema,cn=config")).toContain("\ncn: {1}inetorgperson");
    expect(record(ldif, "olcDatabase={1}mdb,cn=config")).toBe(
      [
        "dn: olcDatabase={1}mdb,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcMdbConfig",
        "olcDatabase: {1}mdb",
        "olcDbDirectory: /var/lib/ldap",
        "olcSuffix: dc=example,dc=org",
        "olcDbCheckpoint: 512 30",
        "olcDbIndex: objectClass eq",
        "olcMultiProvider: FALSE",
        "structuralObjectClass: olcMdbConfig",
        "olcDbMaxSize: 1073741824",
      ].join("\n"),
    );
    expect(said).toContain("kura openldap config: dropped olcModuleLoad syncprov: this slapd has it built in\n");
    expect(said).toContain("kura openldap config: dropped olcDbCacheSize of olcDatabase={1}mdb,cn=config: mdb has no such setting\n");
    expect(said).toContain("kura openldap config: dropped 1 built-in schema definition(s) of slapd 2.4 from cn=schema,cn=config\n");
  });
});
