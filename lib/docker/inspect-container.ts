import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import type { ContainerInspection, ContainerState, EngineConnection, Mount } from "./types";

const ZERO_TIME = "0001-01-01T00:00:00Z";

function time(value: string | undefined): string | null {
  return value && value !== ZERO_TIME ? new Date(value).toISOString() : null;
}

/**
 * A container's inspection, and where its writable layer is on the engine's host (overlay2's upper folder), if known,
 * with the folders of the layers below it (the container's init layer, then the image's, top first).
 */
export type InspectedContainer = { inspection: ContainerInspection; upperDir: string | null; lowerDirs?: string[] };

export async function inspectContainer(engine: EngineConnection & { name?: string }, containerRef: string): Promise<ContainerInspection> {
  return (await inspectContainerWithLayer(engine, containerRef)).inspection;
}

/** One inspection that also says where the writable layer is: a job that reads the layer asks the engine once. */
export async function inspectContainerWithLayer(
  engine: EngineConnection & { name?: string },
  containerRef: string,
): Promise<InspectedContainer> {
  const docker = dockerFor(engine);
  try {
    const info = await withTimeout(docker.getContainer(containerRef).inspect(), env.KURA_ENGINE_TIMEOUT_MS * 2);
    let imageDigest: string | null = null;
    try {
      const image = await withTimeout(docker.getImage(info.Image).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
      imageDigest = image.RepoDigests?.[0] ?? null;
    } catch {
      // The image may be gone (removed after the container was created); the container still is.
    }
    const mounts: Mount[] = (info.Mounts ?? []).map((mount) => ({
      type: mount.Type as Mount["type"],
      name: mount.Name ?? null,
      source: mount.Source,
      destination: mount.Destination,
      readOnly: mount.RW === false,
    }));
    const driver = info.GraphDriver as { Name?: string; Data?: Record<string, string> } | undefined;
    const upperDir = driver?.Name === "overlay2" ? (driver.Data?.UpperDir ?? null) : null;
    const lowerDirs = driver?.Name === "overlay2" ? (driver.Data?.LowerDir ?? "").split(":").filter(Boolean) : [];
    const inspection: ContainerInspection = {
      id: info.Id,
      name: info.Name.replace(/^\//, ""),
      image: info.Config.Image,
      imageId: info.Image,
      imageDigest,
      state: info.State.Status as ContainerState,
      createdAt: new Date(info.Created).toISOString(),
      startedAt: time(info.State.StartedAt),
      finishedAt: time(info.State.FinishedAt),
      config: {
        cmd: (info.Config.Cmd as string[] | null) ?? null,
        entrypoint:
          typeof info.Config.Entrypoint === "string" ? [info.Config.Entrypoint] : ((info.Config.Entrypoint as string[] | null) ?? null),
        env: info.Config.Env ?? [],
        workingDir: info.Config.WorkingDir ?? "",
        user: info.Config.User ?? "",
        exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}),
        labels: info.Config.Labels ?? {},
        volumes: Object.keys(info.Config.Volumes ?? {}),
        hostname: info.Config.Hostname ?? "",
      },
      mounts,
      engineManagedFiles: ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"],
    };
    return { inspection, upperDir, lowerDirs };
  } catch (error) {
    throw toAppError(error, { engineName: engine.name, containerRef });
  }
}
