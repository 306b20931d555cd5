import path from "node:path";
import { Worker } from "node:worker_threads";

// rpm's SQLite database read in a worker thread (read-rpmdb.worker.mjs), within limits that hold per
// row and in total, with a memory cap on the worker and a time limit. The bytes come from a
// container that may be hostile; what is over a limit is refused (the caller warns and skips the
// package checks), never read.

/** Largest rpmdb.sqlite Kura reads (a full Fedora workstation's is about 100 MiB; a container's a few MiB). */
export const RPMDB_MAX_FILE_BYTES = 256 * 1024 * 1024;

export type RpmdbLimits = { maxRows: number; maxRowBytes: number; maxTotalBytes: number; timeoutMs: number };

export const RPMDB_LIMITS: RpmdbLimits = {
  /** Packages (a large server has a few thousand). */
  maxRows: 100_000,
  /** One package's header (the largest Fedora packages' are a few MiB). */
  maxRowBytes: 32 * 1024 * 1024,
  /** All headers together: never more than the file itself can hold. */
  maxTotalBytes: RPMDB_MAX_FILE_BYTES,
  timeoutMs: 60_000,
};

/** The worker's JavaScript heap (the headers and the database are outside it, bounded by the limits above). */
export const RPMDB_WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

export type RpmdbRows = { blobs: Buffer[] } | { refused: string };

const WORKER = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "changes", "read-rpmdb.worker.mjs");

/**
 * The header blobs of an rpmdb.sqlite file's bytes (the Packages table's rows), or why they were refused: not a
 * database, not rpm's schema (a view, a generated column), over a limit, too slow, or out of memory. `bytes` is moved
 * to the worker (unusable here afterwards).
 */
export function readRpmdbRows(bytes: Buffer, limits: RpmdbLimits = RPMDB_LIMITS): Promise<RpmdbRows> {
  // Moved, not copied: it must own its whole ArrayBuffer (a pooled small Buffer does not).
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: RpmdbRows) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const worker = new Worker(WORKER, {
      workerData: { bytes: own, limits: { maxRows: limits.maxRows, maxRowBytes: limits.maxRowBytes, maxTotalBytes: limits.maxTotalBytes } },
      transferList: [own.buffer as ArrayBuffer],
      resourceLimits: RPMDB_WORKER_RESOURCE_LIMITS,
    });
    const timer = setTimeout(() => settle({ refused: `reading it took longer than ${limits.timeoutMs / 1000} s` }), limits.timeoutMs);
    worker.once("message", (message: { data: Uint8Array; offsets: number[] } | { refused: string }) => {
      if ("refused" in message) return settle(message);
      const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      const blobs = message.offsets.slice(1).map((end, index) => data.subarray(message.offsets[index], end));
      settle({ blobs });
    });
    worker.once("error", (error: Error & { code?: string }) =>
      settle({
        refused:
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? "reading it needed more memory than Kura allows"
            : `reading it failed (${error.message})`,
      }),
    );
    worker.once("exit", (code) => settle({ refused: `the reader stopped (exit code ${code})` }));
  });
}
