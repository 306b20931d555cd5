import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";

// Worker threads that store whole small contents with synchronous calls (blob-writer.worker.mjs).
// Tasks queued in the same turn of the event loop go to a worker together, so a thousand small
// files cost a few dozen messages, and each batch's folder syncs are shared.

/** `bytes` must own its whole ArrayBuffer: it is moved to the worker (and unusable here afterwards). */
export type BlobTask = { bytes: Uint8Array } | { file: string; confineTo: string | null; maxBytes: number };
export type StoredFileStats = { mode: number; uid: number; gid: number; mtimeMs: number };
export type BlobTaskResult =
  | { sha256: string; size: number; storedBytes: number; isNew: boolean; stats: StoredFileStats | null; compressed?: Uint8Array }
  | { skip: "missing" | "not-a-file" | "outside" | "changed" | "too-large" };

type Pending = {
  task: BlobTask & { tmpName: string };
  resolve: (result: BlobTaskResult) => void;
  reject: (error: unknown) => void;
  done: () => void;
};
type WorkerResult = BlobTaskResult | { error: { code: string | null; message: string } };

const BATCH = 32;
// Started by path, outside the bundle (like the layer walker).
const WORKER = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "store", "blob-writer.worker.mjs");

export type BlobWriterPool = {
  run(task: BlobTask, signal?: AbortSignal): Promise<BlobTaskResult>;
  /** Temporary names in use (the store's cleanTemporary must not remove them). */
  readonly active: ReadonlySet<string>;
};

export function createBlobWriterPool(options: {
  blobsDir: string;
  tmpDir: string;
  compressionLevel: number;
  fileMode: number;
  dirMode: number;
  workers?: number;
  /** "compressed": the workers only hash and compress, and hand the gzip bytes back (`compressed`) instead of storing. */
  output?: "store" | "compressed";
  /** An encrypted store's keys: the workers seal what they compress (`compressed` is then sealed too) and name it by keyed hash. */
  encryption?: { contentKey: Uint8Array; nameKey: Uint8Array } | null;
}): BlobWriterPool {
  // Two per core: a worker waiting for its fsync leaves the core to another.
  const size = options.workers ?? Math.max(2, Math.min(6, os.availableParallelism() * 2));
  const queue: Pending[] = [];
  const active = new Set<string>();
  const idle: Worker[] = [];
  const inFlight = new Map<number, Pending[]>();
  let workers: Worker[] | null = null;
  let nextBatch = 0;
  let scheduled = false;

  // A worker that dies takes the pool with it: every batch in flight fails (its temporary files are removed at the
  // next start), the other workers are stopped, and the next task starts a fresh pool.
  const fail = (error: unknown) => {
    if (!workers) return;
    const stopped = workers;
    workers = null;
    idle.length = 0;
    for (const [batch, pending] of inFlight) {
      inFlight.delete(batch);
      for (const item of pending)
        settle(item, {
          error: { code: null, message: `the blob writer stopped: ${error instanceof Error ? error.message : String(error)}` },
        });
    }
    for (const worker of stopped) void worker.terminate();
  };

  const settle = (item: Pending, result: WorkerResult) => {
    active.delete(item.task.tmpName);
    item.done();
    if ("error" in result)
      item.reject(Object.assign(new Error(result.error.message), result.error.code ? { code: result.error.code } : {}));
    else item.resolve(result);
  };

  const start = () => {
    workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER, {
        workerData: {
          blobsDir: options.blobsDir,
          tmpDir: options.tmpDir,
          compressionLevel: options.compressionLevel,
          fileMode: options.fileMode,
          dirMode: options.dirMode,
          output: options.output ?? "store",
          encryption: options.encryption ? { contentKey: options.encryption.contentKey, nameKey: options.encryption.nameKey } : null,
        },
      });
      worker.unref();
      worker.on("message", ({ batch, results }: { batch: number; results: WorkerResult[] }) => {
        const pending = inFlight.get(batch) ?? [];
        inFlight.delete(batch);
        pending.forEach((item, index) => settle(item, results[index] ?? { error: { code: null, message: "no result" } }));
        if (!workers?.includes(worker)) return; // from a pool that was stopped meanwhile
        idle.push(worker);
        dispatch();
      });
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (code !== 0 && workers?.includes(worker)) fail(new Error(`exit code ${code}`));
      });
      return worker;
    });
    idle.push(...workers);
  };

  const dispatch = () => {
    scheduled = false;
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const pending = queue.splice(0, BATCH);
      const batch = nextBatch++;
      inFlight.set(batch, pending);
      worker.ref();
      // Bytes are moved to the worker, not copied (the pool owns them: see BlobTask).
      const moved = pending.flatMap((item) => ("bytes" in item.task ? [item.task.bytes.buffer as ArrayBuffer] : []));
      worker.postMessage({ batch, tasks: pending.map((item) => item.task) }, moved);
    }
    if (!inFlight.size) for (const worker of workers ?? []) worker.unref();
  };

  // One abort listener per signal (a job hands hundreds of tasks over at once): a task not yet handed to a
  // worker is dropped on abort; one in a worker's batch finishes (it is short).
  const waitingBySignal = new WeakMap<AbortSignal, Set<Pending>>();
  const waitingFor = (signal: AbortSignal): Set<Pending> => {
    let waiting = waitingBySignal.get(signal);
    if (waiting) return waiting;
    const items = new Set<Pending>();
    waiting = items;
    waitingBySignal.set(signal, items);
    signal.addEventListener(
      "abort",
      () => {
        for (const item of items) {
          const index = queue.indexOf(item);
          if (index < 0) continue;
          queue.splice(index, 1);
          active.delete(item.task.tmpName);
          item.reject(signal.reason);
        }
        items.clear();
      },
      { once: true },
    );
    return waiting;
  };

  return {
    active,
    run(task, signal) {
      return new Promise<BlobTaskResult>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (!workers) start();
        const tmpName = randomUUID();
        active.add(tmpName);
        const waiting = signal ? waitingFor(signal) : null;
        const item: Pending = { task: { ...task, tmpName }, resolve, reject, done: () => waiting?.delete(item) };
        waiting?.add(item);
        queue.push(item);
        if (!scheduled) {
          scheduled = true;
          setImmediate(dispatch);
        }
      });
    },
  };
}
