import { PassThrough, type Duplex, type Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

// Run argv inside a running container and hand its standard output, as it comes, to a consumer (the content store),
// bounded: more than `maxBytes`, or longer than `timeoutMs`, and the output is cut (the consumer's stream fails, so a
// store put removes its temporary file). The container is anyone's: it may print anything, as much as it likes, or
// nothing for ever; Kura's memory stays bounded (the engine's stream is paused while the consumer is behind).

export type ExecStreamOutcome = "exited" | "timed-out" | "over-limit" | "aborted" | "consumer-failed";
export type ExecStreamResult = {
  outcome: ExecStreamOutcome;
  /** The command's exit code; -1 when it was cut off or the engine did not say. */
  exitCode: number;
  /** The first `maxStderrBytes` of its standard error. */
  stderr: string;
  stdoutBytes: number;
};

export type ExecStreamOptions = {
  user?: string;
  /** "NAME=value" pairs for the command's environment: passed to the engine, never on the command line. */
  env?: string[];
  timeoutMs: number;
  maxBytes: number;
  maxStderrBytes?: number;
  signal?: AbortSignal;
};

const HEADER_BYTES = 8;
const DEFAULT_MAX_STDERR = 16 * 1024;

/** Waits for the engine to report the exec finished (its stream can end a moment before); -1 when it does not say. */
async function readExitCode(exec: { inspect(): Promise<{ Running?: boolean; ExitCode?: number | null }> }): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return -1;
}

export async function execToStream<T>(
  engine: EngineConnection,
  containerId: string,
  argv: string[],
  options: ExecStreamOptions,
  consume: (stdout: Readable) => Promise<T>,
): Promise<{ result: ExecStreamResult; consumed: T | null; consumeError: unknown }> {
  if (!argv.length) throw new AppError(422, "empty_command", "The command is empty.");
  const container = dockerFor(engine).getContainer(containerId);
  let exec;
  let raw: Duplex;
  try {
    exec = await container.exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: false,
      Tty: false,
      ...(options.user ? { User: options.user } : {}),
      ...(options.env?.length ? { Env: options.env } : {}),
    });
    raw = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex;
  } catch (error) {
    throw toAppError(error, { containerRef: containerId });
  }
  const maxStderr = options.maxStderrBytes ?? DEFAULT_MAX_STDERR;
  const stdout = new PassThrough({ highWaterMark: 1024 * 1024 });
  let consumed: T | null = null;
  let consumeError: unknown = null;
  const consuming = consume(stdout).then(
    (value) => void (consumed = value),
    (error: unknown) => void (consumeError = error),
  );
  let outcome: ExecStreamOutcome = "exited";
  let stdoutBytes = 0;
  let stderr = "";
  let pending: Buffer = Buffer.alloc(0);
  const ended = new Promise<void>((resolve) => {
    let done = false;
    const finish = (cut: ExecStreamOutcome | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (cut) {
        outcome = cut;
        raw.destroy();
        stdout.destroy(new AppError(422, `exec_${cut.replace("-", "_")}`, `The command's output was cut (${cut}).`));
      } else {
        stdout.end();
      }
      resolve();
    };
    const timer = setTimeout(() => finish("timed-out"), options.timeoutMs);
    const onAbort = () => finish("aborted");
    if (options.signal?.aborted) return finish("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    stdout.on("close", () => {
      if (!stdout.writableFinished && !done) finish("consumer-failed");
    });
    raw.on("data", (chunk: Buffer) => {
      if (done) return;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      // The engine's multiplexed stream: 8-byte headers (stream id, 3 zero bytes, big-endian length) before each frame.
      while (pending.length >= HEADER_BYTES) {
        const length = pending.readUInt32BE(4);
        if (pending.length < HEADER_BYTES + length) break;
        const kind = pending[0];
        const payload = pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
        pending = pending.subarray(HEADER_BYTES + length);
        if (kind === 2) {
          if (stderr.length < maxStderr) stderr += payload.toString("utf8").slice(0, maxStderr - stderr.length);
          continue;
        }
        stdoutBytes += payload.length;
        if (stdoutBytes > options.maxBytes) return finish("over-limit");
        if (!stdout.write(payload)) {
          raw.pause();
          stdout.once("drain", () => raw.resume());
        }
      }
    });
    raw.on("end", () => finish(null));
    raw.on("close", () => finish(null));
    raw.on("error", () => finish(null));
  });
  await ended;
  await consuming;
  let exitCode = -1;
  if (outcome === "exited") {
    try {
      exitCode = await readExitCode(exec);
    } catch {
      exitCode = -1;
    }
  }
  if (outcome === "exited" && consumeError) outcome = "consumer-failed";
  return { result: { outcome, exitCode, stderr, stdoutBytes }, consumed, consumeError };
}
