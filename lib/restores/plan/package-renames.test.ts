import { describe, expect, it } from "vitest";
import { PACKAGE_NAME_PATTERN } from "@/lib/restores/plan/migration-rule-schema";
import { findPackageRename, PACKAGE_RENAMES } from "@/lib/restores/plan/package-renames";

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
