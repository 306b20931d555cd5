import { describe, expect, it } from "vitest";
import { manifestSchema } from "@/lib/archives/manifest";
import { makeManifest } from "@/e2e/support/restore-fixtures";
import { DEBCONF_ANSWERS_MAX, formatDebconfSelections, parseDebconfAnswers } from "./parse-debconf-answers";

// Records as debconf writes them (Debian 11's postfix, preseeded, then installed).
const CONFIG = `Name: debconf/frontend
Template: debconf/frontend
Value: Dialog
Owners: debconf
Flags: seen

Name: postfix/destinations
Template: postfix/destinations
Value: $myhostname, mail.example.org, vm, localhost.localdomain, localhost
Owners: postfix
Flags: set

Name: postfix/mailname
Template: postfix/mailname
Value: mail.example.org
Owners: postfix
Flags: seen

Name: postfix/main_mailer_type
Template: postfix/main_mailer_type
Value: Internet Site
Owners: postfix
Flags: seen
Variables:
 choices = No configuration, Internet Site
 x = y

Name: postfix/mynetworks
Template: postfix/mynetworks
Owners: postfix

Name: postfix/kernel_version_warning
Template: postfix/kernel_version_warning
Value: whatever
Owners: postfix
Flags: seen

Name: slapd/password1
Template: slapd/password1
Owners: slapd
Flags: seen

Name: slapd/domain
Template: slapd/domain
Value: example.org
Owners: slapd, slapd-extra

Name: removed/question
Template: removed/question
Value: yes
Owners: removed-package
`;

const TEMPLATES = `Name: debconf/frontend
Type: select

Name: postfix/destinations
Type: string
Description: Other destinations to accept mail for (blank for none):

Name: postfix/mailname
Default: /etc/mailname
Type: string
Description: System mail name:
Description-ca.utf-8: Nom del correu del sistema:

Name: postfix/main_mailer_type
Type: select

Name: postfix/mynetworks
Type: string

Name: postfix/kernel_version_warning
Type: boolean

Name: postfix/kernel_version_warning2
Type: note

Name: slapd/password1
Type: password

Name: slapd/domain
Type: string

Name: removed/question
Type: string
`;

const PACKAGES = ["debconf", "postfix", "slapd"];

describe("parseDebconfAnswers", () => {
  it("keeps the answers whose Value is set, for the listed packages, and lists passwords without their value", () => {
    const parsed = parseDebconfAnswers({ config: CONFIG, templates: TEMPLATES, packages: PACKAGES });
    expect(parsed.answers).toEqual([
      { package: "debconf", question: "debconf/frontend", type: "select", value: "Dialog" },
      {
        package: "postfix",
        question: "postfix/destinations",
        type: "string",
        value: "$myhostname, mail.example.org, vm, localhost.localdomain, localhost",
      },
      { package: "postfix", question: "postfix/mailname", type: "string", value: "mail.example.org" },
      { package: "postfix", question: "postfix/main_mailer_type", type: "select", value: "Internet Site" },
      { package: "slapd", question: "slapd/domain", type: "string", value: "example.org" },
      { package: "slapd", question: "slapd/password1", type: "password", value: null },
    ]);
    // kernel_version_warning: "whatever" is no boolean, so it is refused and said.
    expect(parsed.refused).toEqual([
      { question: "postfix/kernel_version_warning", reason: expect.stringContaining("neither true nor false") },
    ]);
  });

  it("formats debconf-set-selections lines, passwords left out", () => {
    const parsed = parseDebconfAnswers({ config: CONFIG, templates: TEMPLATES, packages: PACKAGES });
    expect(formatDebconfSelections(parsed.answers)).toBe(
      [
        "debconf debconf/frontend select Dialog",
        "postfix postfix/destinations string $myhostname, mail.example.org, vm, localhost.localdomain, localhost",
        "postfix postfix/mailname string mail.example.org",
        "postfix postfix/main_mailer_type select Internet Site",
        "slapd slapd/domain string example.org",
        "",
      ].join("\n"),
    );
  });

  it("refuses what debconf-set-selections would misread, and says why", () => {
    const record = (name: string, value: string) => `Name: ${name}\nTemplate: ${name}\nValue: ${value}\nOwners: postfix\n\n`;
    const templates = ["a/multi", "a/cont", "a/ctl", "a/trail", "a/long", "a bad/name", "a/#x", "a/ok", "a/lead"]
      .map((name) => `Name: ${name}\nType: string\n\n`)
      .join("");
    const config =
      record("a/multi", "line one\\nline two") +
      record("a/cont", "ends with\\") +
      record("a/ctl", "bell\u0007") +
      record("a/trail", "blank ") +
      record("a/long", "x".repeat(5000)) +
      record("a bad/name", "v") +
      record("a/ok", "fine") +
      record("a/lead", "  leading blanks are kept");
    const parsed = parseDebconfAnswers({ config, templates, packages: ["postfix"] });
    expect(parsed.answers.map((answer) => [answer.question, answer.value])).toEqual([
      ["a/lead", "  leading blanks are kept"],
      ["a/ok", "fine"],
    ]);
    const reasons = Object.fromEntries(parsed.refused.map((refused) => [refused.question, refused.reason]));
    expect(reasons["a/multi"]).toMatch(/several lines/);
    expect(reasons["a/cont"]).toMatch(/backslash/);
    expect(reasons["a/ctl"]).toMatch(/control characters/);
    expect(reasons["a/trail"]).toMatch(/blanks/);
    expect(reasons["a/long"]).toMatch(/5000 characters/);
    expect(reasons["a bad/name"]).toMatch(/not one word/);
  });

  it("refuses an answer whose type templates.dat does not give, and skips questions with nothing to answer", () => {
    const config =
      "Name: postfix/x\nTemplate: postfix/x\nValue: 1\nOwners: postfix\n\n" +
      "Name: postfix/n\nTemplate: postfix/n\nValue: 1\nOwners: postfix\n";
    const parsed = parseDebconfAnswers({ config, templates: "Name: postfix/n\nType: note\n", packages: ["postfix"] });
    expect(parsed.answers).toEqual([]);
    expect(parsed.refused).toEqual([{ question: "postfix/x", reason: expect.stringContaining("no type") }]);
  });

  it("reads CRLF files, odd lines and a missing trailing blank line without crashing", () => {
    const config =
      "garbage without colon\r\n:\r\nName: postfix/mailname\r\nTemplate: postfix/mailname\r\nValue: m.example\r\nOwners: postfix";
    const parsed = parseDebconfAnswers({ config, templates: "Name: postfix/mailname\r\nType: string\r\n", packages: ["postfix"] });
    expect(parsed.answers).toEqual([{ package: "postfix", question: "postfix/mailname", type: "string", value: "m.example" }]);
  });

  it("stays bounded on a huge file: at most DEBCONF_ANSWERS_MAX answers and a summed-up refusal", () => {
    const count = DEBCONF_ANSWERS_MAX + 120;
    const names = Array.from({ length: count }, (_, index) => `postfix/q${index}`);
    const config = names.map((name) => `Name: ${name}\nTemplate: ${name}\nValue: v\nOwners: postfix\n`).join("\n");
    const templates = names.map((name) => `Name: ${name}\nType: string\n`).join("\n");
    const started = Date.now();
    const parsed = parseDebconfAnswers({ config, templates, packages: ["postfix"] });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(parsed.answers).toHaveLength(DEBCONF_ANSWERS_MAX);
    expect(parsed.refused).toHaveLength(51);
    expect(parsed.refused.at(-1)?.reason).toMatch(/70 more answers/);
  });

  it("the manifest accepts recorded answers and refuses a bundle's answers that debconf-set-selections could misread", () => {
    const good = makeManifest({
      packages: [{ name: "postfix", version: "3.5", architecture: "amd64", manual: true }],
      debconf: [{ package: "postfix", question: "postfix/mailname", type: "string", value: "mail.example.org" }],
    });
    expect(manifestSchema.parse(good).debconf).toHaveLength(1);
    const { debconf: _omitted, ...old } = good;
    expect(manifestSchema.parse(old).debconf).toEqual([]);
    for (const answer of [
      { package: "postfix", question: "postfix/mailname", type: "string", value: "a\nb" },
      { package: "postfix", question: "postfix/mailname", type: "string", value: "a\\" },
      { package: "postfix", question: "postfix/mail name", type: "string", value: "a" },
      { package: "-postfix", question: "postfix/mailname", type: "string", value: "a" },
      { package: "postfix", question: "postfix/x", type: "password", value: "hunter2" },
      { package: "postfix", question: "postfix/x", type: "boolean", value: "maybe" },
      { package: "postfix", question: "postfix/x", type: "error", value: "a" },
    ])
      expect(manifestSchema.safeParse({ ...good, debconf: [answer] }).success, JSON.stringify(answer)).toBe(false);
  });
});
