import { AppError } from "@/lib/api/app-error";
import type { Quiesce } from "@/lib/archives/manifest";
import { pauseContainer, unpauseContainer } from "@/lib/docker/pause-container";
import type { ReadWarning } from "@/lib/docker/read-warning";
import { startContainer, stopContainer } from "@/lib/docker/stop-container";
import type { EngineConnection } from "@/lib/docker/types";

// Issue 15: how an archive holds a running container while its raw files are copied: "live" (as it runs), "pause"
// (docker pause: its processes frozen, nothing changes the files) or "stop" (docker stop, started again after). The
// hold is always released (unpaused, started), also when the archive fails or is cancelled: the caller releases it
// in a finally, and release is idempotent and never throws (a failure to restart is a warning in the job's result).

export type QuiesceMode = Quiesce["mode"];
export type ContainerHold = { release(): Promise<Quiesce> };

export type HoldOptions = {
  mode: QuiesceMode;
  running: boolean;
  onStep: (message: string) => void;
  warnings: ReadWarning[];
  stopTimeoutSeconds?: number;
};

export async function holdContainer(engine: EngineConnection, containerId: string, options: HoldOptions): Promise<ContainerHold> {
  const { mode } = options;
  if (mode === "live" || !options.running) {
    if (mode !== "live") options.onStep(`The container is not running: nothing to ${mode} for the copy`);
    return { release: async () => ({ mode, restarted: false }) };
  }
  let released: Promise<Quiesce> | null = null;
  const release = () => {
    released ??= (async () => {
      options.onStep(mode === "pause" ? "Unpausing the container" : "Starting the container again");
      try {
        await (mode === "pause" ? unpauseContainer(engine, containerId) : startContainer(engine, containerId));
        options.onStep(
          mode === "pause"
            ? "The container was paused for the copy and runs again"
            : "The container was stopped for the copy and runs again",
        );
        return { mode, restarted: true };
      } catch (error) {
        const message = `Kura could not ${mode === "pause" ? "unpause" : "start"} the container after the copy: ${(error as Error).message} Start it yourself.`;
        options.warnings.push({ code: "quiesce-failed", path: null, message });
        options.onStep(message);
        return { mode, restarted: false };
      }
    })();
    return released;
  };
  options.onStep(mode === "pause" ? "Pausing the container for the copy" : "Stopping the container for the copy");
  try {
    await (mode === "pause" ? pauseContainer(engine, containerId) : stopContainer(engine, containerId, options.stopTimeoutSeconds));
  } catch (error) {
    await release();
    throw new AppError(409, "quiesce_failed", `Kura could not ${mode} the container for the copy: ${(error as Error).message}`);
  }
  return { release };
}
