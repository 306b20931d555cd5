import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

// overlay2 marks a folder a layer replaced whole (`rm -rf /x && mkdir /x` in one step) as "opaque"
// with an extended attribute on the layer's folder, which Node cannot read. The engine also keeps
// each layer's tar headers (tar-split, beside the layer's record in its layer database), where the
// same folder carries the `.wh..wh..opq` entry of the image format: read from there.

const OPAQUE = ".wh..wh..opq";

/** The chain IDs of layers with these diffIDs (lowest first): the engine's layer database is keyed by them. */
export function chainIds(diffIds: readonly string[]): string[] {
  const chain: string[] = [];
  for (const diffId of diffIds) {
    const previous = chain[chain.length - 1];
    chain.push(previous ? `sha256:${createHash("sha256").update(`${previous} ${diffId}`).digest("hex")}` : diffId);
  }
  return chain;
}

/**
 * The folders (container paths) this layer made opaque, from the engine's tar-split record of it; null when the record
 * cannot be found or does not belong to this folder (then opaque folders are not known).
 */
export async function readOpaqueFolders(layerDir: string, chainId: string): Promise<string[] | null> {
  // <root>/overlay2/<cache id>/diff  ->  <root>/image/overlay2/layerdb/sha256/<chain id>/{cache-id,tar-split.json.gz}
  if (path.basename(layerDir) !== "diff" || !/^sha256:[0-9a-f]{64}$/.test(chainId)) return null;
  const cacheId = path.basename(path.dirname(layerDir));
  const root = path.dirname(path.dirname(path.dirname(layerDir)));
  const record = path.join(root, "image", "overlay2", "layerdb", "sha256", chainId.slice("sha256:".length));
  try {
    if ((await readFile(path.join(record, "cache-id"), "utf8")).trim() !== cacheId) return null;
    const folders: string[] = [];
    const lines = createInterface({
      input: createReadStream(path.join(record, "tar-split.json.gz")).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line.includes(OPAQUE)) continue;
      const entry = JSON.parse(line) as { type?: number; name?: string };
      if (entry.type !== 1 || typeof entry.name !== "string" || path.posix.basename(entry.name) !== OPAQUE) continue;
      const folder = path.posix.normalize(`/${path.posix.dirname(entry.name)}`);
      if (folder !== "/") folders.push(folder);
    }
    return folders;
  } catch {
    return null;
  }
}
