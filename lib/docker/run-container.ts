import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
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
  const portBindings = Object.fromEntries(Object.entries(options.publish ?? {}).map(([port, hostPort]) => [port, [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }]]));
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

/** Create a container without starting it (to read files from an image). */
export async function createContainer(engine: EngineConnection, options: { image: string; labels?: Record<string, string> }): Promise<{ id: string }> {
  try {
    const container = await dockerFor(engine).createContainer({ Image: options.image, Labels: options.labels, Cmd: ["true"], HostConfig: { NetworkMode: "none" } });
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
    await dockerFor(engine).getImage(ref).remove({ force: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw toAppError(error);
  }
}
