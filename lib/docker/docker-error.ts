import { AppError } from "@/lib/api/app-error";

type EngineFailure = { statusCode?: number; code?: string; message?: string; json?: { message?: string } | null; reason?: string };

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "EACCES",
  "ENOTFOUND",
  "EAI_AGAIN",
  "engine_timeout",
]);

/** Is this failure the engine being gone (as opposed to the engine saying no)? */
export function isUnreachable(error: unknown): boolean {
  const failure = error as EngineFailure;
  if (failure && typeof failure === "object" && failure.message === "aborted" && !failure.code) return true; // a response cut off mid-stream
  return Boolean(failure && typeof failure === "object" && failure.code && UNREACHABLE_CODES.has(failure.code));
}

export function engineMessage(error: unknown): string {
  const failure = error as EngineFailure;
  if (failure?.code === "engine_timeout") return "the engine did not answer in time";
  if (failure?.code === "ENOENT") return "no Docker socket at that path";
  if (failure?.code === "ECONNREFUSED") return "connection refused (is the engine running?)";
  if (failure?.code === "EACCES") return "permission denied on the Docker socket";
  if (failure?.code === "ECONNRESET" || failure?.code === "EPIPE" || failure?.message === "aborted")
    return "the connection to the engine was cut (did it stop?)";
  const text = failure?.json?.message ?? failure?.reason ?? failure?.message ?? String(error);
  return text.replace(/^\(HTTP code \d+\)\s*/, "").trim();
}

/** Turn a dockerode failure into an AppError a person can act on. */
export function toAppError(error: unknown, what: { engineName?: string; containerRef?: string } = {}): Error {
  if (error instanceof AppError) return error;
  const failure = error as EngineFailure;
  const engine = what.engineName ? `engine "${what.engineName}"` : "the engine";
  if (isUnreachable(error)) return new AppError(502, "engine_unreachable", `Kura cannot reach ${engine}: ${engineMessage(error)}.`);
  if (failure?.statusCode === 404 && what.containerRef) {
    return new AppError(404, "container_not_found", `No container "${what.containerRef}" on ${engine}.`);
  }
  if (failure?.statusCode === 404) return new AppError(404, "not_found", `${engine} says: ${engineMessage(error)}.`);
  if (failure?.statusCode === 409) return new AppError(409, "engine_conflict", `${engine} says: ${engineMessage(error)}.`);
  if (failure?.statusCode && failure.statusCode >= 400 && failure.statusCode < 500) {
    return new AppError(422, "engine_refused", `${engine} refused the request: ${engineMessage(error)}.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Reject after `ms` with an error that counts as unreachable. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("engine timeout"), { code: "engine_timeout" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
