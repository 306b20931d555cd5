import { createHash } from "node:crypto";
import { createReadStream, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { withTimeout } from "./docker-error";
import type { EngineConnection } from "./types";
import type { ArchiveHeader, HashAlgorithm, WalkOptions } from "./walk-archive";

// The engine serialises archive requests per container (~70 ms each), so reading hundreds of
// modified files one request at a time is slow. When Kura runs on the engine's host, the
// overlay2 upper directory holds exactly the container's changed files: read them directly.
// Anything unusual (another storage driver, a remote engine, no permission) falls back to the
// archive API, which is always correct.

/** The container's writable-layer folder on this machine, or null when it cannot be read here. */
export async function findLayerDirectory(engine: EngineConnection, containerId: string): Promise<string | null> {
  if (env.KURA_LAYER_READ === "archive-api" || !engine.endpoint.startsWith("unix://")) return null;
  try {
    const info = await withTimeout(dockerFor(engine).getContainer(containerId).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
    const driver = info.GraphDriver as { Name?: string; Data?: Record<string, string> } | undefined;
    const upper = driver?.Name === "overlay2" ? driver.Data?.UpperDir : undefined;
    if (!upper || !path.isAbsolute(upper) || !statSync(upper).isDirectory()) return null;
    // Without links: files are read only where the kernel confirms the real path (see read-layer-files.ts).
    return realpathSync(upper);
  } catch {
    return null;
  }
}

function digestOf(file: string, algorithm: HashAlgorithm): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

// Started by path, outside the bundle: a worker thread walks the folder while the main thread
// receives the engine's diff. (On 2 cores a same-thread walk delayed the diff by about a second.)
const WORKER = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "docker", "walk-layer.worker.mjs");

type WorkerHeader = Omit<ArchiveHeader, "head"> & { head?: Uint8Array };

/**
 * Every path in the layer folder with its header (type, size, mode, owner, mtime, link target,
 * and the first bytes of small files). It needs no diff, so it runs while the engine computes one;
 * the caller keeps the paths the diff lists (the folder also holds overlay whiteouts).
 */
export function walkLayerDirectory(layerDir: string, options: Pick<WalkOptions, "headBytes"> = {}): Promise<Map<string, ArchiveHeader>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { layerDir, headBytes: options.headBytes ?? 0 } });
    worker.once("message", (list: WorkerHeader[]) => {
      const headers = new Map<string, ArchiveHeader>();
      for (const header of list) headers.set(header.path, header.head ? { ...header, head: Buffer.from(header.head) } : (header as ArchiveHeader));
      resolve(headers);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the layer walker stopped with code ${code}`))));
  });
}

/** Hex digests of files in the layer folder (package-owned files to compare with the package database: dpkg's md5, apk's sha1). */
export async function hashLayerFiles(layerDir: string, containerPaths: string[], algorithm: HashAlgorithm = "md5"): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const containerPath of containerPaths) {
    const file = path.join(layerDir, containerPath);
    if (!file.startsWith(`${layerDir}/`)) continue;
    try {
      sums.set(containerPath, await digestOf(file, algorithm));
    } catch {
      // unreadable: the comparison is reported as not checked
    }
  }
  return sums;
}
