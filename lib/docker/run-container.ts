import { type Duplex, PassThrough } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";

const REMOVE_IMAGE_TIMEOUT_MS = 30_000;
import type { EngineConnection } from "./types";

export type RunOptions = {
  image: string;
  name: string;
  /** "none" keeps the container off every network; undefined is the engine's default. */
  networkMode?: string;
  /** container port ("445/tcp") -> host port; nothing is published unless listed. */
  publish?: Record<string, number>;
  labels?: Record<string, string>;
  /** Override the image's command (argv). */
  cmd?: string[];
  entrypoint?: string[];
};

/** Create and start a container; resolves with its id. A failed start removes what was created. */
export async function runContainer(engine: EngineConnection, options: RunOptions): Promise<{ id: string }> {
  const docker = dockerFor(engine);
  const portBindings = Object.fromEntries(
    Object.entries(options.publish ?? {}).map(([port, hostPort]) => [port, [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }]]),
  );
  let id: string | null = null;
  try {
    const container = await docker.createContainer({
      Image: options.image,
      name: options.name,
      Labels: options.labels,
      ...(options.cmd ? { Cmd: options.cmd } : {}),
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      ExposedPorts: Object.fromEntries(Object.keys(options.publish ?? {}).map((port) => [port, {}])),
      HostConfig: { ...(options.networkMode ? { NetworkMode: options.networkMode } : {}), PortBindings: portBindings },
    });
    id = container.id;
    await container.start();
    return { id };
  } catch (error) {
    if (id) await removeContainer(engine, id);
    throw toAppError(error);
  }
}

/**
 * Create a container without starting it (to read files from an image). Its entrypoint and command
 * are Kura's ("true"), never the image's, and it has no network, should anything start it.
 */
export async function createContainer(
  engine: EngineConnection,
  options: { image: string; labels?: Record<string, string> },
): Promise<{ id: string }> {
  try {
    const container = await dockerFor(engine).createContainer({
      Image: options.image,
      Labels: options.labels,
      Entrypoint: ["true"],
      Cmd: [],
      NetworkDisabled: true,
      HostConfig: { NetworkMode: "none" },
    });
    return { id: container.id };
  } catch (error) {
    throw toAppError(error);
  }
}

/** Force-remove a container and its anonymous volumes; a container that is already gone is fine. */
export async function removeContainer(engine: EngineConnection, id: string): Promise<void> {
  try {
    await dockerFor(engine).getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw toAppError(error);
  }
}

/** Remove an image (e.g. one a failed restore built); a missing image is fine. */
export async function removeImage(engine: EngineConnection, ref: string): Promise<void> {
  try {
    // Capped: the engine has been seen to delete the image and never answer the request (a restore then hung at "merge").
    await withTimeout(dockerFor(engine).getImage(ref).remove({ force: true }), REMOVE_IMAGE_TIMEOUT_MS);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw toAppError(error);
  }
}

export type ProbeOptions = {
  image: string;
  /** argv of Kura's program: it replaces the image's ENTRYPOINT and CMD (neither of them runs). */
  argv: string[];
  /** "none" unless the probe needs a network (e.g. the build network for apt). */
  networkMode: string;
  labels?: Record<string, string>;
  /** Killed and removed after this long, with an AppError 504 "probe_timeout". */
  timeoutMs: number;
  /** What the probe is for, in the timeout's message ("asking debian:trixie's repositories"). */
  purpose: string;
};

export type ProbeResult = { exitCode: number; output: string };

const MAX_PROBE_OUTPUT = 4 * 1024 * 1024;

/**
 * Run one of Kura's own short programs in a throwaway container of a local image, wait for it,
 * and collect its exit code and output (stdout and stderr, the first 4 MiB). The container is
 * always removed, also when the time limit kills it.
 */
export async function runProbe(engine: EngineConnection, options: ProbeOptions): Promise<ProbeResult> {
  if (!options.argv.length) throw new AppError(422, "empty_command", "The probe's command is empty.");
  const docker = dockerFor(engine);
  let id: string | null = null;
  try {
    const [entrypoint, ...cmd] = options.argv;
    const container = await docker.createContainer({
      Image: options.image,
      name: `kura-probe-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      Labels: options.labels,
      Entrypoint: [entrypoint as string],
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(options.networkMode === "none" ? { NetworkDisabled: true } : {}),
      HostConfig: { NetworkMode: options.networkMode, AutoRemove: false },
    });
    id = container.id;
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const sink = new PassThrough();
    let output = "";
    sink.on("data", (chunk: Buffer) => {
      if (output.length < MAX_PROBE_OUTPUT) output += chunk.toString("utf8").slice(0, MAX_PROBE_OUTPUT - output.length);
    });
    container.modem.demuxStream(stream, sink, sink);
    const ended = new Promise<void>((resolve) => {
      stream.on("end", () => resolve());
      stream.on("close", () => resolve());
      stream.on("error", () => resolve());
    });
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
    });
    const outcome = await Promise.race([container.wait() as Promise<{ StatusCode?: number }>, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      (stream as unknown as Duplex).destroy();
      const seconds = Math.round(options.timeoutMs / 1000);
      throw new AppError(
        504,
        "probe_timeout",
        `Kura gave up ${options.purpose} after ${seconds} s; the probe container was stopped and removed.`,
      );
    }
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
    return { exitCode: outcome.StatusCode ?? -1, output };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw toAppError(error);
  } finally {
    if (id) await removeContainer(engine, id).catch(() => undefined);
  }
}
