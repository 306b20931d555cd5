// The Debian 11 cron scenario (Kura issue 13): an image with cron and logrotate installed with apt on
// debian:bullseye (kura-test/cron:bullseye, built when the tag is missing), and a container with user
// bob, his crontab and an edited /etc/logrotate.d/ file. cron and logrotate have priority "important",
// which an old planner took for base-system noise. Plain Node like samba-image.mjs. Docker is called
// with argv arrays only; nothing is interpolated into a shell.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dockerHostArgument, ensureDebianImage, hasImage, testLabelArgs } from "./engine.mjs";
import { log, run } from "./sh.mjs";

export const CRON_TAG = "kura-test/cron:bullseye";
export const CRON_USER = "bob";
export const CRON_UID = 1600;
/** bob's crontab line. */
export const CRON_LINE = "17 3 * * * /usr/bin/touch /home/bob/kura-cron-ran";
/** The edited logrotate file: the original's stanza, plus one for bob's own log (logrotate -d names it). */
export const LOGROTATE_FILE = "/etc/logrotate.d/apt";
export const LOGROTATE_LOG = "/var/log/kura-bob.log";
const LOGROTATE_STANZA = [
  "",
  "# Added for Kura's Debian 11 scenario.",
  `${LOGROTATE_LOG} {`,
  "  weekly",
  "  rotate 9",
  "  missingok",
  "  notifempty",
  "}",
  "",
].join("\n");

const DOCKERFILE = [
  "FROM debian:bullseye",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y cron logrotate && rm -rf /var/lib/apt/lists/*",
  "",
].join("\n");

function docker(dockerHost, args, input) {
  return execFileSync("docker", ["-H", dockerHostArgument(dockerHost), ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
}

/** Builds kura-test/cron:bullseye (cron + logrotate on debian:bullseye, apt on the build network) when the tag is missing. */
export function ensureCronImage(dockerHost) {
  const host = dockerHostArgument(dockerHost);
  if (!host.startsWith("unix://")) throw new Error(`building ${CRON_TAG} needs a unix socket Docker host, got ${dockerHost}`);
  const socketPath = host.slice("unix://".length);
  if (hasImage(socketPath, CRON_TAG)) return CRON_TAG;
  ensureDebianImage(socketPath, "bullseye");
  log(`docker build ${CRON_TAG} (apt-get install cron logrotate on Debian 11, about a minute)`);
  const network = process.env.KURA_BUILD_NETWORK || "host";
  run(["docker", "-H", host, "build", "--network", network, "-t", CRON_TAG, "-"], { quiet: true, input: DOCKERFILE });
  return CRON_TAG;
}

/**
 * Runs a container of kura-test/cron:bullseye (--network none, label kura.test=1, `sleep infinity`) and, through
 * exec: adds user bob (uid 1600), gives him a crontab line (`crontab -u bob -`) and appends a stanza to
 * /etc/logrotate.d/apt. Returns { name, id }.
 */
export function createCronContainer({ dockerHost, name }) {
  ensureCronImage(dockerHost);
  const containerName = name ?? `kura-cron-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const id = docker(dockerHost, [
    "run",
    "-d",
    "--network",
    "none",
    ...testLabelArgs(),
    "--name",
    containerName,
    CRON_TAG,
    "sleep",
    "infinity",
  ]).trim();
  try {
    const exec = (argv, input) => docker(dockerHost, ["exec", ...(input === undefined ? [] : ["-i"]), id, ...argv], input);
    exec(["useradd", "-m", "-u", String(CRON_UID), "-s", "/bin/bash", CRON_USER]);
    exec(["crontab", "-u", CRON_USER, "-"], `${CRON_LINE}\n`);
    exec(["tee", "-a", LOGROTATE_FILE], LOGROTATE_STANZA);
    const listed = exec(["crontab", "-l", "-u", CRON_USER]);
    if (!listed.includes(CRON_LINE)) throw new Error(`crontab -l -u ${CRON_USER} printed ${JSON.stringify(listed)}`);
  } catch (error) {
    removeCronContainer(dockerHost, id);
    throw error;
  }
  return { name: containerName, id };
}

export function removeCronContainer(dockerHost, container) {
  try {
    docker(dockerHost, ["rm", "-f", "-v", container]);
  } catch {
    // already gone
  }
}
