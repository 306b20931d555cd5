import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { ensureSshdImage, SSHD_COMMAND, SSHD_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { startRestore } from "./restore-archive";

// Issue 13: a service's identity comes back. A Debian 11 OpenSSH server whose host keys were made when
// the container first started (so they live in its writable layer), with user alice logging in with a
// key, is archived and restored onto trixie: sshd -t passes, the host keys' fingerprints are the
// original's, and an ssh client that trusts only the ORIGINAL host keys logs in as alice.

const source = uniqueName("kura-it-sshd");
const restored = uniqueName("kura-it-sshd-restored");
const KEY_TYPES = ["rsa", "ecdsa", "ed25519"];
let archiveId = "";
let clientKey = "";
let knownHosts = "";
let fingerprints = "";

/** Run argv in a container with `input` on its stdin. */
function execWithInput(container: string, argv: string[], input: string): string {
  return execFileSync("docker", ["-H", dockerHost(), "exec", "-i", container, ...argv], { encoding: "utf8", input }).trim();
}

const fingerprintsOf = (container: string) =>
  KEY_TYPES.map((type) => exec(container, ["ssh-keygen", "-lf", `/etc/ssh/ssh_host_${type}_key.pub`])).join("\n");

/** Start sshd (unless running) and log in as alice over loopback, trusting only the original host keys; prints `id -un`. */
function sshAsAlice(container: string): string {
  execWithInput(container, ["sh", "-c", "umask 077 && cat > /tmp/kura-client-key"], clientKey);
  execWithInput(container, ["sh", "-c", "cat > /tmp/kura-known-hosts"], knownHosts);
  exec(container, ["sh", "-c", "mkdir -p /run/sshd && (pgrep -x sshd >/dev/null || /usr/sbin/sshd)"]);
  const login = [
    "for attempt in $(seq 1 50); do",
    "  if ssh -i /tmp/kura-client-key -o UserKnownHostsFile=/tmp/kura-known-hosts -o StrictHostKeyChecking=yes -o BatchMode=yes \\",
    "    -o ConnectTimeout=5 alice@127.0.0.1 id -un; then exit 0; fi",
    "  sleep 0.2",
    "done",
    "exit 1",
  ].join("\n");
  return exec(container, ["sh", "-c", login]);
}

describe("a Debian 11 OpenSSH server keeps its identity on trixie", () => {
  beforeAll(async () => {
    ensureSshdImage(dockerHost());
    runContainer({ name: source, image: SSHD_TAG, command: SSHD_COMMAND });
    // The command makes the host keys at start: wait for them.
    exec(source, ["sh", "-c", "for i in $(seq 1 100); do [ -s /etc/ssh/ssh_host_ed25519_key.pub ] && exit 0; sleep 0.1; done; exit 1"]);
    exec(source, ["useradd", "-m", "-u", "1600", "-s", "/bin/bash", "alice"]);
    exec(source, ["usermod", "-p", "*", "alice"]); // no password, not locked: key logins only
    // The client's key pair, made in the container and taken out (not left in the archive).
    exec(source, ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kura-test", "-f", "/tmp/kura-client-key"]);
    clientKey = `${exec(source, ["cat", "/tmp/kura-client-key"])}\n`;
    const publicKey = exec(source, ["cat", "/tmp/kura-client-key.pub"]);
    exec(source, ["rm", "-f", "/tmp/kura-client-key", "/tmp/kura-client-key.pub"]);
    exec(source, ["sh", "-c", "install -d -m 700 -o alice -g alice /home/alice/.ssh"]);
    execWithInput(source, ["sh", "-c", "cat > /home/alice/.ssh/authorized_keys"], `${publicKey}\n`);
    exec(source, ["sh", "-c", "chown alice:alice /home/alice/.ssh/authorized_keys && chmod 600 /home/alice/.ssh/authorized_keys"]);
    knownHosts = KEY_TYPES.map((type) => {
      const [algorithm, key] = exec(source, ["cat", `/etc/ssh/ssh_host_${type}_key.pub`]).split(" ");
      return `127.0.0.1 ${algorithm} ${key}\n`;
    }).join("");
    fingerprints = fingerprintsOf(source);
    // The scenario works on the original before it is archived.
    expect(sshAsAlice(source)).toBe("alice");
    exec(source, ["rm", "-f", "/tmp/kura-client-key", "/tmp/kura-known-hosts"]);
    const started = await startArchive({ engineId: "local", containerRef: source, name: "sshd it", actor: "tester" });
    archiveId = started.archiveId;
    expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("the plan keeps the host keys and warns only that trixie's sshd cannot use bullseye's DSA key", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    expect(view.secretsKept).toEqual(expect.arrayContaining(KEY_TYPES.map((type) => `/etc/ssh/ssh_host_${type}_key`)));
    // bullseye's ssh-keygen -A also made a DSA key: it comes back, and OpenSSH 9.8+ cannot use it (said, not silent).
    const identity = view.warnings.filter((warning) => warning.kind === "identity-changes");
    expect(identity.map((warning) => warning.message)).toEqual([expect.stringContaining("no longer support DSA")]);
    expect(view.packages.install).toContain("openssh-server");
  }, 120_000);

  it("restored on trixie: sshd -t passes, the host keys are the original's, and alice logs in with her key", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restored,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    exec(restored, ["/usr/sbin/sshd", "-t"]); // throws on a non-zero exit
    expect(fingerprintsOf(restored)).toBe(fingerprints);
    for (const type of KEY_TYPES) expect(exec(restored, ["stat", "-c", "%a %U", `/etc/ssh/ssh_host_${type}_key`])).toBe("600 root");
    expect(exec(restored, ["stat", "-c", "%a %U", "/home/alice/.ssh", "/home/alice/.ssh/authorized_keys"])).toBe("700 alice\n600 alice");
    expect(sshAsAlice(restored)).toBe("alice");
    expect(restore.verification?.mismatches).toEqual([]);
  }, 900_000);
});
