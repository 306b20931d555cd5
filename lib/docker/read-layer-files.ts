import { lstat, readlink, realpath } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { ConfinedOpenError, openConfined } from "./open-confined.mjs";
import type { ArchiveHeader } from "./walk-archive";

// Reading a container's changed files straight from its overlay2 upper folder (see
// findLayerDirectory) instead of through the engine's archive API, which tars every file in the
// engine and has Kura untar it again: on the engine's own host this is the fast path for archives.
//
// The folder belongs to a container that may be hostile or still running, so nothing here follows
// a link the container made: every file is opened through open-confined.mjs, read only when the
// kernel confirms, through /proc/self/fd, that the file it opened is that path inside the folder (a
// folder swapped for a symlink to the host's /etc mid-read fails the check), and only regular files
// are ever opened (a device node or FIFO the container made is never opened on the host).

export type LayerFileContent = Buffer | Readable | null;

export type ReadLayerOptions = {
  /** Owner and group names by id, from the container's own /etc/passwd and /etc/group. */
  users: Map<number, string>;
  groups: Map<number, string>;
  /** Files up to this size arrive as one Buffer; larger ones as a stream. */
  wholeBytes: number;
  /** Files read ahead of the one being handed over (their bytes are held meanwhile). */
  readAhead?: number;
  signal?: AbortSignal;
};

type Read = { header: ArchiveHeader; content: LayerFileContent } | null;

/** A container path as the layer folder's path on this machine, or null when it is not a plain absolute path. */
export function layerHostPath(layerDir: string, containerPath: string): string | null {
  if (!containerPath.startsWith("/") || path.posix.normalize(containerPath) !== containerPath || containerPath === "/") return null;
  return layerDir + containerPath;
}

function typeOf(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): ArchiveHeader["type"] {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "dir";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** For entries only described (folders, symlinks): the parent folder must be the real folder, not a link. */
async function parentIsReal(hostPath: string): Promise<boolean> {
  const parent = path.posix.dirname(hostPath);
  return (await realpath(parent)) === parent;
}

/**
 * Reads each container path from the layer folder and hands its header and content to `onEntry`, in the given
 * order, waiting for `onEntry` before the next (the next few are read ahead meanwhile). A file's content is a
 * Buffer up to `wholeBytes`, else a stream the handler must consume; other types get null. Times are whole
 * seconds, as in the archive API's tar headers. Resolves with the paths the folder does not hold or that failed
 * the confinement check: the caller reads those through the archive API (which also says when one is gone).
 */
export async function readLayerFiles(
  layerDir: string,
  containerPaths: string[],
  options: ReadLayerOptions,
  onEntry: (header: ArchiveHeader, content: LayerFileContent) => Promise<void>,
): Promise<string[]> {
  const root = await realpath(layerDir);
  const missing: string[] = [];
  const { users, groups, wholeBytes, signal } = options;
  const readAhead = Math.max(1, options.readAhead ?? 8);

  const readOne = async (containerPath: string): Promise<Read> => {
    const hostPath = layerHostPath(root, containerPath);
    if (!hostPath) return null;
    let handle: FileHandle | null = null;
    try {
      const linkStats = await lstat(hostPath);
      const type = typeOf(linkStats);
      let stats = linkStats;
      let content: LayerFileContent = null;
      if (type === "file") {
        // The very inode lstat saw, a regular file, exactly at that path; else the archive API reads it.
        ({ handle, stats } = await openConfined(hostPath, { expected: { dev: linkStats.dev, ino: linkStats.ino } }));
        if (stats.size <= wholeBytes) {
          // One read of the size fstat gave (as a tar header fixes the size before the content).
          const bytes = Buffer.allocUnsafe(stats.size);
          let filled = 0;
          while (filled < bytes.byteLength) {
            const { bytesRead } = await handle.read(bytes, filled, bytes.byteLength - filled, filled);
            if (bytesRead === 0) break;
            filled += bytesRead;
          }
          content = filled === bytes.byteLength ? bytes : bytes.subarray(0, filled);
          await handle.close();
        } else {
          // No more than the size fstat gave (as a tar header fixes it), should the file grow meanwhile.
          content = handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: true, end: stats.size - 1 });
        }
        handle = null;
      } else if (!(await parentIsReal(hostPath))) {
        return null;
      }
      const header: ArchiveHeader = {
        path: containerPath,
        type,
        size: type === "file" ? (Buffer.isBuffer(content) ? content.byteLength : stats.size) : 0,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        uname: users.get(stats.uid) ?? "",
        gname: groups.get(stats.gid) ?? "",
        mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toISOString(),
        linkTarget: type === "symlink" ? await readlink(hostPath) : null,
      };
      return { header, content };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      if (error instanceof ConfinedOpenError || ["ENOENT", "ENOTDIR", "ELOOP"].includes(errorCode(error) ?? "")) return null;
      throw error;
    }
  };

  // Reads run ahead of the handler, but their results are handed over strictly in order.
  const pending: Promise<Read>[] = [];
  let next = 0;
  const fill = () => {
    while (next < containerPaths.length && pending.length < readAhead) {
      const read = readOne(containerPaths[next]!);
      read.catch(() => undefined); // awaited in order below
      pending.push(read);
      next += 1;
    }
  };
  let index = 0;
  try {
    fill();
    while (pending.length) {
      signal?.throwIfAborted();
      const read = await pending.shift()!;
      fill();
      const containerPath = containerPaths[index++]!;
      if (!read) {
        missing.push(containerPath);
        continue;
      }
      await onEntry(read.header, read.content);
    }
  } finally {
    // After a failure, release what was read ahead (open streams hold their files).
    for (const read of pending)
      void read.then(
        (left) => (left && left.content && !Buffer.isBuffer(left.content) ? left.content.destroy() : undefined),
        () => undefined,
      );
  }
  return missing;
}
