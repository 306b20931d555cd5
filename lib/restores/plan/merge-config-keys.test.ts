import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyRulesToConfig } from "@/lib/restores/plan/apply-migration-edits";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { mergeConfigKeys } from "@/lib/restores/plan/merge-config-keys";

// Real Debian files (see builtin-migration-rules.test.ts). The merged Dovecot files below, put in trixie's
// /etc/dovecot, were accepted by `doveconf -n` of Dovecot 2.4.1 (exit 0; mail_driver = maildir,
// mail_path = %{home}/Maildir, auth_allow_cleartext = yes), and with them Dovecot 2.4 ran: `doveadm auth test` passed
// for a local user and `doveadm fetch` read the message in ~/Maildir/new; the line merge (diff3) of the same texts conflicts.
const read = (...parts: string[]) => readFileSync(path.join(process.cwd(), "lib", "restores", "plan", "fixtures", ...parts), "utf8");
const dovecot = BUILTIN_MIGRATION_RULES.filter((rule) => rule.package === "dovecot-core").map((rule) => rule.action);

describe("mergeConfigKeys: rules first, then the admin's settings onto the new default", () => {
  /** The issue 14 scenario: Debian 11's files, the admin's edits, Debian 13's defaults. */
  function merge(name: string, file: string, edit: (text: string) => string) {
    const pristine = read("bullseye", "dovecot", name);
    return mergeConfigKeys({
      pristine: applyRulesToConfig(dovecot, file, pristine).text,
      edited: applyRulesToConfig(dovecot, file, edit(pristine)).text,
      newDefault: read("trixie", "dovecot", name),
    });
  }

  it("carries mail_location = maildir:~/Maildir into Dovecot 2.4's 10-mail.conf", () => {
    const result = merge("10-mail.conf", "/etc/dovecot/conf.d/10-mail.conf", (text) =>
      text.replace(/^mail_location = .*$/m, "mail_location = maildir:~/Maildir"),
    );
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.changes).toEqual([
      "mail_driver = maildir",
      "mail_inbox_path: removed by the admin, commented out",
      "mail_path = %{home}/Maildir",
    ]);
    const expected = read("trixie", "dovecot", "10-mail.conf")
      .replace(/^mail_driver = mbox$/m, "mail_driver = maildir")
      .replace(/^mail_path = %\{home\}\/mail$/m, "mail_path = %{home}/Maildir")
      .replace(/^mail_inbox_path = /m, "#mail_inbox_path = ");
    expect(result.text).toBe(expected);
  });

  it("carries disable_plaintext_auth = no as auth_allow_cleartext = yes, next to its commented-out default", () => {
    const result = merge("10-auth.conf", "/etc/dovecot/conf.d/10-auth.conf", (text) =>
      text.replace(/^#disable_plaintext_auth = yes$/m, "disable_plaintext_auth = no"),
    );
    expect(result).toMatchObject({ ok: true, changes: ["auth_allow_cleartext = yes (added)"] });
    if (!result.ok) return;
    expect(result.text).toMatch(/^#auth_allow_cleartext = yes\nauth_allow_cleartext = yes$/m);
  });

  it("leaves an unedited file as the new default", () => {
    expect(merge("10-ssl.conf", "/etc/dovecot/conf.d/10-ssl.conf", (text) => text)).toEqual({
      ok: true,
      text: read("trixie", "dovecot", "10-ssl.conf"),
      changes: [],
    });
  });

  it("gives up with a sentence on what needs a person", () => {
    expect(mergeConfigKeys({ pristine: "a = 1\n", edited: "a = 2\n", newDefault: "a = 3\n" })).toEqual({
      ok: false,
      problem: "Both the admin and the new version changed a.",
    });
    expect(mergeConfigKeys({ pristine: "x {\n}\n", edited: "x {\n  a = 1\n}\n", newDefault: "x {\n}\n" })).toMatchObject({ ok: false });
    expect(mergeConfigKeys({ pristine: "save 900 1\nsave 60 1\n", edited: "save 900 1\n", newDefault: "save 900 1\n" })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/several lines/),
    });
  });

  it("carries Redis settings the admin uncommented onto Redis 8's redis.conf", () => {
    const pristine = read("bullseye", "redis", "redis.conf");
    const edited = pristine.replace(/^# maxmemory <bytes>$/m, "maxmemory 64mb").replace(/^# requirepass foobared$/m, "requirepass s3cret");
    const result = mergeConfigKeys({ pristine, edited, newDefault: read("trixie", "redis", "redis.conf") });
    expect(result).toMatchObject({ ok: true, changes: ["maxmemory = 64mb (added)", "requirepass = s3cret (added)"] });
    if (!result.ok) return;
    expect(result.text).toMatch(/^# maxmemory <bytes>\nmaxmemory 64mb$/m);
    expect(result.text).toMatch(/^bind 127\.0\.0\.1 -::1$/m);
  });
});
