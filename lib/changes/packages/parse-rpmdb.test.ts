import { describe, expect, it } from "vitest";
import { DIR, encodeHeader, rpmPackage } from "@/e2e/support/rpm-headers";
import { parseRpmdb, parseRpmHeader } from "./parse-rpmdb";

// Headers built the way rpm lays them out; reading them out of the SQLite file within limits is
// tested in lib/changes/read-rpmdb.test.ts, the real thing (written by rpm) in
// detect-container-changes.int.test.ts.

const SHA = (char: string) => char.repeat(64);

describe("parseRpmdb", () => {
  it("lists packages with epoch-less versions and maps files to owners, digests and %config", () => {
    const db = parseRpmdb([
      rpmPackage("nginx", "1.20.1", [
        { dir: "/etc/nginx/", base: "nginx.conf", digest: SHA("a"), config: true },
        { dir: "/usr/sbin/", base: "nginx", digest: SHA("b") },
        { dir: "/var/lib/", base: "nginx", digest: "", mode: DIR },
      ]),
      rpmPackage("bash", "5.1.8", [{ dir: "/usr/bin/", base: "bash", digest: SHA("c") }]),
      encodeHeader([{ tag: 1000, type: 6, value: "gpg-pubkey" }]),
    ]);
    expect(db.packages).toEqual([
      { name: "bash", version: "5.1.8-1.el9", architecture: "x86_64" },
      { name: "nginx", version: "1.20.1-1.el9", architecture: "x86_64" },
    ]);
    expect(db.algorithm).toBe("sha256");
    expect(db.owners.get("/etc/nginx/nginx.conf")).toBe("nginx");
    expect(db.owners.get("/var/lib/nginx")).toBe("nginx");
    expect(db.digests.get("/usr/sbin/nginx")).toBe(SHA("b"));
    expect(db.digests.has("/var/lib/nginx")).toBe(false);
    expect([...db.config]).toEqual(["/etc/nginx/nginx.conf"]);
  });

  it("leaves out digests of packages that use another algorithm than most", () => {
    const db = parseRpmdb([
      rpmPackage("a", "1", [{ dir: "/a/", base: "x", digest: SHA("1") }]),
      rpmPackage("b", "1", [{ dir: "/b/", base: "y", digest: SHA("2") }]),
      rpmPackage("old", "1", [{ dir: "/o/", base: "z", digest: "f".repeat(32) }], 1),
    ]);
    expect(db.algorithm).toBe("sha256");
    expect(db.owners.get("/o/z")).toBe("old");
    expect(db.digests.has("/o/z")).toBe(false);
  });

  it("survives hostile headers", () => {
    // An index that points outside its data, a count far too large, a truncated blob: ignored, not thrown.
    const broken = encodeHeader([{ tag: 1000, type: 6, value: "ok" }]);
    broken.writeInt32BE(999_999, 8 + 8);
    expect(parseRpmHeader(broken).size).toBe(0);
    expect(parseRpmHeader(Buffer.from([0, 0, 0, 200, 0, 0, 0, 1])).size).toBe(0);
    expect(parseRpmdb([Buffer.from([1, 2, 3])]).packages).toEqual([]);
  });
});
