import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { AppError } from "@/lib/api/app-error";
import { parseEndpoint } from "@/lib/engines/parse-endpoint";
import type { EngineConnection } from "./types";
import { processSingleton } from "@/lib/process-singleton";

// One dockerode client per engine and endpoint, reused across requests (and hot reloads).
const clients = processSingleton("docker-clients", () => new Map<string, { key: string; docker: Docker }>());

function readTlsFile(path: string | null | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    throw new AppError(422, "tls_file_unreadable", `The TLS file ${path} cannot be read by Kura.`);
  }
}

function createClient(engine: EngineConnection): Docker {
  const tls = Boolean(engine.tlsCa || engine.tlsCert || engine.tlsKey);
  const parsed = parseEndpoint(engine.endpoint, { tls });
  if (!parsed.ok) throw new AppError(422, "invalid_endpoint", parsed.message);
  const endpoint = parsed.endpoint;
  switch (endpoint.kind) {
    case "unix":
      return new Docker({ socketPath: endpoint.socketPath });
    case "tcp":
      return new Docker({
        host: endpoint.host.replace(/^\[|\]$/g, ""),
        port: endpoint.port,
        protocol: tls ? "https" : "http",
        ca: readTlsFile(engine.tlsCa),
        cert: readTlsFile(engine.tlsCert),
        key: readTlsFile(engine.tlsKey),
      });
    case "ssh":
      return new Docker({ protocol: "ssh", host: endpoint.host, port: endpoint.port, username: endpoint.username });
  }
}

export function dockerFor(engine: EngineConnection): Docker {
  const key = [engine.endpoint, engine.tlsCa, engine.tlsCert, engine.tlsKey].join("|");
  const cached = clients.get(engine.id);
  if (cached && cached.key === key) return cached.docker;
  const docker = createClient(engine);
  clients.set(engine.id, { key, docker });
  return docker;
}

export function forgetEngine(engineId: string): void {
  clients.delete(engineId);
}
