import { describe, expect, it } from "vitest";
import { maskPlanFor } from "@/lib/auth/mask-for-role";
import { makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";
import type { RestorePlanView } from "@/lib/restores/types";
import { planRestore } from "./plan-restore";

const manifest = makeManifest({
  packages: [
    { name: "postfix", version: "3.5.25-0+deb11u1", architecture: "amd64", manual: true },
    { name: "slapd", version: "2.4.57", architecture: "amd64", manual: true },
  ],
  debconf: [
    { package: "postfix", question: "postfix/mailname", type: "string", value: "mail.example.org" },
    { package: "postfix", question: "postfix/main_mailer_type", type: "select", value: "Internet Site" },
    { package: "slapd", question: "slapd/api-key", type: "string", value: "s3cr3t-looking" },
    { package: "slapd", question: "slapd/password1", type: "password", value: null },
  ],
});

function plan(baseHasDpkg = true) {
  return planRestore({
    manifest,
    archivedAccounts: {},
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: {},
      baseHasDpkg,
      baseAccounts: null,
      availablePackages: null,
    },
    migrationRules: [],
    scripts: readScriptsForTest(),
  });
}

describe("debconf answers in a restore plan", () => {
  it("writes the selections as a build-context file and preseeds them before apt-get install", () => {
    const result = plan();
    const file = result.contextFiles.find((candidate) => candidate.path === "kura/debconf-selections");
    expect(file?.content).toBe(
      "postfix postfix/mailname string mail.example.org\n" +
        "postfix postfix/main_mailer_type select Internet Site\n" +
        "slapd slapd/api-key string s3cr3t-looking\n",
    );
    const lines = result.dockerfile.split("\n");
    const preseed = lines.indexOf('RUN ["debconf-set-selections", "/kura/debconf-selections"]');
    const install = lines.findIndex((line) => line.includes("apt-get install"));
    expect(lines[preseed - 1]).toBe("COPY kura/debconf-selections /kura/debconf-selections");
    expect(preseed).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(preseed);
    expect(lines[install]).toContain("DEBIAN_FRONTEND=noninteractive");
    // No value is ever written into the Dockerfile itself.
    expect(result.dockerfile).not.toContain("mail.example.org");
    expect(result.debconf.map((answer) => [answer.question, answer.secret])).toEqual([
      ["postfix/mailname", false],
      ["postfix/main_mailer_type", false],
      ["slapd/api-key", true],
    ]);
  });

  it("says which passwords were not kept and must be entered again", () => {
    const warning = plan().warnings.find((candidate) => candidate.message.includes("slapd/password1"));
    expect(warning).toMatchObject({ kind: "secret-left-out" });
    expect(warning?.message).toMatch(/dpkg-reconfigure slapd/);
    expect(plan().contextFiles.find((file) => file.path === "kura/debconf-selections")?.content).not.toContain("password");
  });

  it("preseeds nothing without answers, or on a base without dpkg (and says so)", () => {
    const none = planRestore({ ...baseInput(), manifest: makeManifest() });
    expect(none.dockerfile).not.toContain("debconf");
    expect(none.contextFiles.some((file) => file.path.includes("debconf"))).toBe(false);
    const noDpkg = plan(false);
    expect(noDpkg.dockerfile).not.toContain("debconf-set-selections");
    expect(noDpkg.warnings.some((warning) => /not preseeded/.test(warning.message))).toBe(true);
  });

  it("preseeds only for packages the base does not already have (the base configured its own)", () => {
    const manifestWithBase = makeManifest({
      ...manifest,
      debconf: [
        ...manifest.debconf,
        { package: "libpam-runtime", question: "libpam-runtime/profiles", type: "multiselect", value: "unix" },
      ],
    });
    const input = baseInput();
    const result = planRestore({
      ...input,
      manifest: manifestWithBase,
      target: { ...input.target, baseInstalledPackages: { "libpam-runtime": "1.7.0-5", slapd: "2.6.10" } },
    });
    expect(result.debconf.map((answer) => answer.question)).toEqual(["postfix/mailname", "postfix/main_mailer_type"]);
    // slapd is in the base: its password is not asked for again either.
    expect(result.warnings.some((warning) => warning.message.includes("slapd/password1"))).toBe(false);
  });

  it("masks secret-looking answers for viewers, not for operators", () => {
    const result = plan();
    const view = { debconf: result.debconf, dockerfile: result.dockerfile } as unknown as RestorePlanView;
    const forViewer = maskPlanFor("viewer", view);
    const secret = forViewer.debconf.find((answer) => answer.question === "slapd/api-key");
    expect(secret).toMatchObject({ value: "••••••", masked: true });
    expect(forViewer.debconf.find((answer) => answer.question === "postfix/mailname")?.value).toBe("mail.example.org");
    expect(maskPlanFor("operator", view).debconf.find((answer) => answer.question === "slapd/api-key")?.value).toBe("s3cr3t-looking");
  });
});

function baseInput() {
  return {
    archivedAccounts: {},
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: {},
      baseHasDpkg: true,
      baseAccounts: null,
      availablePackages: null,
    },
    migrationRules: [],
    scripts: readScriptsForTest(),
  };
}
