import { recentValues } from "@/lib/cache/recent-values";
import type { PackageStageFacts } from "./types";

// A packages-stage image never changes (its id is the hash of its content), so what Kura reads from it is read once:
// the restore job reads the stage it has just built, and a plan preview of the same archive afterwards finds that
// image and would read it again (about 5 s each in the PostgreSQL benchmark, issue 15). Kept per process for the few
// most recently used images only: each holds the stage's file lists and maintainer scripts (a few MB).

/** How many stage reads are kept (least recently used first out). */
export const STAGE_FACTS_ENTRIES = 4;

const recent = recentValues<PackageStageFacts>("package-stage-facts", STAGE_FACTS_ENTRIES);

/** The key of one read: the engine, the image's id ("sha256:" or not) and what else decides the read (e.g. the archive). */
export function stageFactsKey(engineId: string, imageId: string, reader: string): string {
  return `${engineId}\0${imageId.replace(/^sha256:/, "")}\0${reader}`;
}

/**
 * The facts under `key`, else what `read` gives (kept once it succeeds; a failed or cancelled read is not kept, so the
 * next call reads again). Each hit makes the entry the most recently used one.
 */
export function rememberStageFacts(key: string, read: () => Promise<PackageStageFacts>): Promise<PackageStageFacts> {
  return recent.remember(key, read);
}

/** How many reads are kept (for tests). */
export function keptStageFacts(): number {
  return recent.size;
}
