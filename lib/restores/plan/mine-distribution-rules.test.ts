import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { StageConffile, StagePackage } from "@/lib/restores/package-stage/types";
import { mineDistributionRules, readMaintscriptCalls, toRuleMatches } from "@/lib/restores/plan/mine-distribution-rules";

// Real maintainer scripts and conffiles lists of Debian 13 (trixie) packages: /var/lib/dpkg/info of an image built
// FROM debian:trixie with openssh-server installed, and the control members (dpkg-deb -e) of bind9 1:9.20.30-1~deb13u1,
// procps 2:4.0.4-9 and postfix 3.10.13-0+deb13u1 fetched with apt-get download.
const FIXTURES = path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "trixie-packages");
const read = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const readOr = (name: string) => {
  try {
    return read(name);
  } catch {
    return undefined;
  }
};

function conffiles(text: string): StageConffile[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const words = line.trim().split(/\s+/);
      const flagged = words[0] === "remove-on-upgrade";
      return { path: flagged ? words[1]! : words[0]!, md5: "", obsolete: false, removeOnUpgrade: flagged };
    });
}

function stagePackage(name: string, version: string): StagePackage {
  const maintscripts: StagePackage["maintscripts"] = {};
  for (const script of ["preinst", "postinst", "postrm", "prerm"] as const) {
    const text = readOr(`${name}.${script}`);
    if (text !== undefined) maintscripts[script] = text;
  }
  return { name, version, conffiles: conffiles(readOr(`${name}.conffiles`) ?? ""), files: [], maintscripts, news: null };
}

const STAGE = {
  packages: {
    bind9: stagePackage("bind9", "1:9.20.30-1~deb13u1"),
    "openssh-server": stagePackage("openssh-server", "1:10.0p1-7+deb13u4"),
    procps: stagePackage("procps", "2:4.0.4-9"),
    postfix: stagePackage("postfix", "3.10.13-0+deb13u1"),
  },
};
/** Debian 11 (bullseye) versions. */
const BULLSEYE = {
  bind9: "1:9.16.50-1~deb11u2",
  "openssh-server": "1:8.4p1-5+deb11u3",
  procps: "2:3.3.17-1",
  postfix: "3.5.25-0+deb11u1",
};

describe("readMaintscriptCalls on real scripts", () => {
  it("reads debhelper's blocks in bind9's preinst: mv_conffile with its prior version, rm_conffile, the escaped ~", () => {
    const calls = readMaintscriptCalls(read("bind9.preinst"), "preinst");
    expect(calls).toContainEqual({
      operation: "mv_conffile",
      paths: ["/etc/default/bind9", "/etc/default/named"],
      priorVersion: "1:9.12.0~",
      script: "preinst",
      text: "dpkg-maintscript-helper mv_conffile /etc/default/bind9 /etc/default/named 1:9.12.0~",
    });
    expect(calls).toContainEqual(
      expect.objectContaining({ operation: "rm_conffile", paths: ["/etc/bind/db.local"], priorVersion: "1:9.20.5-1~" }),
    );
    expect(calls.length).toBeGreaterThanOrEqual(10);
  });

  it("ignores comments that name the helper and its `supports` queries (openssh-server's postinst)", () => {
    const script = read("openssh-server.postinst");
    expect(script).toContain("# then the dpkg-maintscript-helper calls from openssh-client's");
    expect(readMaintscriptCalls(script, "postinst")).toEqual([
      {
        operation: "rm_conffile",
        paths: ["/etc/network/if-up.d/openssh-server"],
        priorVersion: "1:7.9p1-1~",
        script: "postinst",
        text: "dpkg-maintscript-helper rm_conffile /etc/network/if-up.d/openssh-server 1:7.9p1-1~",
      },
    ]);
  });

  it("joins continued lines and reads the link operations, as hand-written scripts have them", () => {
    const script = [
      "if dpkg-maintscript-helper supports symlink_to_dir 2>/dev/null; then",
      "  dpkg-maintscript-helper symlink_to_dir \\",
      '    /usr/share/doc/foo ../bar 1.2-3~ foo -- "$@"',
      "fi",
      'dpkg-maintscript-helper dir_to_symlink /etc/foo/conf.d "../foo.d" "" -- "$@"',
      'dpkg-maintscript-helper mv_conffile "$OLD" /etc/x 1.0 -- "$@"',
      "true && dpkg-maintscript-helper rm_conffile '/etc/a b' 2.0~ -- \"$@\"",
    ].join("\n");
    expect(readMaintscriptCalls(script, "preinst").map(({ operation, paths, priorVersion }) => [operation, paths, priorVersion])).toEqual([
      ["symlink_to_dir", ["/usr/share/doc/foo", "../bar"], "1.2-3~"],
      ["dir_to_symlink", ["/etc/foo/conf.d", "../foo.d"], null],
      ["rm_conffile", ["/etc/a b"], "2.0~"],
    ]);
  });
});

describe("mineDistributionRules: Debian 11 archive, Debian 13 packages", () => {
  const archivedPaths = new Set([
    "/etc/default/bind9",
    "/etc/bind/db.local",
    "/etc/bind/named.conf.options",
    "/etc/sysctl.conf",
    "/etc/postfix/post-install",
    "/etc/network/if-up.d/openssh-server",
  ]);
  const rules = mineDistributionRules({ stage: STAGE, archivedPackages: BULLSEYE, archivedPaths });
  const find = (operation: string, file: string) => rules.find((rule) => rule.operation === operation && rule.paths[0] === file);

  it("keeps bind9's rm_conffile of db.local (9.16 is before 1:9.20.5-1~) as db.local.dpkg-bak, with its source", () => {
    expect(find("rm_conffile", "/etc/bind/db.local")).toMatchObject({
      status: "applies",
      action: { kind: "move", from: "/etc/bind/db.local", to: "/etc/bind/db.local.dpkg-bak" },
      source: "from bind9 1:9.20.30-1~deb13u1 postinst: dpkg-maintscript-helper rm_conffile /etc/bind/db.local 1:9.20.5-1~",
    });
  });

  it("leaves out a move whose prior version the archive is already past (bind9 9.16 > 1:9.12.0~)", () => {
    expect(find("mv_conffile", "/etc/default/bind9")).toMatchObject({
      status: "not-applicable",
      action: null,
      reason: expect.stringMatching(/newer than 1:9.12.0~/),
    });
  });

  it("applies openssh-server's rm_conffile only from before 1:7.9p1-1~ (not from 8.4), and remove-on-upgrade conffiles", () => {
    expect(find("rm_conffile", "/etc/network/if-up.d/openssh-server")?.status).toBe("not-applicable");
    expect(find("remove-on-upgrade", "/etc/postfix/post-install")).toMatchObject({
      status: "applies",
      script: "conffiles",
      action: { kind: "move", from: "/etc/postfix/post-install", to: "/etc/postfix/post-install.dpkg-bak" },
      source: "from postfix 3.10.13-0+deb13u1 conffiles: /etc/postfix/post-install remove-on-upgrade",
    });
    // procps drops /etc/sysctl.conf both ways: rm_conffile before 2:4.0.4-7~ (3.3.17 is), and remove-on-upgrade.
    expect(find("rm_conffile", "/etc/sysctl.conf")?.status).toBe("applies");
  });

  it("lists a call repeated in the four scripts once, and only for archived paths", () => {
    expect(rules.filter((rule) => rule.paths[0] === "/etc/bind/db.local")).toHaveLength(1);
    expect(rules.some((rule) => rule.paths[0] === "/etc/bind/db.root")).toBe(false);
  });

  it("applies nothing for a package that was not archived", () => {
    const none = mineDistributionRules({ stage: STAGE, archivedPackages: {}, archivedPaths });
    expect(none.every((rule) => rule.status === "not-applicable")).toBe(true);
    expect(toRuleMatches(none)).toEqual([]);
  });

  it("becomes rule matches for the restore script, each with its source as note", () => {
    const matches = toRuleMatches(rules);
    expect(matches.map((match) => match.rule.action)).toContainEqual({
      kind: "move",
      from: "/etc/bind/db.local",
      to: "/etc/bind/db.local.dpkg-bak",
    });
    for (const match of matches) {
      expect(match.status).toBe("applies");
      expect(match.rule.id).toMatch(/^dist-[A-Za-z0-9_.-]+$/);
      expect(match.rule.note).toMatch(/^from /);
    }
  });

  it("moves a folder that became a link into its target, and moves nothing for a link that became a folder", () => {
    const stage = {
      packages: {
        foo: {
          name: "foo",
          version: "2.0-1",
          conffiles: [],
          files: [],
          maintscripts: {
            postinst:
              'dpkg-maintscript-helper dir_to_symlink /etc/foo/conf.d ../foo.d 2.0-1~ -- "$@"\n' +
              'dpkg-maintscript-helper symlink_to_dir /etc/foo/old /srv/old 2.0-1~ -- "$@"\n' +
              'dpkg-maintscript-helper rm_conffile /etc/passwd 2.0-1~ -- "$@"\n',
          },
          news: null,
        },
      },
    };
    const mined = mineDistributionRules({ stage, archivedPackages: { foo: "1.0-1" } });
    expect(mined.map((rule) => [rule.operation, rule.status, rule.action])).toEqual([
      ["dir_to_symlink", "applies", { kind: "move", from: "/etc/foo/conf.d", to: "/etc/foo.d" }],
      ["symlink_to_dir", "applies", null],
      ["rm_conffile", "not-applicable", null],
    ]);
    expect(mined[1]?.reason).toMatch(/files kept in \/srv\/old stay there/);
  });
});
