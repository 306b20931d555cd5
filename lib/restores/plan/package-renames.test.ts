import { describe, expect, it } from "vitest";
import { PACKAGE_NAME_PATTERN } from "@/lib/restores/plan/migration-rule-schema";
import { findPackageRename, findVersionedSuccessor, PACKAGE_RENAMES } from "@/lib/restores/plan/package-renames";

describe("PACKAGE_RENAMES", () => {
  it("lists each old name once, with valid names and a source", () => {
    const names = PACKAGE_RENAMES.map((rename) => rename.from);
    expect(new Set(names).size).toBe(names.length);
    for (const rename of PACKAGE_RENAMES) {
      expect(rename.from).toMatch(PACKAGE_NAME_PATTERN);
      expect(rename.to.length).toBeGreaterThan(0);
      for (const successor of rename.to) {
        expect(successor).toMatch(PACKAGE_NAME_PATTERN);
        expect(findPackageRename(successor)).toBeNull(); // no chains
      }
      expect(rename.source.length).toBeGreaterThan(20);
    }
  });
  it("finds the documented successors", () => {
    expect(findPackageRename("libssl3")?.to).toEqual(["libssl3t64"]);
    expect(findPackageRename("policykit-1")?.to).toEqual(["polkitd", "pkexec"]);
    expect(findPackageRename("mysql-server")?.to).toEqual(["default-mysql-server"]);
    expect(findPackageRename("netcat")?.to).toEqual(["netcat-openbsd"]);
    expect(findPackageRename("samba")).toBeNull();
  });
});

describe("findVersionedSuccessor", () => {
  const trixie = new Set([
    "php8.4-common",
    "php8.4-cli",
    "libapache2-mod-php8.4",
    "libapache2-mod-php",
    "php-common",
    "libpython3.13-minimal",
  ]);
  it("finds the same family with another version", () => {
    expect(findVersionedSuccessor("php7.4-common", trixie)).toEqual({
      from: "php7.4-common",
      to: "php8.4-common",
      fromVersion: "7.4",
      toVersion: "8.4",
    });
    expect(findVersionedSuccessor("libapache2-mod-php7.4", trixie)?.to).toBe("libapache2-mod-php8.4");
    expect(findVersionedSuccessor("libpython3.9-minimal", trixie)?.to).toBe("libpython3.13-minimal");
    expect(findVersionedSuccessor("postgresql-13", new Set(["postgresql-15", "postgresql-17", "postgresql-common"]))?.to).toBe(
      "postgresql-17",
    );
  });
  it("finds nothing for an unversioned name, a name the new base keeps, or a family that is gone", () => {
    expect(findVersionedSuccessor("php-common", trixie)).toBeNull();
    expect(findVersionedSuccessor("php8.4-common", trixie)).toBeNull();
    expect(findVersionedSuccessor("php7.4-json", trixie)).toBeNull();
    expect(findVersionedSuccessor("libssl1.1", new Set(["libssl3t64"]))).toBeNull();
  });
});
