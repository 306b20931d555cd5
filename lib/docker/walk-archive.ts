import { createHash } from "node:crypto";
import path from "node:path";
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
  /** Device and inode, when read from the layer folder (a later open must find the same file). */
  inode?: { dev: number; ino: number };
  /** First bytes of a regular file, when asked for (to spot private keys). */
  head?: Buffer;
  /** Hex digest of the content (WalkOptions.hashAlgorithm), when asked for (to compare with the package database). */
  digest?: string;
  /** The whole content, when asked for (small database files such as dpkg's lists). */
  content?: Buffer;
  /** An overlay whiteout (a character device 0/0 in a layer folder): the layer deleted this path. */
  whiteout?: boolean;
  /** Its content was asked for (kept or hashed) but it is over the limit (WalkOptions.keepMaxBytes, hashMaxBytes): not read. */
  tooLarge?: boolean;
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
  /** Files larger than this are not hashed (marked `tooLarge`). */
  hashMaxBytes?: number;
  /** Which files to keep whole in `content`. */
  keep?: (containerPath: string) => boolean;
  /**
   * Files larger than this are not kept: the entry comes marked `tooLarge`, without content, and the walk stops there
   * (the tar carries a file whole, so reading past it would mean receiving all of it). Required with `keep`.
   */
  keepMaxBytes?: number;
  /**
   * A file larger than this below `root` is not received whole just to reach the entries after it: its header (and
   * head) is reported, then the walk stops and `onCutShort` is told its path (the caller reads what is left another
   * way). Without it, every file is received.
   */
  drainMaxBytes?: number;
  onCutShort?: (containerPath: string) => void;
};

/** Files a walk receives whole to reach the entries after them (a larger one is cut short when the caller can list the rest). */
export const WALK_DRAIN_MAX_BYTES = 4 * 1024 * 1024 * 1024;

/** Hashing on the way, up to this size by default (package files; larger ones are marked `tooLarge`). */
export const WALK_HASH_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Stream the engine's tar of `root` (GET /containers/{id}/archive) and report each entry's
 * header, skipping content unless a head or hash is asked for. Works on stopped containers and
 * reads through volumes and bind mounts. Resolves with false when `root` does not exist. Only the
 * first `headBytes` of a file, and kept files up to `keepMaxBytes`, are held in memory.
 */
export async function walkArchive(
  engine: EngineConnection,
  containerId: string,
  root: string,
  onEntry: (header: ArchiveHeader) => void,
  options: WalkOptions = {},
): Promise<boolean> {
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
    const stop = () => {
      // The rest of the tar is not needed: stop the transfer.
      stream.destroy();
      extract.destroy();
      finish();
    };
    extract.on("entry", (header, content, next) => {
      const result = toArchiveHeader(header, parent);
      const { path: containerPath, type } = result;
      const hashWanted = type === "file" && Boolean(options.hash?.(containerPath));
      const hashTooLarge = hashWanted && result.size > (options.hashMaxBytes ?? WALK_HASH_MAX_BYTES);
      const hasher = hashWanted && !hashTooLarge ? createHash(options.hashAlgorithm ?? "md5") : null;
      const keepAll = type === "file" && Boolean(options.keep?.(containerPath));
      if (keepAll && result.size > (options.keepMaxBytes ?? 0)) {
        result.tooLarge = true;
        onEntry(result);
        return stop();
      }
      if (hashTooLarge) result.tooLarge = true;
      const wantHead = type === "file" && headBytes > 0;
      // The tar of a file holds only that file, so then, as with firstOnly, its header (and head) is all there is to
      // report: no need to receive the rest of a large file. One too large to drain ends the walk the same way.
      const onlyEntry = options.firstOnly || (containerPath === root && type !== "dir");
      const cutShort = !onlyEntry && type === "file" && result.size > (options.drainMaxBytes ?? Number.POSITIVE_INFINITY);
      const headerOnly = (onlyEntry || cutShort) && !hasher && !keepAll;
      const allChunks: Buffer[] = [];
      let kept = 0;
      const headChunks: Buffer[] = [];
      let headLength = 0;
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        if (hasher) result.digest = hasher.digest("hex");
        if (wantHead) result.head = Buffer.concat(headChunks);
        if (keepAll) result.content = Buffer.concat(allChunks);
        onEntry(result);
        if (cutShort && headerOnly) options.onCutShort?.(containerPath);
        if (headerOnly || onlyEntry) return stop();
        next();
      };
      content.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        hasher?.update(chunk);
        if (keepAll) {
          kept += chunk.length;
          // Never more than the header said (and so never more than the limit).
          if (kept <= result.size) allChunks.push(chunk);
        }
        if (wantHead && headLength < headBytes) {
          headChunks.push(chunk.subarray(0, headBytes - headLength));
          headLength += chunk.length;
        }
        if (headerOnly && (!wantHead || headLength >= headBytes)) report();
      });
      content.on("end", report);
      content.resume();
    });
    extract.on("finish", finish);
    extract.on("error", (error) => (done ? undefined : reject(error)));
    stream.on("error", (error) => (done ? undefined : reject(error)));
    stream.pipe(extract);
  });
}
