import { describe, expect, it } from "vitest";
import { selectRestoreEntries } from "@/lib/restores/plan/select-restore-entries";
import { makeEntry } from "@/e2e/support/restore-fixtures";

describe("selectRestoreEntries", () => {
  const selection = selectRestoreEntries({
    entries: [
      makeEntry("/etc/shadow", "file"),
      makeEntry("/etc/passwd", "file"),
      makeEntry("/etc/passwd-", "file"),
      makeEntry("/srv/data", "dir"),
      makeEntry("/srv/data/db", "file", { source: "layer", mode: 0o644 }),
      makeEntry("/srv/data/db", "file", { source: "volume", mode: 0o600 }),
      makeEntry("/srv/data/current", "symlink", { linkTarget: "db" }),
      makeEntry("/srv/data/orphan", "symlink", { linkTarget: null }),
      makeEntry("/srv/data/fifo", "other"),
      makeEntry("/tmp/sock/x", "file"),
      makeEntry("/var/lib/dpkg/status", "file"),
      makeEntry("/proc/1/environ", "file"),
      makeEntry("/kura/restore.sh", "file"),
      makeEntry("/srv/../etc/x", "file"),
    ],
    deleted: [
      "/etc/nginx/sites-enabled/default",
      "/srv",
      "/srv/data/db",
      "/proc/1",
      "/etc/group",
      "/var/lib/dpkg/info/x.list",
      "/a/./b",
      "/etc/nginx/sites-enabled/default",
    ],
  });

  it("sorts account files out of the payload, in a fixed order", () => {
    expect(selection.accountFiles).toEqual(["/etc/passwd", "/etc/shadow"]);
    expect(selection.payloadEntries.map((entry) => entry.path)).not.toContain("/etc/passwd");
  });

  it("keeps one entry per path, a volume's over the layer's", () => {
    expect(selection.payloadEntries.map((entry) => [entry.path, entry.source])).toEqual([
      ["/etc/passwd-", "layer"],
      ["/srv/data", "layer"],
      ["/srv/data/db", "volume"],
      ["/tmp/sock/x", "layer"],
    ]);
    expect(selection.symlinks.map((entry) => entry.path)).toEqual(["/srv/data/current"]);
    expect(selection.metadataEntries.map((entry) => entry.path)).toEqual([
      "/etc/passwd-",
      "/srv/data",
      "/srv/data/current",
      "/srv/data/db",
      "/tmp/sock/x",
    ]);
  });

  it("lists the folders above the payload that have no entry of their own", () => {
    expect(selection.ancestors).toEqual(["/etc", "/srv", "/tmp", "/tmp/sock"]);
  });

  it("never deletes what is restored or lies above it, kernel paths, account files or the package database", () => {
    expect(selection.deletions).toEqual(["/etc/nginx/sites-enabled/default"]);
  });

  it("explains everything it left out", () => {
    const messages = selection.warnings.map((warning) => warning.message);
    expect(messages).toEqual([
      expect.stringMatching(/^2 archived path\(s\) are not clean absolute paths .*: \/srv\/\.\.\/etc\/x, \/a\/\.\/b\.$/),
      expect.stringMatching(/^2 archived path\(s\) under \/proc, \/sys, \/dev or \/kura were left out/),
      expect.stringMatching(/^1 archived path\(s\) under \/var\/lib\/dpkg or \/var\/lib\/apt were left out: copying/),
      expect.stringMatching(/^1 special file\(s\) .* mknod or mkfifo .*: \/srv\/data\/fifo\.$/),
      expect.stringMatching(/^1 symbolic link\(s\) have no recorded target/),
    ]);
  });
});
