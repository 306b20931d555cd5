import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import { openArchive } from "./open-archive";
import type { EngineConnection } from "./types";

const MAX_LINKS = 8;

type TarFile = { type: string; linkname: string | null; content: Buffer | null };

/** Read the first entry of a tar stream (a file's content up to maxBytes, or a link's target). */
function readFirstEntry(stream: Readable, maxBytes: number): Promise<TarFile | null> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let result: TarFile | null = null;
    extract.on("entry", (header, entryStream, next) => {
      if (result) {
        entryStream.resume();
        entryStream.on("end", next);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      entryStream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
        size += chunk.length;
      });
      entryStream.on("end", () => {
        result = { type: header.type ?? "file", linkname: header.linkname ?? null, content: header.type === "file" ? Buffer.concat(chunks) : null };
        next();
      });
    });
    extract.on("finish", () => resolve(result));
    extract.on("error", reject);
    stream.on("error", reject);
    stream.pipe(extract);
  });
}

/**
 * Read a small file from a container through the engine's archive API (works on stopped
 * containers too), following symlinks inside the container. Null when the path is missing.
 */
export async function readContainerFile(engine: EngineConnection, containerRef: string, filePath: string, maxBytes = 256 * 1024): Promise<Buffer | null> {
  let current = filePath;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const stream = await openArchive(engine, containerRef, current);
    if (!stream) return null;
    const entry = await readFirstEntry(stream, maxBytes);
    if (!entry) return null;
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
