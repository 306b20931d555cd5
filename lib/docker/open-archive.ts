import path from "node:path";
import type { Readable } from "node:stream";
import type tar from "tar-stream";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";
import type { ArchiveHeader } from "./walk-archive";

/**
 * The engine's tar of `root` in the container (GET /containers/{id}/archive; stopped containers too, and through
 * volumes and bind mounts), or null when `root` does not exist. Its names are relative to `root`'s parent folder.
 */
export async function openArchive(engine: EngineConnection, containerId: string, root: string): Promise<Readable | null> {
  try {
    return (await dockerFor(engine).getContainer(containerId).getArchive({ path: root })) as unknown as Readable;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw toAppError(error, { containerRef: containerId });
  }
}

/**
 * One entry of such a tar as the app's header; `parent` is the folder its names are relative to. A hard link to a
 * file earlier in the same tar is a file with `hardLinkTo` (the tar carries the content once, under the first name).
 */
export function toArchiveHeader(header: tar.Header, parent: string): ArchiveHeader {
  const hardLink = header.type === "link" && header.linkname ? path.posix.join(parent, header.linkname.replace(/\/$/, "")) : null;
  const type =
    header.type === "file" || header.type === "contiguous-file" || hardLink
      ? "file"
      : header.type === "directory"
        ? "dir"
        : header.type === "symlink"
          ? "symlink"
          : "other";
  return {
    path: path.posix.join(parent, header.name.replace(/\/$/, "")),
    type,
    size: type === "file" ? (header.size ?? 0) : 0,
    mode: (header.mode ?? 0) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    uname: header.uname ?? "",
    gname: header.gname ?? "",
    mtime: (header.mtime ?? new Date(0)).toISOString(),
    linkTarget: hardLink ? null : (header.linkname ?? null),
    ...(hardLink ? { hardLinkTo: hardLink } : {}),
  };
}
