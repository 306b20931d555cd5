import type { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

export type BuildOptions = {
  tag: string;
  /** The build's network (`KURA_BUILD_NETWORK`, or "none"), e.g. "host"; undefined keeps the engine's default. */
  networkMode?: string;
  /** Build only up to this stage of a multi-stage Dockerfile (`docker build --target`). */
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** ignore the engine's layer cache */
  noCache?: boolean;
  signal?: AbortSignal;
  /** Each line of the build's output, as the engine sends it. */
  onLog?: (line: string) => void;
  /** "Step 3/9" as the build reaches it. */
  onStep?: (step: number, total: number) => void;
};

type BuildMessage = { stream?: string; status?: string; error?: string; errorDetail?: { message?: string }; aux?: { ID?: string } };

const STEP = /^Step (\d+)\/(\d+) :/;

/**
 * Build an image from a tar build context (plain or gzip) streamed to the engine, the same as
 * `docker build -`. Resolves with the image id; a failing step rejects with AppError 422
 * "build_failed" whose message is the engine's error (the log has the rest).
 */
export async function buildImage(engine: EngineConnection, context: Readable, options: BuildOptions): Promise<{ imageId: string }> {
  let output: Readable;
  try {
    output = (await dockerFor(engine).buildImage(context, {
      t: options.tag,
      rm: true,
      forcerm: true,
      ...(options.noCache ? { nocache: true } : {}),
      ...(options.networkMode ? { networkmode: options.networkMode } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.buildArgs && Object.keys(options.buildArgs).length ? { buildargs: options.buildArgs } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
    })) as unknown as Readable;
  } catch (error) {
    throw toAppError(error);
  }
  return new Promise((resolve, reject) => {
    let imageId: string | null = null;
    let failure: string | null = null;
    let pending = "";
    const onAbort = () => {
      output.destroy();
      reject(options.signal?.reason ?? new Error("aborted"));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const handle = (line: string) => {
      if (!line.trim()) return;
      let message: BuildMessage;
      try {
        message = JSON.parse(line) as BuildMessage;
      } catch {
        options.onLog?.(line);
        return;
      }
      if (message.aux?.ID) imageId = message.aux.ID;
      if (message.error) {
        failure = message.errorDetail?.message ?? message.error;
        options.onLog?.(`ERROR: ${failure}`);
      }
      const text = message.stream ?? message.status;
      if (!text) return;
      for (const part of text.split("\n")) {
        if (!part) continue;
        options.onLog?.(part);
        const step = STEP.exec(part);
        if (step) options.onStep?.(Number(step[1]), Number(step[2]));
        const built = /^Successfully built ([0-9a-f]+)/.exec(part);
        if (built && !imageId) imageId = built[1] ?? null;
      }
    };
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) handle(line);
    });
    output.on("error", (error) => {
      options.signal?.removeEventListener("abort", onAbort);
      reject(toAppError(error));
    });
    output.on("end", () => {
      options.signal?.removeEventListener("abort", onAbort);
      handle(pending);
      if (failure) return reject(new AppError(422, "build_failed", `The image build failed: ${failure}`));
      if (!imageId) return reject(new AppError(422, "build_failed", "The image build ended without an image id; see the build log."));
      resolve({ imageId });
    });
  });
}
