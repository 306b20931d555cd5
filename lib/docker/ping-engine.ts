import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { engineMessage, withTimeout } from "./docker-error";
import type { EngineConnection, EngineStatus } from "./types";

export async function pingEngine(engine: EngineConnection): Promise<EngineStatus> {
  try {
    const docker = dockerFor(engine);
    const version = await withTimeout(docker.version(), env.KURA_ENGINE_TIMEOUT_MS);
    return { reachable: true, version: version.Version, apiVersion: version.ApiVersion, os: `${version.Os}/${version.Arch}` };
  } catch (error) {
    return { reachable: false, error: engineMessage(error) };
  }
}
