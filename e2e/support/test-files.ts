import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

// Helpers the archive tests share (not used by the app).

/** Every file below `dir`, relative and sorted, so "nothing new under blobs/" is a plain list comparison. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** A stream's whole content. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
