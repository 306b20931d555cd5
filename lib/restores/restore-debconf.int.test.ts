import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { ensurePostfixImage, POSTFIX_MAILNAME, POSTFIX_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { readManifest } from "@/lib/archives/archive-registry";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { startRestore } from "./restore-archive";

// Issue 13: what the package install decided comes back. Debian 11's postfix was installed with a
// non-default mail name (a debconf answer); that answer lives only in debconf's database in the
// image, not in the container's writable layer, so nothing archived carries it: the restore onto
// trixie gets it back only by preseeding the answers before it installs postfix.

const source = uniqueName("kura-it-debconf");
const restored = uniqueName("kura-it-debconf-restored");
let archiveId = "";

describe("debconf answers survive a Debian 11 -> 13 restore", () => {
  beforeAll(async () => {
    ensurePostfixImage(dockerHost());
    runContainer({ name: source, image: POSTFIX_TAG });
    exec(source, ["sh", "-c", "mkdir -p /srv/mail && echo kept > /srv/mail/note"]);
    const started = await startArchive({ engineId: "local", containerRef: source, name: "debconf it", actor: "tester" });
    archiveId = started.archiveId;
    expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("the archive records the answers postfix's install used, and the plan preseeds them", async () => {
    const manifest = await readManifest(archiveId);
    expect(manifest?.entries.some((entry) => entry.path.startsWith("/var/cache/debconf"))).toBe(false);
    expect(manifest?.debconf).toEqual(
      expect.arrayContaining([
        { package: "postfix", question: "postfix/mailname", type: "string", value: POSTFIX_MAILNAME },
        { package: "postfix", question: "postfix/main_mailer_type", type: "select", value: "Internet Site" },
      ]),
    );
    const { view, plan } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    expect(view.debconf).toEqual(
      expect.arrayContaining([expect.objectContaining({ question: "postfix/mailname", value: POSTFIX_MAILNAME })]),
    );
    expect(view.dockerfile).toContain('RUN ["debconf-set-selections", "/kura/debconf-selections"]');
    expect(plan.contextFiles.find((file) => file.path === "kura/debconf-selections")?.content).toContain(
      `postfix postfix/mailname string ${POSTFIX_MAILNAME}\n`,
    );
  }, 120_000);

  it("postfix on trixie is installed with the archived answers: the mail name and the destinations", async () => {
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
    expect(exec(restored, ["cat", "/etc/mailname"])).toBe(POSTFIX_MAILNAME);
    expect(exec(restored, ["postconf", "-h", "mydestination"])).toContain(POSTFIX_MAILNAME);
    expect(exec(restored, ["debconf-show", "postfix"])).toContain(`* postfix/mailname: ${POSTFIX_MAILNAME}`);
    expect(exec(restored, ["cat", "/srv/mail/note"])).toBe("kept");
  }, 900_000);

  it("the restored postfix takes mail for the archived mail name over SMTP", () => {
    exec(restored, ["postfix", "start"]);
    // Its own protocol, from inside the container (network none: loopback only), one command at a time (postfix
    // refuses pipelining before EHLO). The answer made <mailname> a local domain: root there is accepted, and an unknown
    // user there refused as unknown locally (from 127.0.0.1 a domain not local would be relayed, not refused).
    const session = exec(restored, [
      "bash",
      "-c",
      [
        "for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null && break; sleep 0.2; done",
        "exec 3<>/dev/tcp/127.0.0.1/25",
        // Prints the reply's lines; a reply ends at the line whose code is followed by a space.
        'reply() { while IFS= read -r -t 10 line <&3; do echo "${line%$\'\\r\'}"; [ "${line:3:1}" = " " ] && break; done; }',
        "reply",
        "send() { printf '%s\\r\\n' \"$1\" >&3; reply; }",
        'send "EHLO client.test"',
        'send "MAIL FROM:<someone@client.test>"',
        `send "RCPT TO:<root@${POSTFIX_MAILNAME}>"`,
        `send "RCPT TO:<nosuchuser@${POSTFIX_MAILNAME}>"`,
        'send "QUIT"',
      ].join("\n"),
    ]);
    expect(session).toMatch(/^220 .* ESMTP/m);
    expect(session).toMatch(/^250[- ]PIPELINING/m);
    expect(session.split("\n").filter((line) => line.startsWith("250 2.1.5"))).toHaveLength(1);
    expect(session).toMatch(/^550 5\.1\.1 .*nosuchuser.*User unknown in local recipient table/m);
    expect(session).toMatch(/^221 /m);
  }, 120_000);
});
