import { describe, expect, it } from "vitest";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { matchMigrationRules } from "@/lib/restores/plan/match-migration-rules";
import { isFileRule, type MigrationRule } from "@/lib/restores/plan/migration-rule-schema";

// The restore script's rules: upgrade rules run as data conversions (plan/conversions/), never through this matcher.
const FILE_RULES = BUILTIN_MIGRATION_RULES.filter(isFileRule);

const rule = (extra: Partial<MigrationRule>): MigrationRule => ({
  id: "r",
  package: "samba",
  fromVersions: "< 4",
  toVersions: ">= 4",
  action: { kind: "move", from: "/var/lib/samba/passdb.tdb", to: "/var/lib/samba/private/passdb.tdb" },
  note: "",
  builtIn: false,
  enabled: true,
  ...extra,
});

function statusOf(rules: MigrationRule[], archived: Record<string, string>, fresh: Record<string, string | null>) {
  return matchMigrationRules({ rules, archivedPackages: archived, newVersions: fresh }).map((match) => [
    match.rule.id,
    match.status,
    match.reason,
  ]);
}

describe("matchMigrationRules", () => {
  it("applies when both versions are in range, with a reason naming both", () => {
    const [match] = matchMigrationRules({
      rules: [rule({})],
      archivedPackages: { samba: "2:3.6.6-6+deb7u16" },
      newVersions: { samba: "2:4.22.4+dfsg-1~deb13u1" },
    });
    expect(match).toEqual({
      rule: rule({}),
      status: "applies",
      reason: "The archived samba 2:3.6.6-6+deb7u16 is in < 4 and the new samba 2:4.22.4+dfsg-1~deb13u1 is in >= 4.",
      fromVersion: "2:3.6.6-6+deb7u16",
      toVersion: "2:4.22.4+dfsg-1~deb13u1",
    });
  });

  it("leaves the check to the build when the new version is unknown", () => {
    expect(statusOf([rule({})], { samba: "3.6.6" }, { samba: null })).toEqual([
      ["r", "checked-at-build", expect.stringMatching(/known only once it is installed/)],
    ]);
  });

  it("says why a rule does not apply", () => {
    expect(statusOf([rule({})], {}, { samba: "4.22" })[0]?.[2]).toBe("samba was not installed in the archived container.");
    expect(statusOf([rule({})], { samba: "2:4.17.12" }, { samba: "2:4.22" })[0]?.[2]).toBe("The archived samba 2:4.17.12 is outside < 4.");
    expect(statusOf([rule({})], { samba: "3.6" }, { samba: "3.6.25" })[0]?.[2]).toBe(
      "The archived samba 3.6 is in < 4, but the new samba 3.6.25 is outside >= 4.",
    );
    expect(statusOf([rule({})], { samba: "3.6" }, {})[0]?.[2]).toBe(
      "The archived samba 3.6 is in < 4, but samba is not available on the new base.",
    );
    expect(statusOf([rule({ toVersions: "soon" })], { samba: "3.6" }, {})[0]?.[2]).toMatch(/^Its new version range is invalid: /);
  });

  it("lets * match any new version, even a package gone under this name", () => {
    expect(statusOf([rule({ toVersions: "*" })], { samba: "3.6" }, {})).toEqual([
      ["r", "applies", "The archived samba 3.6 is in < 4, and the rule applies to any new version."],
    ]);
  });

  it("skips disabled rules", () => {
    expect(statusOf([rule({ enabled: false }), rule({ id: "on" })], { samba: "3" }, { samba: "4" })).toEqual([
      ["on", "applies", expect.any(String)],
    ]);
  });

  it("selects the built-in rules for a bullseye -> trixie restore", () => {
    const result = statusOf(
      FILE_RULES,
      {
        "openssh-server": "1:8.4p1-5+deb11u3",
        samba: "2:4.13.13+dfsg-1~deb11u6",
        apache2: "2.4.62-1~deb11u1",
        "dovecot-core": "1:2.3.13+dfsg1-2+deb11u1",
        "redis-server": "5:6.0.16-1+deb11u2",
      },
      {
        "openssh-server": "1:10.0p1-7",
        samba: "2:4.22.4+dfsg-1~deb13u1",
        apache2: "2.4.65-2",
        "dovecot-core": "1:2.4.1+dfsg1-6+deb13u7",
        "redis-server": "5:8.0.2-3+deb13u3",
      },
    );
    const dovecot = BUILTIN_MIGRATION_RULES.filter((rule) => rule.package === "dovecot-core").map((rule) => [rule.id, "applies"]);
    expect(dovecot.length).toBeGreaterThan(5);
    expect(Object.fromEntries(result.map(([id, status]) => [id, status]))).toEqual({
      "builtin-samba-passdb": "not-applicable",
      "builtin-samba-secrets": "not-applicable",
      "builtin-samba-schannel-store": "not-applicable",
      "builtin-openssh-kbdinteractive": "applies",
      "builtin-apache2-conf-d": "not-applicable",
      "builtin-mysql-myisam-recover": "not-applicable",
      "builtin-mysql-key-buffer": "not-applicable",
      "builtin-redis-bind-optional-ipv6": "applies",
      ...Object.fromEntries(dovecot),
    });
  });

  it("selects the built-in rules for a wheezy -> bookworm restore", () => {
    const result = statusOf(
      FILE_RULES,
      { samba: "2:3.6.6-6+deb7u16", apache2: "2.2.22-13+deb7u7", "mysql-server": "5.5.62-0+deb7u1", "openssh-server": "1:6.0p1-4+deb7u10" },
      { samba: null, apache2: "2.4.62-1~deb12u2", "openssh-server": "1:9.2p1-2+deb12u3" },
    );
    expect(Object.fromEntries(result.map(([id, status]) => [id, status]))).toEqual({
      "builtin-samba-passdb": "checked-at-build",
      "builtin-samba-secrets": "checked-at-build",
      "builtin-samba-schannel-store": "checked-at-build",
      "builtin-openssh-kbdinteractive": "applies",
      "builtin-apache2-conf-d": "applies",
      "builtin-mysql-myisam-recover": "applies",
      "builtin-mysql-key-buffer": "applies",
      "builtin-redis-bind-optional-ipv6": "not-applicable",
      ...Object.fromEntries(
        BUILTIN_MIGRATION_RULES.filter((rule) => rule.package === "dovecot-core").map((rule) => [rule.id, "not-applicable"]),
      ),
    });
  });
});
