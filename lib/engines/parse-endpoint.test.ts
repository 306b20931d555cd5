import { describe, expect, it } from "vitest";
import { localEndpoint, parseEndpoint } from "./parse-endpoint";

describe("parseEndpoint", () => {
  it("accepts a unix socket path", () => {
    expect(parseEndpoint("unix:///var/run/docker.sock")).toEqual({
      ok: true,
      endpoint: { kind: "unix", socketPath: "/var/run/docker.sock" },
    });
  });
  it("accepts tcp with and without a port, defaulting by TLS", () => {
    expect(parseEndpoint("tcp://docker.example.org:2376")).toEqual({
      ok: true,
      endpoint: { kind: "tcp", host: "docker.example.org", port: 2376 },
    });
    expect(parseEndpoint("tcp://127.0.0.1")).toMatchObject({ ok: true, endpoint: { port: 2375 } });
    expect(parseEndpoint("tcp://127.0.0.1", { tls: true })).toMatchObject({ ok: true, endpoint: { port: 2376 } });
    expect(parseEndpoint("tcp://[::1]:2375")).toMatchObject({ ok: true, endpoint: { host: "[::1]" } });
  });
  it("accepts ssh with a user and optional port", () => {
    expect(parseEndpoint("ssh://deploy@build-01:2222")).toEqual({
      ok: true,
      endpoint: { kind: "ssh", host: "build-01", port: 2222, username: "deploy" },
    });
  });
  it.each([
    ["", "Use unix://"],
    ["http://host:2375", "Use unix://"],
    ["unix://relative.sock", "absolute socket path"],
    ["unix:///var/../etc/sock", "'..'"],
    ["tcp://host:99999", "port"],
    ["tcp://host:abc", "port"],
    ["tcp://user@host", "no user name"],
    ["ssh://host", "needs a user"],
    ["tcp://bad_host!:1", "not a valid host"],
    ["tcp://-bad-.example:1", "not a valid host"],
  ])("rejects %j with a helpful message", (input, fragment) => {
    const result = parseEndpoint(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(fragment);
  });
});

describe("localEndpoint", () => {
  it("prefers DOCKER_HOST, then the first socket that exists", () => {
    expect(localEndpoint("tcp://127.0.0.1:2375", () => true)).toBe("tcp://127.0.0.1:2375");
    expect(localEndpoint(undefined, (p) => p === "/run/docker.sock")).toBe("unix:///run/docker.sock");
    expect(localEndpoint(undefined, () => false)).toBe("unix:///var/run/docker.sock");
  });
});
