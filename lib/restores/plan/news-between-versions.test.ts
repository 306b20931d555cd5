import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { StagePackage } from "@/lib/restores/package-stage/types";
import { entriesBetween, newsBetweenVersions, parseNewsDebian } from "@/lib/restores/plan/news-between-versions";

// Real NEWS.Debian files of Debian 13 (trixie) packages: openssh-server 1:10.0p1-7+deb13u4 and dovecot-core
// 1:2.4.1+dfsg1-6+deb13u7 (installed in an image FROM debian:trixie), postfix 3.10.13-0+deb13u1 and bind9
// 1:9.20.30-1~deb13u1 (from their .deb, apt-get download).
const read = (name: string) =>
  readFileSync(path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "trixie-packages", name), "utf8");

describe("parseNewsDebian on real files", () => {
  it("reads openssh's entries, newest first, with text, author and date", () => {
    const entries = parseNewsDebian(read("openssh-server.NEWS.Debian"));
    expect(entries[0]).toMatchObject({ source: "openssh", version: "1:10.0p1-1", distribution: "unstable" });
    expect(entries[0]?.author).toMatch(/^Colin Watson <cjwatson@debian.org>$/);
    expect(entries[0]?.date).toMatch(/\d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
    expect(entries[0]?.text).not.toMatch(/^\s/);
    expect(entries.map((entry) => entry.version)).toContain("1:8.7p1-1");
    expect(entries.length).toBeGreaterThan(15);
  });

  it("reads dovecot's 2.4 warning", () => {
    expect(parseNewsDebian(read("dovecot-core.NEWS.Debian"))).toEqual([
      expect.objectContaining({
        source: "dovecot",
        version: "1:2.4.1+dfsg1-1",
        text: expect.stringContaining("introduces\nan incompatible configuration language"),
      }),
    ]);
  });
});

describe("entriesBetween", () => {
  it("keeps old < version <= new: Debian 11's openssh 1:8.4p1-5 to Debian 13's 1:10.0p1-7", () => {
    const entries = entriesBetween(parseNewsDebian(read("openssh-server.NEWS.Debian")), "1:8.4p1-5+deb11u3", "1:10.0p1-7+deb13u4");
    const versions = entries.map((entry) => entry.version);
    expect(versions[0]).toBe("1:10.0p1-1");
    expect(versions).toContain("1:8.7p1-1");
    expect(versions).not.toContain("1:8.4p1-1");
    expect(versions.at(-1)).toBe("1:8.7p1-1");
    expect(entriesBetween(parseNewsDebian(read("openssh-server.NEWS.Debian")), "1:10.0p1-7", "1:10.0p1-7")).toEqual([]);
  });
});

describe("newsBetweenVersions", () => {
  const pkg = (name: string, version: string, news: string | null): StagePackage => ({
    name,
    version,
    conffiles: [],
    files: [],
    maintscripts: {},
    news,
  });
  const openssh = read("openssh-server.NEWS.Debian");
  const stage = {
    packages: {
      "openssh-server": pkg("openssh-server", "1:10.0p1-7+deb13u4", openssh),
      "openssh-client": pkg("openssh-client", "1:10.0p1-7+deb13u4", openssh),
      "dovecot-core": pkg("dovecot-core", "1:2.4.1+dfsg1-6+deb13u7", read("dovecot-core.NEWS.Debian")),
      postfix: pkg("postfix", "3.10.13-0+deb13u1", read("postfix.NEWS.Debian")),
      bind9: pkg("bind9", "1:9.20.30-1~deb13u1", read("bind9.NEWS.Debian")),
      "new-dependency": pkg("new-dependency", "1.0", openssh),
    },
  };

  it("lists per archived package what Debian told admins between the two versions, shared files once", () => {
    const news = newsBetweenVersions({
      stage,
      archivedPackages: {
        "openssh-server": "1:8.4p1-5+deb11u3",
        "openssh-client": "1:8.4p1-5+deb11u3",
        "dovecot-core": "1:2.3.13+dfsg1-2+deb11u1",
        postfix: "3.10.13-0+deb13u1",
        bind9: "1:9.16.50-1~deb11u2",
      },
    });
    expect(news.map((item) => [item.package, item.alsoIn])).toEqual([
      ["bind9", []],
      ["dovecot-core", []],
      ["openssh-client", ["openssh-server"]],
    ]);
    expect(news[1]).toMatchObject({ fromVersion: "1:2.3.13+dfsg1-2+deb11u1", toVersion: "1:2.4.1+dfsg1-6+deb13u7" });
    expect(news[1]?.entries).toHaveLength(1);
    for (const item of news) for (const entry of item.entries) expect(entry.text.length).toBeGreaterThan(0);
  });

  it("skips a hostile or empty NEWS quietly", () => {
    const hostile = {
      packages: { x: pkg("x", "2", "x (not a version!) unstable; urgency=low\n\n  hi\n\n -- a <b>  c\n" + "(".repeat(100_000)) },
    };
    expect(newsBetweenVersions({ stage: hostile, archivedPackages: { x: "1" } })).toEqual([]);
  });
});
