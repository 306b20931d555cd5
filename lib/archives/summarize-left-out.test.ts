import { describe, expect, it } from "vitest";
import { classifyEntry } from "@/lib/changes/classify/classify-entry";
import { decideAll } from "@/lib/changes/classify/decide-selection";
import type { RawEntry } from "@/lib/changes/classify/types";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { leftOutSchema } from "./manifest";
import { summarizeLeftOut } from "./summarize-left-out";

function raw(path: string, extra: Partial<RawEntry> = {}): RawEntry {
  return {
    path,
    kind: "added",
    source: "layer",
    type: "file",
    size: 100,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: "2024-05-01T10:00:00Z",
    ...extra,
  };
}

const PACKAGE_FILE = "/usr/bin/true";

/** A container's changes decided as detection does: the Default rules, real classification, a person's unticks. */
function detected(overrides: { path: string; selected: boolean }[] = []) {
  const entries = [
    raw("/srv/app/data.txt", { size: 17 }),
    raw("/srv/scratch", { type: "dir", size: 0 }),
    raw("/srv/scratch/a.tmp", { size: 1000 }),
    raw("/srv/scratch/b.tmp", { size: 2000 }),
    raw("/var/spool/postfix/private/smtp", { type: "other", size: 0, source: "volume" }),
    raw("/var/spool/postfix/pid/master.pid", { size: 5 }),
    raw("/var/lib/postfix/master.lock", { size: 33 }),
    raw("/var/lib/dovecot/instances", { size: 40 }),
    raw("/run", { type: "dir", size: 0, kind: "modified" }),
    raw("/run/app.pid", { size: 5 }),
    raw("/var/log/syslog", { size: 5000 }),
    raw("/srv/app/logs", { type: "dir", size: 0 }),
    raw("/srv/app/logs/app.log", { size: 700 }),
    raw("/home/u/Maildir/dovecot.index.log", { size: 300 }),
    raw("/var/backups/dpkg.status.0", { size: 9000 }),
    raw(PACKAGE_FILE, { kind: "modified", size: 39000 }),
    raw("/srv/gone.txt", { kind: "deleted", type: "other", size: 0, mtime: null }),
    raw("/srv/app/big.bin", { size: 10_000_000_000 }),
  ];
  const classify = (entry: RawEntry) =>
    classifyEntry(entry, entry.path === PACKAGE_FILE ? { pkg: { owner: "coreutils", conffile: false, unchanged: true } } : {});
  return decideAll(entries, classify, DEFAULT_RULES, overrides);
}

describe("summarizeLeftOut", () => {
  it("groups what the archive does not hold by why, with counts, bytes and example paths", () => {
    const entries = detected([{ path: "/srv/scratch", selected: false }]);
    const archivedFiles = new Set(entries.filter((e) => e.selected && e.type === "file").map((e) => e.path));
    archivedFiles.delete("/srv/app/big.bin");
    const summary = summarizeLeftOut({
      entries,
      archivedFiles,
      warnings: [
        { code: "file-too-large", path: "/srv/app/big.bin", message: "too large" },
        { code: "file-too-large", path: "/srv/app/big.bin", message: "said twice" },
        // About a check, not about the file's content: not "unreadable".
        { code: "package-database-refused", path: "/var/lib/dpkg/status", message: "refused" },
        // Read, in the end: the archive holds it.
        { code: "changed-during-read", path: "/srv/app/data.txt", message: "replaced" },
      ],
    });
    expect(leftOutSchema.parse(summary)).toEqual(summary);
    expect(summary.groups).toEqual([
      { reason: "unticked", rule: null, count: 2, folders: 1, bytes: 3000, examples: ["/srv/scratch/"] },
      { reason: "rule", rule: "/var/backups", count: 1, folders: 0, bytes: 9000, examples: ["/var/backups/dpkg.status.0"] },
      {
        reason: "runtime",
        rule: null,
        count: 5,
        folders: 1,
        bytes: 83,
        examples: [
          "/run/",
          "/var/lib/dovecot/instances",
          "/var/lib/postfix/master.lock",
          "/var/spool/postfix/pid/master.pid",
          "/var/spool/postfix/private/smtp",
        ],
      },
      { reason: "log", rule: null, count: 2, folders: 0, bytes: 5700, examples: ["/srv/app/logs/app.log", "/var/log/syslog"] },
      { reason: "package-unchanged", rule: null, count: 1, folders: 0, bytes: 39000, examples: [PACKAGE_FILE] },
      { reason: "unreadable", rule: null, count: 1, folders: 0, bytes: 10_000_000_000, examples: ["/srv/app/big.bin"] },
    ]);
  });
  it("counts a ticked socket as runtime (an archive cannot hold one) and never counts deletions or kept data", () => {
    const entries = detected([{ path: "/var/spool/postfix/private/smtp", selected: true }]);
    const summary = summarizeLeftOut({ entries, archivedFiles: new Set(), warnings: [] });
    const runtime = summary.groups.find((group) => group.reason === "runtime");
    expect(runtime?.examples).toContain("/var/spool/postfix/private/smtp");
    const all = summary.groups.flatMap((group) => group.examples);
    for (const kept of ["/srv/app/data.txt", "/home/u/Maildir/dovecot.index.log", "/srv/app/logs", "/srv/app/logs/", "/srv/gone.txt"])
      expect(all, kept).not.toContain(kept);
  });
  it("keeps at most the asked number of examples, a folder standing for what is below it", () => {
    const entries = [
      raw("/tmp", { type: "dir", size: 0 }),
      ...Array.from({ length: 50 }, (_, i) => raw(`/tmp/f${String(i).padStart(2, "0")}`)),
      raw("/tmp-x/a"),
      ...Array.from({ length: 50 }, (_, i) => raw(`/var/tmp/g${String(i).padStart(2, "0")}`)),
    ].map((entry) => ({ ...entry, category: "runtime" as const, selected: false, decidedBy: { reason: "temporary file" } }));
    const summary = summarizeLeftOut({ entries, archivedFiles: new Set(), warnings: [], examples: 5 });
    expect(summary.groups).toEqual([
      {
        reason: "runtime",
        rule: null,
        count: 101,
        folders: 1,
        bytes: 10100,
        examples: ["/tmp/", "/tmp-x/a", "/var/tmp/g00", "/var/tmp/g01", "/var/tmp/g02"],
      },
    ]);
  });
  it("says nothing when everything is kept", () => {
    expect(summarizeLeftOut({ entries: [], archivedFiles: new Set(), warnings: [] })).toEqual({ groups: [] });
  });
});
