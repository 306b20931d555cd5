import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensureSshdImage, SSHD_COMMAND, SSHD_TAG } from "@/e2e/harness/bullseye-images.mjs";

// Issue 14: a Debian 11 OpenSSH 8.4 server whose admin edited /etc/ssh/sshd_config in the running container:
// `PasswordAuthentication no`, `ChallengeResponseAuthentication no` and an `AllowUsers` line. Archived with the
// default selection and restored onto Debian 13 (OpenSSH 10.0) with no hand edit: `sshd -t` passes, `sshd -T` shows
// the admin's settings (ChallengeResponseAuthentication is KbdInteractiveAuthentication in OpenSSH 10), and an ssh
// client is offered public keys only (no password prompt).
// This passes today (the whole file is carried) and guards the three-way merge: sshd_config is ucf's, and trixie's default
// changed the comment lines next to each of the admin's lines, so a plain diff3 merge would stop it at a conflict.

const source = uniqueName("kura-it-sshd-config");
const restored = uniqueName("kura-it-sshd-config-restored");
const USER = "dave";
let archiveId = "";

const SETUP = `
for i in $(seq 1 100); do [ -s /etc/ssh/ssh_host_ed25519_key.pub ] && break; sleep 0.1; done
useradd -m -s /bin/bash ${USER}
sed -i 's|^#PasswordAuthentication yes|PasswordAuthentication no|' /etc/ssh/sshd_config
sed -i 's|^#*ChallengeResponseAuthentication .*|ChallengeResponseAuthentication no|' /etc/ssh/sshd_config
printf '\\n# Only the service account logs in.\\nAllowUsers ${USER}\\n' >> /etc/ssh/sshd_config
`;
const START = "mkdir -p /run/sshd && (pgrep -x sshd >/dev/null || /usr/sbin/sshd)";
/** The effective settings the admin changed, as sshd -T prints them. */
const EFFECTIVE = "mkdir -p /run/sshd && sshd -T | grep -E '^(passwordauthentication|kbdinteractiveauthentication|allowusers) ' | sort";
const EXPECTED = `allowusers ${USER}\nkbdinteractiveauthentication no\npasswordauthentication no`;
/** What a client is offered: with passwords off, only publickey. */
const LOGIN = [
  `for i in $(seq 1 50); do`,
  `  out=$(ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \\`,
  `    ${USER}@127.0.0.1 true 2>&1) || true`,
  `  case "$out" in *"Permission denied"*) echo "$out" | grep -o 'Permission denied (.*)'; exit 0;; esac`,
  "  sleep 0.2",
  "done",
  "exit 1",
].join("\n");
const CHECK = `set -e\n${START}\nsshd -t\n${EFFECTIVE}`;

describe("a Debian 11 OpenSSH server's edited sshd_config restored onto Debian 13 (issue 14)", () => {
  beforeAll(async () => {
    ensureSshdImage(dockerHost());
    runContainer({ name: source, image: SSHD_TAG, command: SSHD_COMMAND });
    runScript(source, SETUP);
    // The scenario works on the original.
    runScript(source, "mkdir -p /run/sshd && sshd -t");
    expect(runScript(source, EFFECTIVE)).toBe(EXPECTED);
    runScript(source, START);
    expect(runScript(source, LOGIN)).toBe("Permission denied (publickey)");
    runScript(source, "pkill -x sshd || true");
    archiveId = await archiveService(source, "sshd config it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("with no hand edit: sshd -t passes, sshd -T shows the admin's settings, a client is offered public keys only", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const test = tryScript(restored, "mkdir -p /run/sshd && sshd -t");
    expect.soft(test.exitCode, test.output).toBe(0);
    expect.soft(tryScript(restored, EFFECTIVE).output).toBe(EXPECTED);
    runScript(restored, START);
    expect.soft(tryScript(restored, LOGIN).output).toBe("Permission denied (publickey)");
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 900_000);
});
