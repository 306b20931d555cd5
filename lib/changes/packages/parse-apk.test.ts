import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apkChecksumToHex, parseApkInstalled, parseApkWorld } from "./parse-apk";

const q1 = (content: string) => `Q1${createHash("sha1").update(content).digest("base64")}`;
const hex = (content: string) => createHash("sha1").update(content).digest("hex");

// The shape of a real /lib/apk/db/installed (fields Kura does not use kept, to show they are skipped).
const INSTALLED = [
  "C:Q1abcabcabcabcabcabcabcabcabcabc=",
  "P:musl",
  "V:1.2.5-r0",
  "A:x86_64",
  "S:407000",
  "T:the musl c library (libc) implementation",
  "F:lib",
  "R:ld-musl-x86_64.so.1",
  "a:0:0:755",
  `Z:${q1("musl loader")}`,
  "R:libc.musl-x86_64.so.1",
  "",
  "P:nginx",
  "V:1.26.2-r0",
  "A:x86_64",
  "F:etc/nginx",
  "R:nginx.conf",
  `Z:${q1("worker_processes auto;\n")}`,
  "F:usr/sbin",
  "R:nginx",
  `Z:${q1("nginx binary")}`,
  "F:var/lib/nginx",
  "",
].join("\n");

describe("parseApkInstalled", () => {
  it("reads packages, which files each owns, and their packaged SHA-1", () => {
    const db = parseApkInstalled(INSTALLED);
    expect(db.packages).toEqual([
      { name: "musl", version: "1.2.5-r0", architecture: "x86_64" },
      { name: "nginx", version: "1.26.2-r0", architecture: "x86_64" },
    ]);
    expect(db.owners.get("/lib/ld-musl-x86_64.so.1")).toBe("musl");
    expect(db.owners.get("/lib/libc.musl-x86_64.so.1")).toBe("musl");
    expect(db.owners.get("/etc/nginx/nginx.conf")).toBe("nginx");
    expect(db.owners.get("/usr/sbin/nginx")).toBe("nginx");
    expect(db.sha1.get("/etc/nginx/nginx.conf")).toBe(hex("worker_processes auto;\n"));
    expect(db.sha1.has("/lib/libc.musl-x86_64.so.1")).toBe(false); // no Z line: content not checked
    expect(db.owners.size).toBe(4);
  });

  it("copes with CRLF, a missing final blank line and garbage lines", () => {
    const db = parseApkInstalled("P:a\r\nV:1\r\nnot a field\r\nF:x\r\nR:y\r\nZ:Q2notsha1");
    expect(db.packages).toEqual([{ name: "a", version: "1", architecture: "" }]);
    expect(db.owners.get("/x/y")).toBe("a");
    expect(db.sha1.size).toBe(0);
  });
});

describe("apkChecksumToHex and parseApkWorld", () => {
  it("decodes Q1 checksums and nothing else", () => {
    expect(apkChecksumToHex(q1("abc"))).toBe(hex("abc"));
    expect(apkChecksumToHex("Q2aGVsbG8=")).toBeNull();
    expect(apkChecksumToHex("Q1c2hvcnQ=")).toBeNull();
  });

  it("lists the names asked for, without constraints", () => {
    expect([...parseApkWorld("alpine-base\nnginx=1.26.2-r0\ncurl>8 openssl@edge\n!busybox-extras\n")].sort()).toEqual([
      "alpine-base",
      "curl",
      "nginx",
      "openssl",
    ]);
  });
});
