import { PassThrough } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

export type ExecResult = { exitCode: number; output: string; timedOut: boolean };

const MAX_OUTPUT = 64 * 1024;

/**
 * Run argv inside a running container (never a shell string built from input: a shell only when
 * argv itself names one) and collect its exit code and the first 64 KiB of stdout+stderr.
 */
export async function execInContainer(
  engine: EngineConnection,
  containerId: string,
  argv: string[],
  options: { timeoutMs?: number; user?: string } = {},
): Promise<ExecResult> {
  if (!argv.length) throw new AppError(422, "empty_command", "The command is empty.");
  const container = dockerFor(engine).getContainer(containerId);
  try {
    const exec = await container.exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      ...(options.user ? { User: options.user } : {}),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const sink = new PassThrough();
    let output = "";
    sink.on("data", (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString("utf8").slice(0, MAX_OUTPUT - output.length);
    });
    container.modem.demuxStream(stream, sink, sink);
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve(true);
      }, options.timeoutMs ?? 60_000);
      stream.on("end", () => {
        clearTimeout(timer);
        resolve(false);
      });
      stream.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const info = await exec.inspect();
    return { exitCode: timedOut ? -1 : (info.ExitCode ?? -1), output, timedOut };
  } catch (error) {
    throw toAppError(error, { containerRef: containerId });
  }
}
