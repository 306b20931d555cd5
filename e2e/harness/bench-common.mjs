// Shared by the benchmark parts (bench-*.mjs): the dashboard under test, signing in, HTTP calls,
// timing and formatting helpers. `npm run bench` (run-bench.mjs) decides which parts run.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./sh.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const artifacts = path.join(root, "e2e", ".artifacts");
/** The benchmark's own dashboard: KURA_BENCH_PORT, or 3201 (two checkouts benchmarking at once need two ports). */
export const PORT = Number(process.env.KURA_BENCH_PORT ?? 3201);
export const BASE = `http://127.0.0.1:${PORT}`;
export const RUNS = 3;

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const ms = (value) => `${Math.round(value)} ms`;
export const mbps = (bytes, milliseconds) => bytes / 1e6 / (milliseconds / 1000);
export const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
export const kb = (bytes) => `${(bytes / 1e3).toFixed(1)} kB`;

export function docker(args) {
  return execFileSync("docker", ["-H", process.env.DOCKER_HOST, ...args], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export async function time(work) {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

// Who the bench calls the API as: the admin prepare.mjs has the dashboard create at start
// (KURA_ADMIN_NAME / KURA_ADMIN_PASSWORD), with an API token for fetch and the session cookie for Chromium.
export const auth = { headers: {}, cookies: [] };

export async function signIn() {
  const password = process.env.KURA_ADMIN_PASSWORD;
  if (!password) return; // a dashboard without sign-in
  const name = process.env.KURA_ADMIN_NAME ?? "admin";
  const signedIn = await call("POST", "/api/auth/sign-in", { body: { name, password } });
  if (signedIn.status === 404) return; // this build has no sign-in
  if (signedIn.status !== 200) throw new Error(`the bench could not sign in as ${name}: ${signedIn.status} ${signedIn.text}`);
  const cookie = String(signedIn.headers["set-cookie"] ?? "").split(";")[0];
  const [cookieName, ...cookieValue] = cookie.split("=");
  const created = await call("POST", "/api/tokens", { headers: { cookie, origin: BASE }, body: { name: "npm run bench" } });
  if (created.status !== 201) throw new Error(`the bench could not create an API token: ${created.status} ${created.text}`);
  auth.headers = { authorization: `Bearer ${JSON.parse(created.text).token}` };
  auth.cookies = [{ name: cookieName, value: cookieValue.join("="), url: BASE }];
}

/**
 * One HTTP request on a connection of its own (no keep-alive): the bench blocks its event loop in
 * execFileSync for many seconds, and a pooled connection the server closed meanwhile would fail
 * the next request with "other side closed".
 */
export function call(method, url, { headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const allHeaders = {
    ...headers,
    ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
  };
  return new Promise((resolve, reject) => {
    const request = http.request(BASE + url, { method, agent: false, headers: allHeaders }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    request.on("error", reject);
    request.end(payload);
  });
}

/** The dashboard now running (the archive part restarts it once with other settings). */
export const servers = { current: null };

export async function startServer(extraEnv = {}) {
  // The dashboard's own output goes to a file, for when a bench fails.
  const output = openSync(path.join(artifacts, "bench-server.log"), "a");
  const server = spawn("npx", ["next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    stdio: ["ignore", output, output],
    env: { ...process.env, ...extraEnv },
    detached: true,
  });
  closeSync(output);
  servers.current = server;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return server;
    } catch {}
    await sleep(500);
  }
  throw new Error("the dashboard did not start for the benchmark");
}

/**
 * Stops the dashboard (its whole process group) and waits until every process of it has exited (SIGKILL after 30 s),
 * so a dashboard started next never shares the port with the old one still shutting down.
 */
export async function stopServer(server) {
  const alive = () => {
    try {
      process.kill(-server.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-server.pid, "SIGTERM");
  for (let i = 0; i < 120 && alive(); i++) await sleep(250);
  if (alive()) process.kill(-server.pid, "SIGKILL");
  for (let i = 0; i < 40 && alive(); i++) await sleep(250);
}

/** An API call as the bench's user; throws unless 2xx, returns the parsed JSON. */
export async function api(method, url, body) {
  const response = await call(method, url, { headers: auth.headers, body });
  if (response.status < 200 || response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${response.text}`);
  return JSON.parse(response.text);
}

/** CPU seconds used so far by the dashboard (every process in the `next start` process group). */
export function serverCpuSeconds(server) {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      // Fields after the command name (which may hold spaces): state ppid pgrp ... utime(14) stime(15).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop().split(" ");
      if (Number(fields[2]) === server.pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** POST an archive of the container and poll its job: wall time from the POST to the job's end. */
export async function archiveThroughApi(containerName, server) {
  const cpuBefore = server ? serverCpuSeconds(server) : 0;
  const start = performance.now();
  const { jobId, archiveId } = await api("POST", `/api/engines/local/containers/${containerName}/archives`, {
    name: `bench ${containerName}`,
  });
  let job;
  for (;;) {
    job = await api("GET", `/api/jobs/${jobId}`);
    if (["succeeded", "failed", "cancelled"].includes(job.state)) break;
    await sleep(100);
  }
  const wall = performance.now() - start;
  const cpu = server ? serverCpuSeconds(server) - cpuBefore : 0;
  if (job.state !== "succeeded") throw new Error(`the archive job of ${containerName} ended ${job.state}: ${job.error}`);
  const archive = await api("GET", `/api/archives/${archiveId}`);
  return {
    wall,
    cpu,
    jobMs: Date.parse(job.finishedAt) - Date.parse(job.startedAt),
    archive,
    layerRead: job.result?.layerRead ?? "archive-api",
  };
}

/** Which code was measured: the commit, and the source folders with uncommitted changes (if any). */
export function codeVersion() {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const changed = execFileSync("git", ["status", "--porcelain", "--", "lib", "app"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
      .split("\n")
      .filter(Boolean)
      .map((line) => path.posix.dirname(line.slice(3)));
    const folders = [...new Set(changed)].sort();
    return folders.length ? `commit ${commit} with uncommitted changes in ${folders.join(", ")}` : `commit ${commit}`;
  } catch {
    return "an unknown commit (no git)";
  }
}
