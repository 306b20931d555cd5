// Parse a Docker engine address as a person types it. Pure: no I/O.

export type EngineEndpoint =
  | { kind: "unix"; socketPath: string }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "ssh"; host: string; port: number; username: string };

export type ParseResult = { ok: true; endpoint: EngineEndpoint } | { ok: false; message: string };

const HOST = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?)$/;

function parsePort(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,5}$/.test(raw)) return null;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : null;
}

export function parseEndpoint(input: string, options: { tls?: boolean } = {}): ParseResult {
  const raw = input.trim();
  if (raw.startsWith("unix://")) {
    const socketPath = raw.slice("unix://".length);
    if (!socketPath.startsWith("/"))
      return { ok: false, message: "A unix endpoint needs an absolute socket path, such as unix:///var/run/docker.sock." };
    if (socketPath.includes("\0") || socketPath.split("/").includes(".."))
      return { ok: false, message: "The socket path may not contain '..' or NUL characters." };
    return { ok: true, endpoint: { kind: "unix", socketPath } };
  }
  const match = /^(tcp|ssh):\/\/(?:([^@/:\s]+)@)?(\[[^\]]+\]|[^:/\s]+)(?::([^/\s]*))?\/?$/.exec(raw);
  if (!match) {
    return { ok: false, message: "Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host." };
  }
  const [, scheme, user, host = "", portText] = match;
  if (!HOST.test(host)) return { ok: false, message: `"${host}" is not a valid host name or address.` };
  if (scheme === "tcp") {
    if (user) return { ok: false, message: "A tcp endpoint has no user name; use ssh://user@host for SSH." };
    const port = parsePort(portText, options.tls ? 2376 : 2375);
    if (port === null) return { ok: false, message: "The port must be a number from 1 to 65535." };
    return { ok: true, endpoint: { kind: "tcp", host, port } };
  }
  if (!user) return { ok: false, message: "An ssh endpoint needs a user: ssh://user@host." };
  const port = parsePort(portText, 22);
  if (port === null) return { ok: false, message: "The port must be a number from 1 to 65535." };
  return { ok: true, endpoint: { kind: "ssh", host, port, username: user } };
}

/** The local engine's address: DOCKER_HOST, else the first standard socket. */
export function localEndpoint(dockerHost: string | undefined, socketExists: (path: string) => boolean): string {
  if (dockerHost) return dockerHost;
  for (const socketPath of ["/var/run/docker.sock", "/run/docker.sock"]) {
    if (socketExists(socketPath)) return `unix://${socketPath}`;
  }
  return "unix:///var/run/docker.sock";
}
