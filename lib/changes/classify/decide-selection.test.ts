import { describe, expect, it } from "vitest";
import { classifyEntry, type Classification } from "@/lib/changes/classify/classify-entry";
import { decideAll, decidedByHand, decideSelection } from "@/lib/changes/classify/decide-selection";
import type { Category, RawEntry, Rule } from "@/lib/changes/classify/types";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { compileRules } from "@/lib/rules/language/match-rules";

function entry(path: string, extra: Partial<RawEntry> = {}): RawEntry {
  return {
    path,
    kind: "added",
    source: "layer",
    type: "file",
    size: 1,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: "2024-05-01T10:00:00Z",
    ...extra,
  };
}
const as = (category: Category, reason = `reason for ${category}`): Classification => ({ category, reason });
const rules: Rule[] = [
  { pattern: "/var/log", action: "exclude", note: "" },
  { pattern: "/var/log/app/**", action: "include", note: "" },
];
const matcher = compileRules(rules);
const none = new Map<string, boolean>();

describe("decideSelection", () => {
  it("lets a person's tick on the path win over rules and category", () => {
    const e = entry("/var/log/syslog");
    expect(decideSelection(e, as("log"), matcher, new Map([["/var/log/syslog", true]]))).toEqual({
      selected: true,
      decidedBy: { reason: "ticked by hand" },
    });
    expect(decideSelection(entry("/srv/x"), as("user-data"), matcher, new Map([["/srv/x", false]]))).toEqual({
      selected: false,
      decidedBy: { reason: "unticked by hand" },
    });
  });
  it("inherits the nearest folder's override and names the folder", () => {
    const overrides = new Map([
      ["/srv", true],
      ["/srv/x", false],
    ]);
    expect(decideSelection(entry("/srv/x/a/b"), as("user-data"), matcher, overrides)).toEqual({
      selected: false,
      decidedBy: { reason: "unticked by hand (folder /srv/x)" },
    });
    expect(decideSelection(entry("/srv/y"), as("secret-candidate"), matcher, overrides)).toEqual({
      selected: true,
      decidedBy: { reason: "ticked by hand (folder /srv)" },
    });
    expect(decideSelection(entry("/srvx/y"), as("user-data"), matcher, overrides).decidedBy).toEqual({ reason: "reason for user-data" });
    expect(decideSelection(entry("/a"), as("runtime"), matcher, new Map([["/", true]])).decidedBy.reason).toBe("ticked by hand (folder /)");
  });
  it("else lets the last matching rule decide, keeping the category's reason", () => {
    expect(decideSelection(entry("/var/log/syslog"), as("log", "log under /var/log"), matcher, none)).toEqual({
      selected: false,
      decidedBy: { rule: "/var/log", reason: "log under /var/log" },
    });
    expect(decideSelection(entry("/var/log/app/a.log"), as("log"), matcher, none)).toEqual({
      selected: true,
      decidedBy: { rule: "/var/log/app/**", reason: "reason for log" },
    });
    // An include rule can select a secret candidate: the person wrote it.
    expect(decideSelection(entry("/var/log/app/id_rsa"), as("secret-candidate"), matcher, none).selected).toBe(true);
  });
  it("else decides by category", () => {
    const selected = (category: Category) => decideSelection(entry("/srv/x"), as(category), matcher, none).selected;
    expect(selected("user-data")).toBe(true);
    expect(selected("config")).toBe(true);
    expect(selected("account")).toBe(true);
    expect(selected("log")).toBe(false);
    expect(selected("package-unchanged")).toBe(false);
    expect(selected("runtime")).toBe(false);
    // Kept by default: a host key or TLS key is the service's identity.
    expect(selected("secret-candidate")).toBe(true);
    expect(decideSelection(entry("/srv/x"), as("config", "configuration under /etc"), matcher, none).decidedBy).toEqual({
      reason: "configuration under /etc",
    });
  });
  it("treats deletions the same way (selected = record the deletion)", () => {
    const deleted = entry("/var/log/old.log", { kind: "deleted", mtime: null });
    expect(decideSelection(deleted, as("log"), matcher, none).selected).toBe(false);
    expect(decideSelection(entry("/etc/motd", { kind: "deleted", mtime: null }), as("config"), matcher, none).selected).toBe(true);
  });
  it("uses the entry type for dir-only rules", () => {
    const dirRule = compileRules([{ pattern: "cache/", action: "exclude", note: "" }]);
    expect(decideSelection(entry("/srv/cache", { type: "dir" }), as("user-data"), dirRule, none).selected).toBe(false);
    expect(decideSelection(entry("/srv/cache"), as("user-data"), dirRule, none).selected).toBe(true);
  });
});

describe("the Default rule set with classification", () => {
  const decideOne = (path: string, extra: Partial<RawEntry> = {}, overrides: { path: string; selected: boolean }[] = []) => {
    const [decided] = decideAll([entry(path, extra)], (e) => classifyEntry(e, {}), DEFAULT_RULES, overrides);
    if (!decided) throw new Error("no entry");
    return { category: decided.category, selected: decided.selected, decidedBy: decided.decidedBy };
  };
  it("never keeps sockets, FIFOs, pid and lock files, nor Dovecot's instance list", () => {
    const socket = decideOne("/var/spool/postfix/private/smtp", { type: "other", source: "volume" });
    expect(socket).toMatchObject({ category: "runtime", selected: false });
    expect(socket.decidedBy.reason).toMatch(/^socket, FIFO or device node: the service recreates it when it starts/);
    expect(decideOne("/srv/data/queue.fifo", { type: "other" })).toMatchObject({ category: "runtime", selected: false });
    expect(decideOne("/var/spool/postfix/pid/master.pid")).toMatchObject({ category: "runtime", selected: false });
    expect(decideOne("/var/lib/postfix/master.lock")).toMatchObject({
      category: "runtime",
      selected: false,
      decidedBy: { reason: "lock file: the service takes it again when it starts" },
    });
    expect(decideOne("/var/lib/dovecot/instances")).toMatchObject({ category: "runtime", selected: false });
  });
  it("keeps dependency locks, Dovecot's mailbox indexes and git hooks' files: they are data", () => {
    expect(decideOne("/srv/app/package-lock.json")).toMatchObject({ category: "user-data", selected: true });
    expect(decideOne("/srv/app/Gemfile.lock")).toMatchObject({ category: "user-data", selected: true });
    expect(decideOne("/home/u/Maildir/dovecot.index.log")).toEqual({
      category: "user-data",
      selected: true,
      decidedBy: { reason: "not from any package" },
    });
    expect(decideOne("/home/u/Maildir/.Sent/dovecot.index.log", { source: "volume" })).toMatchObject({ selected: true });
    expect(decideOne("/srv/git/x.git/hooks/push.log")).toMatchObject({ category: "user-data", selected: true });
  });
  it("leaves logs out by their category and says how to keep one", () => {
    const keepIt = /logs are left out by default; tick it, or add an include rule such as !\/var\/log\/app\/\*\* to keep it$/;
    const syslog = decideOne("/var/log/syslog");
    expect(syslog).toMatchObject({ category: "log", selected: false });
    expect(syslog.decidedBy.rule).toBeUndefined();
    expect(syslog.decidedBy.reason).toMatch(/^log under \/var\/log: /);
    expect(syslog.decidedBy.reason).toMatch(keepIt);
    const appLog = decideOne("/srv/app/logs/app.log");
    expect(appLog).toMatchObject({ category: "log", selected: false });
    expect(appLog.decidedBy.reason).toMatch(keepIt);
    // The folder comes back (empty), with its owner and mode, so the service can write there.
    expect(decideOne("/srv/app/logs", { type: "dir" })).toEqual({
      category: "log",
      selected: true,
      decidedBy: { reason: "log folder (logs): kept, empty, so the service finds it; the logs in it are left out" },
    });
    expect(decideOne("/var/log/syslog", {}, [{ path: "/var/log/syslog", selected: true }])).toMatchObject({
      selected: true,
      decidedBy: { reason: "ticked by hand" },
    });
    const kept = decideAll([entry("/var/log/app/a.log")], (e) => classifyEntry(e, {}), [...DEFAULT_RULES, rules[1]!], []);
    expect(kept[0]).toMatchObject({ selected: true, decidedBy: { rule: "/var/log/app/**" } });
  });
  it("tells a person's decision from a rule's or a category's", () => {
    expect(decidedByHand({ reason: "ticked by hand" })).toBe(true);
    expect(decidedByHand({ reason: "unticked by hand (folder /srv)" })).toBe(true);
    expect(decidedByHand({ rule: "/srv", reason: "not from any package" })).toBe(false);
    expect(decidedByHand({ reason: "log under /var/log" })).toBe(false);
  });
});

describe("decideAll", () => {
  it("classifies and decides every entry", () => {
    const entries = [
      entry("/etc/samba/smb.conf"),
      entry("/var/log/samba/log.smbd"),
      entry("/root/.ssh/id_rsa"),
      entry("/srv/share/a.txt"),
      entry("/srv/share/b.txt"),
    ];
    const result = decideAll(entries, (e) => classifyEntry(e, {}), DEFAULT_RULES, [
      { path: "/srv/share/", selected: false },
      { path: "/srv/share/b.txt", selected: true },
    ]);
    expect(result.map((r) => [r.path, r.category, r.selected, r.decidedBy])).toEqual([
      ["/etc/samba/smb.conf", "config", true, { reason: "configuration under /etc" }],
      [
        "/var/log/samba/log.smbd",
        "log",
        false,
        {
          reason: "log under /var/log: logs are left out by default; tick it, or add an include rule such as !/var/log/app/** to keep it",
        },
      ],
      ["/root/.ssh/id_rsa", "secret-candidate", true, { reason: "looks like a private key (id_rsa)" }],
      ["/srv/share/a.txt", "user-data", false, { reason: "unticked by hand (folder /srv/share)" }],
      ["/srv/share/b.txt", "user-data", true, { reason: "ticked by hand" }],
    ]);
    expect(result[0]).toMatchObject({ kind: "added", source: "layer", size: 1 });
  });
  it("gives the same answers as decideSelection one entry at a time", () => {
    const overrides = [
      { path: "/", selected: false },
      { path: "/srv", selected: true },
      { path: "/srv/a/b", selected: false },
      { path: "/srv/a/b/c.txt", selected: true },
      { path: "/etc/samba", selected: false },
    ];
    const paths = [
      "/srv",
      "/srv/a",
      "/srv/a/b",
      "/srv/a/b/c.txt",
      "/srv/a/b/d.txt",
      "/srv/a/bb",
      "/etc/samba/smb.conf",
      "/etc/hosts",
      "/var/log/x",
      "/opt/z",
      "/srvx",
    ];
    const entries = paths.map((path) => entry(path));
    const classify = (e: RawEntry) => classifyEntry(e, {});
    const all = decideAll(entries, classify, DEFAULT_RULES, overrides);
    const matcher = compileRules(DEFAULT_RULES);
    const map = new Map(overrides.map((o) => [o.path, o.selected]));
    entries.forEach((e, i) => {
      const one = decideSelection(e, classify(e), matcher, map);
      expect({ path: e.path, selected: all[i]?.selected, decidedBy: all[i]?.decidedBy }).toEqual({ path: e.path, ...one });
    });
    expect(all.find((e) => e.path === "/opt/z")?.decidedBy.reason).toBe("unticked by hand (folder /)");
  });
  it("handles 100,000 entries quickly (sanity bound, not a benchmark)", () => {
    const dirs = [
      "/srv/data",
      "/var/lib/mysql",
      "/etc/app",
      "/var/log/app",
      "/home/user",
      "/usr/share/doc",
      "/var/cache/apt",
      "/opt/app/lib",
    ];
    const entries = Array.from({ length: 100_000 }, (_, i) => entry(`${dirs[i % dirs.length]}/d${i % 101}/f${i}.${i % 5 ? "txt" : "log"}`));
    const start = performance.now();
    const result = decideAll(entries, (e) => classifyEntry(e, {}), DEFAULT_RULES, [
      { path: "/srv/data/d1", selected: false },
      { path: "/home/user", selected: false },
    ]);
    const elapsed = performance.now() - start;
    console.log(`decideAll: 100k entries classified and decided in ${elapsed.toFixed(1)} ms`);
    expect(result).toHaveLength(100_000);
    expect(elapsed).toBeLessThan(3000);
  });
});
