import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import { openArchive } from "./open-archive";
import { formatBytes } from "./read-warning";
import type { EngineConnection } from "./types";

const MAX_LINKS = 8;
/** What readContainerFile reads at most unless told otherwise: small text files (os-release, passwd, group). */
export const CONTAINER_FILE_MAX_BYTES = 256 * 1024;

/** A file in the container larger than the caller reads: nothing of it was read (and the transfer was stopped). */
export class ContainerFileTooLarge extends AppError {
  readonly path: string;
  readonly size: number;
  readonly limit: number;

  constructor(filePath: string, size: number, limit: number) {
    const message = `${filePath} in the container is ${formatBytes(size)}, over the ${formatBytes(limit)} Kura reads of it.`;
    super(422, "container_file_too_large", message);
    this.path = filePath;
    this.size = size;
    this.limit = limit;
  }
}

export type TarFile = { type: string; linkname: string | null; content: Buffer | null } | { tooLarge: number };

/**
 * Read the first entry of a tar stream: a file's content (when its header says at most maxBytes; else the stream is
 * stopped at the header and only the size is returned), or a link's target.
 */
export function readFirstEntry(stream: Readable, maxBytes: number): Promise<TarFile | null> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let settled = false;
    const settle = (result: TarFile | null) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      extract.destroy();
      resolve(result);
    };
    extract.on("entry", (header, entryStream) => {
      const size = header.size ?? 0;
      if (header.type === "file" && size > maxBytes) return settle({ tooLarge: size });
      const chunks: Buffer[] = [];
      let length = 0;
      entryStream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        length += chunk.length;
        // The header's size is what the engine sends; never keep more than the limit whatever it says.
        if (length > maxBytes) return settle({ tooLarge: Math.max(size, length) });
        chunks.push(chunk);
      });
      entryStream.on("end", () => {
        settle({
          type: header.type ?? "file",
          linkname: header.linkname ?? null,
          content: header.type === "file" ? Buffer.concat(chunks) : null,
        });
      });
    });
    extract.on("finish", () => settle(null));
    extract.on("error", (error) => (settled ? undefined : reject(error)));
    stream.on("error", (error) => (settled ? undefined : reject(error)));
    stream.pipe(extract);
  });
}

/**
 * Read a small file from a container through the engine's archive API (works on stopped
 * containers too), following symlinks inside the container. Null when the path is missing.
 * Throws ContainerFileTooLarge (422) when the file is larger than `maxBytes`, having read none of it.
 */
export async function readContainerFile(
  engine: EngineConnection,
  containerRef: string,
  filePath: string,
  maxBytes = CONTAINER_FILE_MAX_BYTES,
): Promise<Buffer | null> {
  let current = filePath;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const stream = await openArchive(engine, containerRef, current);
    if (!stream) return null;
    const entry = await readFirstEntry(stream, maxBytes);
    if (!entry) return null;
    if ("tooLarge" in entry) throw new ContainerFileTooLarge(filePath, entry.tooLarge, maxBytes);
    if (entry.type === "symlink" && entry.linkname) {
      current = path.posix.resolve(path.posix.dirname(current), entry.linkname);
      continue;
    }
    return entry.content;
  }
  return null;
}

/** Does a path exist in the container (HEAD on the archive API)? */
export async function containerPathExists(engine: EngineConnection, containerRef: string, filePath: string): Promise<boolean> {
  try {
    await dockerFor(engine).getContainer(containerRef).infoArchive({ path: filePath });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw toAppError(error, { containerRef });
  }
}
