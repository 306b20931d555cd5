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

  it("never puts an invalid name on the apt-get line", () => {
    const result = plan([pkg("ok-name"), pkg("bad;rm -rf /"), pkg("Upper")]);
    expect(result.install).toEqual(["ok-name"]);
    expect(result.warnings.filter((warning) => warning.message.includes("not a valid Debian package name"))).toHaveLength(2);
  });
});
