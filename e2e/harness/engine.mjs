// Makes sure the Docker engines the tests need are reachable, starting private ones when
// running as root on Debian (recipe in ../shared/ENVIRONMENT.md), and the base images exist.
import { spawn } from "node:child_process";
import http from "node:http";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { aptInstall, isRootOnDebian, log, readPid, run, sleep, which } from "./sh.mjs";

// Never a bridge, never iptables: no private-range addresses on this machine.
const DAEMON_FLAGS = ["--bridge=none", "--iptables=false", "--ip-masq=false", "--ip6tables=false"];

export function ping(socketPath, timeoutMs = 2000) {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) return resolve(false);
    const req = http.get({ socketPath, path: "/_ping", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
  });
}

function ensureDockerd() {
  if (which("dockerd") && which("docker")) return;
  aptInstall(["docker.io"]);
}

function isDockerd(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "dockerd";
  } catch {
    return false;
  }
}

/**
 * A machine that restarted keeps /run's files when /run is not a tmpfs: the old pid file then
 * stops dockerd ("pid file found"), and a stale socket or containerd state can confuse it. When no
 * dockerd of ours runs, clear that runtime state (never the data root, which holds the images).
 * When one runs but does not answer yet, wait for it rather than start a second one.
 */
async function clearStaleState(root, socketPath, pidfile) {
  const pid = readPid(pidfile);
  if (pid && isDockerd(pid)) {
    for (let i = 0; i < 120; i++) {
      if (await ping(socketPath)) return true;
      if (!isDockerd(pid)) break;
      await sleep(500);
    }
    if (isDockerd(pid)) throw new Error(`dockerd ${pid} (pid file ${pidfile}) runs but does not answer at ${socketPath}`);
  }
  for (const stale of [pidfile, socketPath, path.join(root, "exec")]) {
    if (existsSync(stale)) {
      log(`removing stale ${stale} (no dockerd runs for it)`);
      try {
        rmSync(stale, { recursive: true, force: true });
      } catch (error) {
        log(`could not remove all of ${stale} (${error.code ?? error.message}); dockerd may still start`);
      }
    }
  }
  return false;
}

/**
 * Start a private dockerd on `root` (a folder holding the socket, pid file and state) unless one
 * already answers there. Returns { socketPath, started }.
 */
export async function startPrivateEngine({ root, dataRoot }) {
  const socketPath = path.join(root, "docker.sock");
  if (await ping(socketPath)) return { socketPath, pidfile: null, started: false };
  if (!isRootOnDebian()) throw new Error(`no Docker engine at ${socketPath}, and starting one needs root on Debian`);
  ensureDockerd();
  mkdirSync(root, { recursive: true });
  const pidfile = path.join(root, "docker.pid");
  if (await clearStaleState(root, socketPath, pidfile)) return { socketPath, pidfile: null, started: false };
  const logFile = path.join(root, "dockerd.log");
  const out = openSync(logFile, "a");
  const child = spawn(
    "dockerd",
    [...DAEMON_FLAGS, "-H", `unix://${socketPath}`, "--data-root", dataRoot, "--exec-root", path.join(root, "exec"), "--pidfile", pidfile],
    { detached: true, stdio: ["ignore", out, out] },
  );
  child.unref();
  closeSync(out);
  for (let i = 0; i < 120; i++) {
    if (await ping(socketPath)) {
      log(`dockerd started at ${socketPath}`);
      return { socketPath, pidfile, started: true };
    }
    if (child.exitCode !== null) break;
    await sleep(500);
  }
  throw new Error(`dockerd did not start at ${socketPath}; see ${logFile}`);
}

export async function stopEngine({ pidfile, socketPath }) {
  const pid = pidfile ? readPid(pidfile) : null;
  if (!pid) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 60; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      log(`dockerd at ${socketPath} stopped`);
      return;
    }
    await sleep(500);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
}

/** The engine the tests use: DOCKER_HOST (unix), the standard sockets, else a private one. */
export async function ensurePrimaryEngine() {
  const fromEnv = process.env.DOCKER_HOST;
  if (fromEnv) {
    if (!fromEnv.startsWith("unix://")) throw new Error(`the test harness needs a unix socket DOCKER_HOST, got ${fromEnv}`);
    const socketPath = fromEnv.slice("unix://".length);
    if (await ping(socketPath)) return { socketPath, pidfile: null, started: false };
    throw new Error(`DOCKER_HOST=${fromEnv} does not answer`);
  }
  for (const socketPath of ["/var/run/docker.sock", "/run/docker.sock"]) {
    if (await ping(socketPath)) return { socketPath, pidfile: null, started: false };
  }
  // Keep the data root across runs on the same machine so base images are not rebuilt each time.
  return startPrivateEngine({ root: "/run/kura-test-engine", dataRoot: "/var/lib/kura-test-docker" });
}

function docker(socketPath, args, options = {}) {
  return run(["docker", "-H", `unix://${socketPath}`, ...args], options);
}

export function hasImage(socketPath, tag) {
  try {
    docker(socketPath, ["image", "inspect", tag], { quiet: true });
    return true;
  } catch {
    return false;
  }
}

const CACHE_DIR = process.env.KURA_TEST_CACHE ?? "/var/cache/kura-test";
const MIRROR = process.env.KURA_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";

function rootfsTarball(suite) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const tarball = path.join(CACHE_DIR, `rootfs-${suite}.tar`);
  if (existsSync(tarball) && statSync(tarball).size > 0) return tarball;
  if (!which("debootstrap")) aptInstall(["debootstrap"]);
  const dir = path.join(CACHE_DIR, `rootfs-${suite}`);
  run(["rm", "-rf", dir]);
  log(`debootstrap ${suite} (about 30 s)`);
  run(["debootstrap", "--variant=minbase", suite, dir, MIRROR], { quiet: true });
  run(["tar", "-C", dir, "-cf", `${tarball}.tmp`, "."]);
  run(["mv", `${tarball}.tmp`, tarball]);
  run(["rm", "-rf", dir]);
  return tarball;
}

/** debian:<suite> built by debootstrap when the tag is missing (no registry here). */
export function ensureDebianImage(socketPath, suite) {
  const tag = `debian:${suite}`;
  if (hasImage(socketPath, tag)) return tag;
  const tarball = rootfsTarball(suite);
  log(`docker import ${tag}`);
  docker(socketPath, ["import", "--change", 'CMD ["bash"]', tarball, tag], { quiet: true });
  return tag;
}

export const BUSYBOX_TAG = "kura-test/busybox:latest";

/** A tiny image with no package manager: busybox-static and its applet links. */
export function ensureBusyboxImage(socketPath) {
  if (hasImage(socketPath, BUSYBOX_TAG)) return BUSYBOX_TAG;
  if (!existsSync("/bin/busybox")) aptInstall(["busybox-static"]);
  const dir = path.join(CACHE_DIR, "rootfs-busybox");
  run(["rm", "-rf", dir]);
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  for (const sub of ["etc", "tmp", "root", "var", "srv"]) mkdirSync(path.join(dir, sub), { recursive: true });
  run(["cp", "/bin/busybox", path.join(dir, "bin", "busybox")]);
  const applets = run(["/bin/busybox", "--list"], { quiet: true }).split("\n").filter(Boolean);
  for (const applet of applets) {
    if (applet !== "busybox") run(["ln", "-sf", "busybox", path.join(dir, "bin", applet)]);
  }
  run(["sh", "-c", `printf 'root:x:0:0:root:/root:/bin/sh\\n' > ${dir}/etc/passwd && printf 'root:x:0:\\n' > ${dir}/etc/group`]);
  log(`docker import ${BUSYBOX_TAG}`);
  run(
    [
      "sh",
      "-c",
      `tar -C '${dir}' -c . | docker -H 'unix://${socketPath}' import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - ${BUSYBOX_TAG}`,
    ],
    { quiet: true },
  );
  return BUSYBOX_TAG;
}

/** Copy an image from one engine to another (docker save | docker load). */
export function copyImage(fromSocket, toSocket, tag) {
  if (hasImage(toSocket, tag)) return;
  run(["sh", "-c", `docker -H unix://${fromSocket} save ${tag} | docker -H unix://${toSocket} load -q`]);
}

// Every container a test run makes carries kura.test=1 and kura.test.run=<this run's id>, so two runs
// on one machine (say CI and a developer) share the engines without removing each other's containers.
const STALE_AFTER_MS = 3 * 3600 * 1000;

/** This run's id (KURA_TEST_RUN, set by prepare; "manual" for a fixture used outside `npm test`). */
export function testRunId() {
  return process.env.KURA_TEST_RUN ?? "manual";
}

/** `docker run` arguments that mark a container as this test run's. */
export function testLabelArgs() {
  return ["--label", "kura.test=1", "--label", `kura.test.run=${testRunId()}`];
}

/**
 * Remove test containers on an engine: with `run`, that run's; without, those left by runs that ended
 * long ago (older than three hours, or from before runs were labelled), never a concurrent run's.
 */
export function removeTestContainers(socketPath, { run } = {}) {
  try {
    if (run) {
      const ids = docker(socketPath, ["ps", "-aq", "--filter", `label=kura.test.run=${run}`], { quiet: true })
        .split("\n")
        .filter(Boolean);
      if (ids.length) docker(socketPath, ["rm", "-f", "-v", ...ids], { quiet: true });
      return;
    }
    const listed = docker(
      socketPath,
      ["ps", "-a", "--filter", "label=kura.test=1", "--format", '{{.ID}}\t{{.Label "kura.test.run"}}\t{{.CreatedAt}}'],
      { quiet: true },
    );
    const stale = listed
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t"))
      .filter(
        ([, runId, createdAt]) =>
          !runId ||
          Date.now() -
            Date.parse(
              String(createdAt)
                .replace(/ [A-Z]+$/, "")
                .replace(" ", "T")
                .replace(" ", ""),
            ) >
            STALE_AFTER_MS,
      )
      .map(([id]) => id);
    if (stale.length) docker(socketPath, ["rm", "-f", "-v", ...stale], { quiet: true });
  } catch (error) {
    log(`could not remove test containers: ${error.message}`);
  }
}

/**
 * Remove the images restores built (label kura.restore) and the build stages left untagged, older than three hours (so
 * never a concurrent run's), when no container uses them: each test restore builds one, and without this the test
 * engine kept hundreds of them (seen: 279 images, 6.5 GB).
 */
export function removeStaleRestoreImages(socketPath) {
  try {
    const until = `until=${Math.round(STALE_AFTER_MS / 3600_000)}h`;
    docker(socketPath, ["image", "prune", "-a", "-f", "--filter", "label=kura.restore", "--filter", until], { quiet: true });
    docker(socketPath, ["image", "prune", "-f", "--filter", until], { quiet: true });
  } catch (error) {
    log(`could not remove old restore images: ${error.message}`);
  }
}

/** `unix:///path` or `/path` (a socket) -> the value for `docker -H`. */
export function dockerHostArgument(dockerHost) {
  return dockerHost.includes("://") ? dockerHost : `unix://${dockerHost}`;
}

/**
 * Builds `tag` on debian:<suite> (bookworm unless told) from `dockerfile` (on stdin, no build context) when the engine
 * lacks it. apt needs the host network (the private engines have no bridge).
 */
export function ensureImageFromDockerfile(dockerHost, { tag, dockerfile, what, suite = "bookworm" }) {
  const host = dockerHostArgument(dockerHost);
  if (!host.startsWith("unix://")) throw new Error(`building ${tag} needs a unix socket Docker host, got ${dockerHost}`);
  const socketPath = host.slice("unix://".length);
  if (hasImage(socketPath, tag)) return tag;
  ensureDebianImage(socketPath, suite);
  log(`docker build ${tag} (${what})`);
  const started = Date.now();
  run(["docker", "-H", host, "build", "--network", "host", "-t", tag, "-"], { quiet: true, input: dockerfile });
  log(`built ${tag} in ${Math.round((Date.now() - started) / 1000)} s`);
  return tag;
}
