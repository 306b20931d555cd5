import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { combineServiceChecks, httpCheck, proposeServiceChecks, tcpCheck } from "./propose-service-checks";

const servers: Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

// Asynchronous: the servers these checks call live in this process and must keep answering.
const sh = (command: string) =>
  new Promise<{ status: number }>((resolve) => {
    execFile("sh", ["-c", command], { timeout: 40_000 }, (error) =>
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0 }),
    );
  });

describe("proposeServiceChecks", () => {
  it("proposes one check per recognised service, naming the package that made it", () => {
    const checks = proposeServiceChecks(["libc6", "postgresql-15", "postgresql-client-15", "nginx", "openssh-server", "cron"]);
    expect(checks.map((check) => [check.service, check.package])).toEqual([
      ["PostgreSQL", "postgresql-15"],
      ["nginx", "nginx"],
      ["OpenSSH", "openssh-server"],
      ["cron", "cron"],
    ]);
  });

  it("proposes nothing for packages it does not know", () => {
    expect(proposeServiceChecks(["libc6", "bash", "python3"])).toEqual([]);
    expect(combineServiceChecks([])).toBe("");
  });

  it("writes one line that sh parses, every check retried", () => {
    const line = combineServiceChecks(
      proposeServiceChecks(["samba", "mariadb-server", "redis-server", "bind9", "apache2", "openssh-server"]),
    );
    expect(line).not.toContain("\n");
    expect(spawnSync("sh", ["-n", "-c", line]).status).toBe(0);
    expect(line.match(/kura_wait /g)?.length).toBe(6);
  });
});

describe("the checks ask the service itself", () => {
  it("tcpCheck passes when something listens and fails when nothing does", async () => {
    const port = await listen(createServer((socket) => socket.end()));
    expect((await sh(tcpCheck(port))).status).toBe(0);
    const closed = createServer();
    const freePort = await listen(closed);
    closed.close();
    expect((await sh(tcpCheck(freePort))).status).not.toBe(0);
  });

  it("httpCheck passes on an HTTP answer (even 401) and fails on a server that is not HTTP", async () => {
    const web = await listen(createHttpServer((_request, response) => response.writeHead(401).end("who are you")) as unknown as Server);
    expect((await sh(httpCheck(web))).status).toBe(0);
    const notHttp = await listen(createServer((socket) => socket.end("SSH-2.0-OpenSSH\r\n")));
    expect((await sh(httpCheck(notHttp))).status).not.toBe(0);
  });

  it("a combined line fails when one service does not answer, after its retries", async () => {
    const started = Date.now();
    const result = await sh(
      combineServiceChecks([{ service: "x", package: "x", command: "false", proves: "" }]).replace("-ge 30", "-ge 2"),
    );
    expect(result.status).not.toBe(0);
    expect(Date.now() - started).toBeGreaterThan(900);
  });

  it("prints what the service said on the try that passed", () => {
    const line = combineServiceChecks([{ service: "x", package: "x", command: "echo Sharename archive", proves: "" }]);
    expect(execFileSync("sh", ["-c", line], { encoding: "utf8" })).toBe("Sharename archive\n");
  });

  it("finds perl's IO::Socket::INET on this machine (the checks rely on perl-base)", () => {
    expect(execFileSync("/usr/bin/perl", ["-MIO::Socket::INET", "-e", "print 1"], { encoding: "utf8" })).toBe("1");
  });
});
