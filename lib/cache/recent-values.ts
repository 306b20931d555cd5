import { processSingleton } from "@/lib/process-singleton";

// A small per-process memo for values read from things that never change under their key (an image by its id, a
// stored archive by its id): the few most recently used are kept, the least recently used goes first. Only what was
// read successfully is kept, so a failed or cancelled read is tried again the next time.

export type RecentValues<T> = {
  /** The value under `key`, else what `read` gives (kept once it resolves). A hit makes it the most recently used. */
  remember(key: string, read: () => Promise<T>): Promise<T>;
  /** How many values are kept. */
  readonly size: number;
};

/** The process's memo called `name`, keeping at most `capacity` values. */
export function recentValues<T>(name: string, capacity: number): RecentValues<T> {
  const entries = processSingleton(`recent-values.${name}`, () => new Map<string, T>());
  return {
    async remember(key, read) {
      if (entries.has(key)) {
        const kept = entries.get(key) as T;
        entries.delete(key);
        entries.set(key, kept);
        return kept;
      }
      const value = await read();
      entries.set(key, value);
      for (const oldest of entries.keys()) {
        if (entries.size <= capacity) break;
        entries.delete(oldest);
      }
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
