import { describe, expect, it } from "vitest";
import { encodeRestoreEntries, epochSeconds, FALLBACK_BATCH, octalMode, touchStamp } from "@/lib/restores/plan/encode-restore-entries";
import { makeEntry } from "@/e2e/support/restore-fixtures";

describe("encodeRestoreEntries", () => {
  const entries = [
    makeEntry("/srv/a dir", "dir", {
      mode: 0o2750,
      user: "alice",
      group: "alice",
      uid: 1001,
      gid: 1001,
      mtime: "2020-01-02T03:04:05.678Z",
    }),
    makeEntry("/srv/a dir/it's\nhere", "file", { mode: 0o4755, user: "", group: "", uid: 33, gid: 33, mtime: null }),
    makeEntry("/srv/a dir/link", "symlink", { linkTarget: "../$(x)", user: "alice", group: "alice", uid: 1001, gid: 1001 }),
  ];
  const encoded = encodeRestoreEntries(entries);

  it("writes 9 NUL-terminated fields per entry for the perl pass", () => {
    const fields = encoded.entriesNul.split("\0");
    expect(fields.pop()).toBe("");
    expect(fields).toEqual([
      "d",
      "/srv/a dir",
      "02750",
      "1001",
      "1001",
      "alice",
      "alice",
      "1577934245",
      "",
      "f",
      "/srv/a dir/it's\nhere",
      "04755",
      "33",
      "33",
      "",
      "",
      "",
      "",
      "l",
      "/srv/a dir/link",
      "00777",
      "1001",
      "1001",
      "alice",
      "alice",
      "1622548800",
      "../$(x)",
    ]);
  });

  it("writes the shell fallback with owners resolved once and calls batched by value, every value single-quoted", () => {
    const body = encoded.metadataSh
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .join("\n");
    expect(body).toBe(
      [
        "u0=$(kura_id passwd 'alice' 1001)",
        "g1=$(kura_id group 'alice' 1001)",
        "u2=$(kura_id passwd '' 33)",
        "g3=$(kura_id group '' 33)",
        `kura_link '../$(x)' '/srv/a dir/link' "$u0" "$g1"`,
        `kura_chown "$u0" "$g1" '/srv/a dir'`,
        `kura_chown "$u2" "$g3" '/srv/a dir/it'\\''s\nhere'`,
        "kura_chmod 02750 '/srv/a dir'",
        "kura_chmod 04755 '/srv/a dir/it'\\''s\nhere'",
        "",
      ].join("\n"),
    );
    expect(encoded.dirTimesSh.split("\n").filter((line) => !line.startsWith("#"))).toEqual(["kura_touch 202001020304.05 '/srv/a dir'", ""]);
  });

  it(`splits batches at ${FALLBACK_BATCH} paths`, () => {
    const many = Array.from({ length: FALLBACK_BATCH + 1 }, (_, index) => makeEntry(`/f${index}`, "file"));
    const lines = encodeRestoreEntries(many).metadataSh.split("\n");
    expect(lines.filter((line) => line.startsWith("kura_chmod 00644 "))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith("kura_touch "))).toHaveLength(2);
  });
});

describe("value helpers", () => {
  it("convert times and modes", () => {
    expect(epochSeconds("1970-01-01T00:00:01.900Z")).toBe(1);
    expect(epochSeconds("not a date")).toBeNull();
    expect(touchStamp(0)).toBe("197001010000.00");
    expect(octalMode(0o755)).toBe("00755");
    expect(octalMode(0o104755)).toBe("04755");
  });
});
