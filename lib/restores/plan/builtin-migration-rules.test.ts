import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyRulesToConfig } from "@/lib/restores/plan/apply-migration-edits";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { migrationRuleSchema } from "@/lib/restores/plan/migration-rule-schema";

describe("BUILTIN_MIGRATION_RULES", () => {
  it("are valid, built in, enabled, with stable unique ids and a note saying why", () => {
    const ids = BUILTIN_MIGRATION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of BUILTIN_MIGRATION_RULES) {
      expect(migrationRuleSchema.parse(rule)).toEqual(rule);
      expect(rule.id).toMatch(/^builtin-/);
      expect(rule.builtIn).toBe(true);
      expect(rule.enabled).toBe(true);
      expect(rule.note.length).toBeGreaterThan(80);
    }
  });
  it("cover at least three packages", () => {
    expect(new Set(BUILTIN_MIGRATION_RULES.map((rule) => rule.package)).size).toBeGreaterThanOrEqual(3);
  });
});

// Real files: Debian 11's (bullseye: dovecot-core 1:2.3.13+dfsg1-2+deb11u1, redis-server 5:6.0.16-1+deb11u2) and Debian
// 13's (trixie: dovecot-core 1:2.4.1+dfsg1-6+deb13u7, redis-server 5:8.0.2-3+deb13u3), copied out of images built FROM
// debian:bullseye and debian:trixie with the packages installed. fixtures/dovecot-2.4-translated/ holds what these rules
// make of the Debian 11 files; `doveconf -n` of trixie's Dovecot 2.4.1 accepted both sets (exit 0) when put in its
// /etc/dovecot, and the translated redis.conf started trixie's redis-server 8.0.2 (the untranslated one does not).
const FIXTURES = path.join(process.cwd(), "lib", "restores", "plan", "fixtures");
const read = (...parts: string[]) => readFileSync(path.join(FIXTURES, ...parts), "utf8");
const actionsOf = (name: string) => BUILTIN_MIGRATION_RULES.filter((rule) => rule.package === name).map((rule) => rule.action);
const DOVECOT_FILES = [
  ["dovecot.conf", "/etc/dovecot/dovecot.conf"],
  ["10-mail.conf", "/etc/dovecot/conf.d/10-mail.conf"],
  ["10-auth.conf", "/etc/dovecot/conf.d/10-auth.conf"],
  ["10-ssl.conf", "/etc/dovecot/conf.d/10-ssl.conf"],
] as const;
/** The admin's edits of the issue 14 scenario (lib/restores/restore-mail-bullseye.int.test.ts). */
const EDIT: Record<string, (text: string) => string> = {
  "10-mail.conf": (text) => text.replace(/^mail_location = .*$/m, "mail_location = maildir:~/Maildir"),
  "10-auth.conf": (text) => text.replace(/^#disable_plaintext_auth = yes$/m, "disable_plaintext_auth = no"),
};

describe("the Dovecot 2.3 -> 2.4 rules on Debian's real files", () => {
  it.each(["pristine", "edited"] as const)("turn Debian 11's %s configuration into the doveconf-checked 2.4 one", (variant) => {
    for (const [name, file] of DOVECOT_FILES) {
      const archived =
        variant === "edited" && EDIT[name] ? EDIT[name](read("bullseye", "dovecot", name)) : read("bullseye", "dovecot", name);
      expect(applyRulesToConfig(actionsOf("dovecot-core"), file, archived).text, name).toBe(read("dovecot-2.4-translated", variant, name));
    }
  });

  it("give the admin's edits in 2.4 words, and 2.4's required settings first", () => {
    const mail = read("dovecot-2.4-translated", "edited", "10-mail.conf");
    expect(mail).toMatch(/^mail_driver = maildir\nmail_path = %\{home\}\/Maildir$/m);
    expect(mail).not.toMatch(/^mail_location/m);
    expect(read("dovecot-2.4-translated", "edited", "10-auth.conf")).toMatch(/^auth_allow_cleartext = yes$/m);
    expect(read("dovecot-2.4-translated", "edited", "dovecot.conf").split("\n")[0]).toBe("dovecot_config_version = 2.4.0");
    expect(read("dovecot-2.4-translated", "edited", "dovecot.conf")).toMatch(/^dovecot_storage_version = 2\.4\.0$/m);
    expect(read("dovecot-2.4-translated", "pristine", "10-ssl.conf")).toMatch(
      /^ssl_server_cert_file = \/etc\/dovecot\/private\/dovecot.pem$/m,
    );
  });

  it("change nothing in what is already 2.4: Debian 13's defaults and their own output (so they may run before and after a merge)", () => {
    for (const [name, file] of DOVECOT_FILES) {
      for (const text of [read("trixie", "dovecot", name), read("dovecot-2.4-translated", "edited", name)]) {
        expect(applyRulesToConfig(actionsOf("dovecot-core"), file, text), name).toEqual({ text, changed: 0, added: false });
      }
    }
  });
});

describe("the Redis bind rule on Debian's real redis.conf", () => {
  it("rewrites Debian 11's bind line into Debian 13's, and nothing else", () => {
    const old = read("bullseye", "redis", "redis.conf");
    const result = applyRulesToConfig(actionsOf("redis-server"), "/etc/redis/redis.conf", old);
    expect(result.changed).toBe(1);
    expect(old).toMatch(/^bind 127\.0\.0\.1 ::1$/m);
    expect(result.text).toBe(old.replace(/^bind 127\.0\.0\.1 ::1$/m, "bind 127.0.0.1 -::1"));
    expect(read("trixie", "redis", "redis.conf")).toMatch(/^bind 127\.0\.0\.1 -::1$/m);
    const fresh = read("trixie", "redis", "redis.conf");
    expect(applyRulesToConfig(actionsOf("redis-server"), "/etc/redis/redis.conf", fresh).changed).toBe(0);
  });
});
