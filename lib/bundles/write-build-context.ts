import { PassThrough, pipeline, type Readable } from "node:stream";
import tar from "tar-stream";

// A small docker build context from memory (issue 15): the Dockerfile and the few generated files one stage copies in,
// for the packages stage's build, which needs nothing else. Each file is owned by root with mode 0644 (0755 with an
// execute bit), as writeBundle writes it, so a COPY of it has the same layer-cache key as from the whole bundle.

export function writeBuildContext(files: readonly { path: string; content: string | Uint8Array; mode: number }[]): Readable {
  const pack = tar.pack();
  for (const file of files) {
    if (file.path === "" || file.path.includes("\0") || file.path.split("/").some((part) => part === "" || part === "." || part === ".."))
      throw new Error(`The build context path ${JSON.stringify(file.path)} is not a clean relative path.`);
    const content = typeof file.content === "string" ? Buffer.from(file.content) : Buffer.from(file.content);
    pack.entry(
      {
        name: file.path,
        type: "file",
        mode: file.mode & 0o111 ? 0o755 : 0o644,
        size: content.byteLength,
        uid: 0,
        gid: 0,
        uname: "root",
        gname: "root",
      },
      content,
    );
  }
  pack.finalize();
  const output = new PassThrough();
  pipeline(pack, output, () => undefined);
  return output;
}
