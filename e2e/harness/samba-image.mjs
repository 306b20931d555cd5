// The Samba scenario: an image with Samba 4 on Debian 12 (kura-test/samba:bookworm, built when the
// tag is missing) and a container that serves one share to one user, checked from inside the
// container over loopback (works with --network none). Plain Node so `npm run bench` can use it;
// e2e/fixtures/samba.ts wraps it for vitest and Playwright. Docker is called with argv arrays only;
// the one shell script below is a fixed string that takes its values as positional arguments.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dockerHostArgument, ensureImageFromDockerfile, testLabelArgs } from "./engine.mjs";

export const SAMBA_TAG = "kura-test/samba:bookworm";
export const SAMBA_USER = "alice";
export const SAMBA_UID = 1500;
export const SAMBA_SHARE = "archive";
export const SAMBA_SHARE_PATH = "/srv/share";
export const SAMBA_FILE = { path: `${SAMBA_SHARE_PATH}/report.txt`, content: "Quarterly report: 42 widgets archived by Kura.\n" };

const DOCKERFILE = [
  "FROM debian:bookworm",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y samba smbclient && rm -rf /var/lib/apt/lists/*",
  "",
].join("\n");

const SHARE_CONFIG = [
  "",
  `[${SAMBA_SHARE}]`,
  `   path = ${SAMBA_SHARE_PATH}`,
  "   read only = no",
  `   valid users = ${SAMBA_USER}`,
  "",
].join("\n");

// Start smbd unless one already answers, wait for it (up to ~30 s, polling every 0.2 s), fetch the
// file with smbclient as the user and print it. Only "not listening yet" is retried: a refused login
// or a missing share fails at once. $1 user, $2 password, $3 share, $4 file in the share.
const CHECK_SCRIPT = [
  "set -u",
  'user="$1"; password="$2"; share="$3"; file="$4"; out=/tmp/kura-samba-check.out',
  'rm -f "$out"',
  // A second smbd exits at once when one already runs (pid file lock), so starting one is always safe.
  // Its output goes to /dev/null so `docker exec` does not wait for it to close stdout.
  "smbd --foreground --no-process-group </dev/null >/dev/null 2>&1 &",
  "for attempt in $(seq 1 150); do",
  '  if result=$(smbclient "//127.0.0.1/$share" -U "$user%$password" -c "get $file $out" 2>&1); then cat "$out"; exit 0; fi',
  '  case "$result" in *CONNECTION_REFUSED*|*CONNECTION_RESET*|*CONNECTION_DISCONNECTED*|*IO_TIMEOUT*) sleep 0.2 ;; *) break ;; esac',
  "done",
  'echo "smbclient could not fetch $file from //127.0.0.1/$share: $result" >&2',
  "exit 1",
].join("\n");

function docker(dockerHost, args, input) {
  return execFileSync("docker", ["-H", dockerHostArgument(dockerHost), ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
}

/** Builds kura-test/samba:bookworm (Samba + smbclient on debian:bookworm) when the tag is missing. */
export function ensureSambaImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: SAMBA_TAG,
    dockerfile: DOCKERFILE,
    what: "apt-get install samba smbclient, about a minute",
  });
}

/** The argv that proves a (restored) container serves the share: prints the file's content, exit 0. */
export function sambaCheckArgv(service) {
  return [
    "bash",
    "-c",
    CHECK_SCRIPT,
    "kura-samba-check",
    service.user,
    service.password,
    service.share,
    service.file.path.split("/").pop(),
  ];
}

/**
 * Runs a Samba container (--network none, label kura.test=1, `sleep infinity`) with user alice
 * (uid 1500) and share [archive] at /srv/share holding report.txt, starts smbd and checks that
 * smbclient gets the file back over loopback. Returns { name, id, user, password, share, file }.
 */
export function createSambaContainer({ dockerHost, name, password = randomBytes(12).toString("base64url") }) {
  ensureSambaImage(dockerHost);
  if (!/^[A-Za-z0-9_-]+$/.test(password))
    throw new Error("the Samba password must be letters, digits, '-' or '_' (smbclient -U user%password)");
  const containerName = name ?? `kura-samba-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const id = docker(dockerHost, [
    "run",
    "-d",
    "--network",
    "none",
    ...testLabelArgs(),
    "--name",
    containerName,
    SAMBA_TAG,
    "sleep",
    "infinity",
  ]).trim();
  const service = { name: containerName, id, user: SAMBA_USER, password, share: SAMBA_SHARE, file: { ...SAMBA_FILE } };
  try {
    const exec = (argv, input) => docker(dockerHost, ["exec", ...(input === undefined ? [] : ["-i"]), id, ...argv], input);
    exec(["useradd", "-m", "-u", String(SAMBA_UID), "-s", "/bin/bash", SAMBA_USER]);
    // -s reads the new password twice from stdin: no shell, nothing interpolated.
    exec(["smbpasswd", "-a", "-s", SAMBA_USER], `${password}\n${password}\n`);
    exec(["tee", "-a", "/etc/samba/smb.conf"], SHARE_CONFIG);
    exec(["mkdir", "-p", SAMBA_SHARE_PATH]);
    exec(["tee", SAMBA_FILE.path], SAMBA_FILE.content);
    exec(["chown", "-R", `${SAMBA_USER}:${SAMBA_USER}`, SAMBA_SHARE_PATH]);
    exec(["chmod", "0750", SAMBA_SHARE_PATH]);
    docker(dockerHost, ["exec", "-d", id, "smbd", "--foreground", "--no-process-group"]);
    const served = exec(sambaCheckArgv(service));
    if (served !== SAMBA_FILE.content)
      throw new Error(`smbd served ${JSON.stringify(served)} instead of ${JSON.stringify(SAMBA_FILE.content)}`);
  } catch (error) {
    removeSambaContainer(dockerHost, id);
    throw error;
  }
  return service;
}

export function removeSambaContainer(dockerHost, container) {
  try {
    docker(dockerHost, ["rm", "-f", "-v", container]);
  } catch {
    // already gone
  }
}
