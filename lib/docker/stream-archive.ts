import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";
import type { ArchiveHeader } from "./walk-archive";

/**
 * Stream the engine's tar of `root` and hand each entry's header and content to `onEntry`, one
 * at a time: the next entry is read only after `onEntry` resolves, so content is piped, never
 * buffered. `onEntry` must consume or resume the content stream. False when `root` is missing.
 */
export async function streamArchive(
  engine: EngineConnection,
  containerId: string,
  root: string,
  onEntry: (header: ArchiveHeader, content: Readable) => Promise<void>,
  signal?: AbortSignal,
): Promise<boolean> {
  let stream: Readable;
  try {
    stream = (await dockerFor(engine).getContainer(containerId).getArchive({ path: root })) as unknown as Readable;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw toAppError(error, { containerRef: containerId });
  }
  const parent = path.posix.dirname(root);
  return new Promise<boolean>((resolve, reject) => {
    const extract = tar.extract();
    const fail = (error: unknown) => {
      stream.destroy();
      extract.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal?.reason ?? new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    extract.on("entry", (header, content, next) => {
      const type = header.type === "file" || header.type === "contiguous-file" ? "file" : header.type === "directory" ? "dir" : header.type === "symlink" ? "symlink" : "other";
      const entry: ArchiveHeader = {
        path: path.posix.join(parent, header.name.replace(/\/$/, "")),
        type,
        size: type === "file" ? (header.size ?? 0) : 0,
        mode: (header.mode ?? 0) & 0o7777,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        uname: header.uname ?? "",
        gname: header.gname ?? "",
        mtime: (header.mtime ?? new Date(0)).toISOString(),
        linkTarget: header.linkname ?? null,
      };
      onEntry(entry, content as unknown as Readable).then(() => next(), fail);
    });
    extract.on("finish", () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    });
    extract.on("error", fail);
    stream.on("error", fail);
    stream.pipe(extract);
  });
}
