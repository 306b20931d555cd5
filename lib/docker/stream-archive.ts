import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { AppError } from "@/lib/api/app-error";
import { toAppError } from "./docker-error";
import { openArchive, toArchiveHeader } from "./open-archive";
import type { EngineConnection } from "./types";
import type { ArchiveHeader } from "./walk-archive";

/**
 * Stream the engine's tar of `root` and hand each entry's header and content to `onEntry`, one
 * at a time: the next entry is read only after `onEntry` resolves, so content is piped, never
 * buffered. `onEntry` must consume or resume the content stream. False when `root` is missing.
 */
export async function streamArchive(
  engine: EngineConnection,
  containerId: string,
  root: string,
  onEntry: (header: ArchiveHeader, content: Readable) => Promise<void>,
  signal?: AbortSignal,
): Promise<boolean> {
  const opened = await openArchive(engine, containerId, root);
  if (!opened) return false;
  const stream = opened;
  const parent = path.posix.dirname(root);
  return new Promise<boolean>((resolve, reject) => {
    const extract = tar.extract();
    let settled = false;
    // The entry being handled: when it fails (say the store's disk is full) it destroys its content
    // stream, which makes the extractor fail too, with a rawer error. The handler's error wins.
    let current: Promise<void> | null = null;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      extract.destroy();
      reject(error);
    };
    // Set when the engine's stream itself fails (say the engine stopped): that is the real cause.
    let streamError: unknown = null;
    const onEntryFailed = (entryError: unknown) => fail(entryError instanceof AppError ? entryError : (streamError ?? entryError));
    const failAfterEntry = (error: unknown) => {
      if (!current) return fail(error);
      // Stop reading (that ends the entry's content stream, so its handler settles and onEntryFailed
      // decides: the handler's own error when it is one of ours, e.g. the store's disk being full).
      stream.destroy();
      extract.destroy();
      setTimeout(() => fail(error), 5000).unref();
    };
    const onAbort = () => fail(signal?.reason ?? new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    extract.on("entry", (header, content, next) => {
      const entry = toArchiveHeader(header, parent);
      current = onEntry(entry, content as unknown as Readable);
      current.then(() => {
        current = null;
        next();
      }, onEntryFailed);
    });
    extract.on("finish", () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    });
    extract.on("error", (error) => {
      // The handler's own failure (say a full disk) destroys its entry, which fails the extractor with it:
      // that is not the engine's doing. Otherwise a tar cut short: the engine closed the stream midway.
      const local = (error as NodeJS.ErrnoException).code === "ENOSPC" || (error as NodeJS.ErrnoException).code === "EDQUOT";
      if (!local)
        streamError ??= new AppError(
          502,
          "engine_stream_cut",
          `Kura cannot reach the engine: its archive stream ended early (${error.message}). Is the engine still running?`,
        );
      failAfterEntry(streamError ?? error);
    });
    stream.on("error", (error) => {
      streamError = toAppError(error, { containerRef: containerId });
      failAfterEntry(streamError);
    });
    stream.pipe(extract);
  });
}
