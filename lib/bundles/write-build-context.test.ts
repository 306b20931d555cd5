import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { writeBuildContext } from "./write-build-context";

// Issue 15: the packages stage's small build context: the files as given, owned by root, 0644 or 0755, nothing else.

async function entries(stream: NodeJS.ReadableStream) {
  const extract = tar.extract();
  const found: { name: string; mode: number; uid: number; gid: number; content: string }[] = [];
  extract.on("entry", (header, content, next) => {
    const chunks: Buffer[] = [];
    content.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    content.on("end", () => {
      found.push({
        name: header.name,
        mode: header.mode ?? 0,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        content: Buffer.concat(chunks).toString(),
      });
      next();
    });
  });
  await new Promise((resolve, reject) => {
    extract.on("finish", () => resolve(undefined));
    extract.on("error", reject);
    stream.pipe(extract);
  });
  return found;
}

describe("writeBuildContext", () => {
  it("holds the Dockerfile and the stage's files, root's, never setuid or writable by others", async () => {
    const found = await entries(
      writeBuildContext([
        { path: "Dockerfile", content: "FROM debian:trixie AS kura-packages\n", mode: 0o644 },
        { path: "kura/debconf-selections", content: "tzdata tzdata/Areas select Europe\n", mode: 0o4777 },
        { path: "kura/tool.sh", content: new TextEncoder().encode("#!/bin/sh\n"), mode: 0o700 },
      ]),
    );
    expect(found).toEqual([
      { name: "Dockerfile", mode: 0o644, uid: 0, gid: 0, content: "FROM debian:trixie AS kura-packages\n" },
      { name: "kura/debconf-selections", mode: 0o755, uid: 0, gid: 0, content: "tzdata tzdata/Areas select Europe\n" },
      { name: "kura/tool.sh", mode: 0o755, uid: 0, gid: 0, content: "#!/bin/sh\n" },
    ]);
  });

  it("refuses a path that is not a clean relative one", () => {
    for (const path of ["/etc/passwd", "../x", "kura//x", "kura/./x", ""])
      expect(() => writeBuildContext([{ path, content: "x", mode: 0o644 }]), path).toThrow(/not a clean relative path/);
  });
});
