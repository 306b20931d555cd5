import { createHash } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { openArchive, toArchiveHeader } from "./open-archive";
import type { EngineConnection } from "./types";

export type ArchiveHeader = {
  /** Absolute path inside the container. */
  path: string;
  type: "file" | "dir" | "symlink" | "other";
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: string;
  linkTarget: string | null;
  /** A hard link to a file earlier in the same tar (whose content the tar carries once): that file's path. */
  hardLinkTo?: string;
  /** First bytes of a regular file, when asked for (to spot private keys). */
  head?: Buffer;
  /** Hex digest of the content (WalkOptions.hashAlgorithm), when asked for (to compare with the package database). */
  digest?: string;
  /** The whole content, when asked for (small database files such as dpkg's lists). */
  content?: Buffer;
};

/** Digests package databases record: dpkg md5, apk sha1, rpm mostly sha256. */
export type HashAlgorithm = "md5" | "sha1" | "sha256" | "sha384" | "sha512";

export type WalkOptions = {
  /** Read only the header of the path itself, not what is below it. */
  firstOnly?: boolean;
  /** Bytes of each regular file to keep in `head` (0: none). */
  headBytes?: number;
  /** Which files to hash while streaming, and with what (md5 by default: dpkg's sums; apk's are sha1). */
  hash?: (containerPath: string) => boolean;
  hashAlgorithm?: HashAlgorithm;
  /** Which files to keep whole in `content`. */
  keep?: (containerPath: string) => boolean;
};

/**
 * Stream the engine's tar of `root` (GET /containers/{id}/archive) and report each entry's
 * header, skipping content unless a head or hash is asked for. Works on stopped containers and
 * reads through volumes and bind mounts. Resolves with false when `root` does not exist.
 */
export async function walkArchive(engine: EngineConnection, containerId: string, root: string, onEntry: (header: ArchiveHeader) => void, options: WalkOptions = {}): Promise<boolean> {
  const opened = await openArchive(engine, containerId, root);
  if (!opened) return false;
  const stream = opened;
  // Tar names are relative to the parent of `root` ("data/a.txt" for /srv/data).
  const parent = path.posix.dirname(root);
  const headBytes = options.headBytes ?? 0;
  return new Promise<boolean>((resolve, reject) => {
    const extract = tar.extract();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(true);
    };
    extract.on("entry", (header, content, next) => {
      const result = toArchiveHeader(header, parent);
      const { path: containerPath, type } = result;
      const hasher = type === "file" && options.hash?.(containerPath) ? createHash(options.hashAlgorithm ?? "md5") : null;
      const wantHead = type === "file" && headBytes > 0;
      const keepAll = type === "file" && Boolean(options.keep?.(containerPath));
      const allChunks: Buffer[] = [];
      const headChunks: Buffer[] = [];
      let headLength = 0;
      content.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        hasher?.update(chunk);
        if (keepAll) allChunks.push(chunk);
        if (wantHead && headLength < headBytes) {
          headChunks.push(chunk.subarray(0, headBytes - headLength));
          headLength += chunk.length;
        }
      });
      content.on("end", () => {
        if (hasher) result.digest = hasher.digest("hex");
        if (wantHead) result.head = Buffer.concat(headChunks);
        if (keepAll) result.content = Buffer.concat(allChunks);
        onEntry(result);
        if (options.firstOnly) {
          // The rest of a directory's tar is not needed: stop the transfer.
          stream.destroy();
          finish();
          return;
        }
        next();
      });
      content.resume();
    });
    extract.on("finish", finish);
    extract.on("error", (error) => (done ? undefined : reject(error)));
    stream.on("error", (error) => (done ? undefined : reject(error)));
    stream.pipe(extract);
  });
}
