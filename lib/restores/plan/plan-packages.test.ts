import { describe, expect, it } from "vitest";
import type { Manifest } from "@/lib/archives/manifest";
import { planPackages, type PlanPackagesOptions } from "@/lib/restores/plan/plan-packages";

const pkg = (name: string, manual = true, version = "1.0-1"): Manifest["packages"][number] => ({
  name,
  version,
  architecture: "amd64",
  manual,
});

function plan(packages: Manifest["packages"], options: Partial<PlanPackagesOptions> = {}) {
  return planPackages({
    manifest: { packageManager: "dpkg", packages },
    baseImage: "debian:trixie",
    baseHasDpkg: true,
    baseInstalledPackages: { bash: "5.2.37-2", libc6: "2.41-12" },
    availablePackages: null,
    ...options,
  });
}

describe("planPackages", () => {
  it("installs only hand-installed packages the base lacks, sorted, without versions", () => {
    const result = plan([pkg("samba"), pkg("bash"), pkg("libtalloc2", false), pkg("acl"), pkg("samba")]);
    expect(result.install).toEqual(["acl", "samba"]);
    expect(result.alreadyInBase).toEqual(["bash"]);
    expect(result.missing).toEqual([]);
    expect(result.warnings).toEqual([
      {
        kind: "other",
        message: expect.stringMatching(/repositories offer is unknown, so all 2 package\(s\) are installed by their archived names/),
      },
    ]);
  });

  it("replaces renamed packages with their successor when the repositories have it, and reports them", () => {
    const result = plan([pkg("libssl3", true, "3.0.17-1~deb12u2"), pkg("samba"), pkg("policykit-1"), pkg("ntp")], {
      availablePackages: { samba: "2:4.22.4+dfsg-1~deb13u1", libssl3t64: "3.5.1-1", polkitd: "126-2", ntpsec: "1.2.3" },
      baseInstalledPackages: { pkexec: "126-2" },
    });
    expect(result.install).toEqual(["libssl3t64", "ntpsec", "polkitd", "samba"]);
    expect(result.missing).toEqual([
      { name: "libssl3", replacement: "libssl3t64", replacements: ["libssl3t64"] },
      { name: "ntp", replacement: "ntpsec", replacements: ["ntpsec"] },
      { name: "policykit-1", replacement: "polkitd pkexec", replacements: ["polkitd", "pkexec"] },
    ]);
    expect(result.warnings.map((warning) => warning.kind)).toEqual(["missing-package", "missing-package", "missing-package"]);
    expect(result.warnings[0]?.message).toBe(
      "libssl3 (3.0.17-1~deb12u2 in the archive) is not available on debian:trixie, where it was replaced by libssl3t64: installing libssl3t64 instead. Why: Debian 13 trixie's 64-bit time_t transition renamed the libraries whose ABI uses time_t with a t64 suffix (https://wiki.debian.org/ReleaseGoals/64bit-time, debian-devel-announce 2024-02).",
    );
    expect(result.warnings[2]?.message).toMatch(/installing polkitd instead; pkexec is already in the base\. Why: /);
  });

  it("reports packages with no known successor, or whose successor is missing too, and installs nothing for them", () => {
    const result = plan([pkg("oldtool"), pkg("mysql-server")], { availablePackages: { samba: "1" } });
    expect(result.install).toEqual([]);
    expect(result.missing).toEqual([
      { name: "mysql-server", replacement: "default-mysql-server", replacements: ["default-mysql-server"] },
      { name: "oldtool", replacement: null, replacements: [] },
    ]);
    expect(result.warnings[0]?.message).toMatch(
      /default-mysql-server is not available either, so add an equivalent to the Dockerfile\. Why: /,
    );
    expect(result.warnings[1]?.message).toMatch(
      /^oldtool \(1\.0-1 in the archive\) is not available on debian:trixie and Kura knows no successor: /,
    );
  });

  it("installs nothing without dpkg, saying why", () => {
    expect(plan([pkg("samba")], { baseHasDpkg: false })).toMatchObject({
      install: [],
      warnings: [{ kind: "no-package-manager", message: expect.stringContaining("debian:trixie has no dpkg/apt") }],
    });
    expect(
      planPackages({
        manifest: { packageManager: "apk", packages: [pkg("nginx")] },
        baseImage: "alpine",
        baseHasDpkg: false,
        baseInstalledPackages: {},
        availablePackages: null,
      }),
    ).toMatchObject({
      install: [],
      warnings: [{ kind: "no-package-manager", message: expect.stringContaining("used apk") }],
    });
    expect(
      planPackages({
        manifest: { packageManager: null, packages: [] },
        baseImage: "x",
        baseHasDpkg: true,
        baseInstalledPackages: {},
        availablePackages: null,
      }).warnings[0]?.kind,
    ).toBe("no-package-manager");
  });

  it("says for every archived package why it is installed or not: the archive's fact, then the new base's", () => {
    const after = { kind: "installed-after-base" as const, text: "installed with apt after the base (apt-mark manual)" };
    const result = plan(
      [
        { ...pkg("cron", true, "3.0pl1-137"), reason: after },
        { ...pkg("bash"), reason: after },
        { ...pkg("ntp"), reason: after },
        { ...pkg("oldtool"), reason: after },
        { ...pkg("apt", false), reason: { kind: "in-base-image", text: "in the original base image (debian:bullseye's lowest layer)" } },
        { ...pkg("sensible-utils", false), reason: { kind: "dependency", text: "installed automatically as a dependency of cron" } },
        { ...pkg("libc6", false), reason: { kind: "in-minimal-set", text: "in Debian's minimal set (a dependency of apt)" } },
      ],
      { availablePackages: { cron: "3.0pl1-197", ntpsec: "1.2.3" } },
    );
    expect(result.install).toEqual(["cron", "ntpsec"]);
    expect(result.decisions).toEqual([
      { name: "cron", version: "3.0pl1-137", install: true, installs: ["cron"], kind: "install", reason: after.text },
      {
        name: "ntp",
        version: "1.0-1",
        install: true,
        installs: ["ntpsec"],
        kind: "renamed",
        reason: `${after.text}; renamed to ntpsec on the new base (debian:trixie)`,
      },
      {
        name: "apt",
        version: "1.0-1",
        install: false,
        installs: [],
        kind: "in-base-image",
        reason: "in the original base image (debian:bullseye's lowest layer)",
      },
      {
        name: "bash",
        version: "1.0-1",
        install: false,
        installs: [],
        kind: "already-in-new-base",
        reason: `${after.text}; already in the new base (debian:trixie)`,
      },
      {
        name: "libc6",
        version: "1.0-1",
        install: false,
        installs: [],
        kind: "in-minimal-set",
        reason: "in Debian's minimal set (a dependency of apt)",
      },
      {
        name: "oldtool",
        version: "1.0-1",
        install: false,
        installs: [],
        kind: "not-available",
        reason: `${after.text}; not available on the new base (debian:trixie), and Kura knows no successor`,
      },
      {
        name: "sensible-utils",
        version: "1.0-1",
        install: false,
        installs: [],
        kind: "dependency",
        reason: "installed automatically as a dependency of cron",
      },
    ]);
  });

  it("gives a decision to every package also when nothing can be installed", () => {
    const result = plan([pkg("samba"), pkg("libtalloc2", false)], { baseHasDpkg: false });
    expect(result.decisions.map((decision) => [decision.name, decision.kind, decision.install])).toEqual([
      ["libtalloc2", "not-marked", false],
      ["samba", "no-package-manager", false],
    ]);
    expect(result.decisions[1]?.reason).toBe("marked as installed by hand in the archive; not installed: debian:trixie has no dpkg/apt");
  });

  it("never puts an invalid name on the apt-get line", () => {
    const result = plan([pkg("ok-name"), pkg("bad;rm -rf /"), pkg("Upper")]);
    expect(result.install).toEqual(["ok-name"]);
    expect(result.warnings.filter((warning) => warning.message.includes("not a valid Debian package name"))).toHaveLength(2);
    expect(result.decisions.filter((decision) => decision.kind === "invalid-name").map((decision) => decision.name)).toEqual([
      "bad;rm -rf /",
      "Upper",
    ]);
  });
});
