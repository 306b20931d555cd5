import { describe, expect, it } from "vitest";
import { manifestSchema } from "@/lib/archives/manifest";
import { makeManifest } from "@/e2e/support/restore-fixtures";

// Package names reach apt-get, apt-cache and dpkg-query during a restore: the manifest schema lets
// through only names those tools cannot take for an option.
const withPackages = (packageManager: "dpkg" | "rpm" | "apk" | null, ...names: string[]) =>
  manifestSchema.safeParse(
    makeManifest({ packageManager, packages: names.map((name) => ({ name, version: "1", architecture: "amd64", manual: true })) }),
  );

describe("manifest package names", () => {
  it("accepts Debian policy names for dpkg", () => {
    expect(withPackages("dpkg", "samba", "libstdc++6", "g++-12", "python3.11", "0ad").success).toBe(true);
  });

  it.each(["-oDir::Bin::dpkg=/bin/sh", "--help", "a", "Samba", "samba;reboot", "samba tools", "samba:amd64", "", "foo/bar", ".hidden"])(
    "refuses %j for dpkg, naming it",
    (name) => {
      const result = withPackages("dpkg", "samba", name);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["packages", 1, "name"]);
      expect(result.error?.issues[0]?.message).toBe(
        `The package ${JSON.stringify(name)} is not a Debian package name (lower-case letters, digits, + - and ., starting with a letter or digit).`,
      );
    },
  );

  it("accepts rpm and apk names, and refuses one that starts like an option", () => {
    expect(withPackages("rpm", "perl-Digest-MD5", "NetworkManager", "libstdc++", "python3_foo").success).toBe(true);
    expect(withPackages("rpm", "--eval=%(id)").success).toBe(false);
    expect(withPackages(null, "-x").error?.issues[0]?.message).toBe('The package "-x" is not a package name.');
  });
});

describe("manifest package reasons", () => {
  const reason = { kind: "installed-after-base" as const, text: "installed with apt after the base (apt-mark manual)" };
  const packageBase = {
    source: "lowest-layer" as const,
    image: "debian:bullseye",
    readVia: "layer-folder" as const,
    description: "the packages of debian:bullseye (the container's lowest image layer), read from that layer's folder",
  };

  it("keeps each package's reason and where the base list came from", () => {
    const parsed = manifestSchema.parse(
      makeManifest({ packages: [{ name: "cron", version: "3.0pl1-137", architecture: "amd64", manual: true, reason }], packageBase }),
    );
    expect(parsed.packages[0]?.reason).toEqual(reason);
    expect(parsed.packageBase).toEqual(packageBase);
  });

  it("still reads an older manifest, which has neither (its `manual` keeps its meaning)", () => {
    const older = makeManifest({ packages: [{ name: "samba", version: "1", architecture: "amd64", manual: true }] });
    delete (older as { packageBase?: unknown }).packageBase;
    const parsed = manifestSchema.parse(older);
    expect(parsed.packages[0]).toEqual({ name: "samba", version: "1", architecture: "amd64", manual: true });
    expect(parsed.packageBase).toBeUndefined();
  });

  it("refuses a reason of a kind it does not know", () => {
    const odd = makeManifest({
      packages: [{ name: "cron", version: "1", architecture: "amd64", manual: true, reason: { kind: "priority" as never, text: "x" } }],
    });
    expect(manifestSchema.safeParse(odd).success).toBe(false);
  });
});
