import type { Manifest } from "@/lib/archives/manifest";
import { manifestFingerprint } from "@/lib/archives/manifest-fingerprint";
import { recentValues } from "@/lib/cache/recent-values";
import { store } from "@/lib/store/store";

// The kept text files a restore may rewrite because they name a versioned path that moves (issue 14,
// map-versioned-paths.ts): read from the store, only files small enough to be configuration, only those
// that are UTF-8 text and hold one of the paths. Bounded, so a huge archive does not stall the plan. An archive's
// files never change: the answer is kept for the few most recent archives and needles (a restore plans with the stage
// twice, the job and the preview; each look reads every small file of the archive, 1-2 s for a PostgreSQL cluster).

const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_FILES = 5000;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

const recent = recentValues<Record<string, string>>("kept-texts", 4);

async function readBlob(sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** UTF-8 text without NUL bytes, else null. */
function asText(data: Buffer): string | null {
  if (data.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

/** Kept files (by archived path) whose text holds one of `needles`; {} when there is none to look for. */
export async function readKeptTexts(manifest: Manifest, needles: readonly string[]): Promise<Record<string, string>> {
  if (needles.length === 0) return {};
  return recent.remember(`${manifestFingerprint(manifest)}\0${[...needles].sort().join("\0")}`, () => findKeptTexts(manifest, needles));
}

async function findKeptTexts(manifest: Manifest, needles: readonly string[]): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  let files = 0;
  let bytes = 0;
  for (const entry of manifest.entries) {
    if (entry.type !== "file" || !entry.sha256 || entry.size > MAX_TEXT_BYTES || entry.path in texts) continue;
    if (files >= MAX_FILES || bytes + entry.size > MAX_TOTAL_BYTES) break;
    files += 1;
    bytes += entry.size;
    const text = asText(await readBlob(entry.sha256));
    if (text !== null && needles.some((needle) => text.includes(needle))) texts[entry.path] = text;
  }
  return texts;
}
