import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { readManifest } from "@/lib/archives/archive-registry";
import { decidedByHand } from "@/lib/changes/classify/decide-selection";
import { detectContainerChanges, type DetectedChanges } from "@/lib/changes/detect-container-changes";
import { saveSelection } from "@/lib/changes/selection-store";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";

// A mail and git server's container on the real engine: real sockets, a FIFO in a volume, pid and
// lock files, a Dovecot mailbox, a git hook's log and an application's logs. Detection says what
// each is, the archive leaves out what does not come back and records it, and the restore plan
// says so before the build (and never asks anyone to mknod a socket).

const name = uniqueName("kura-it-leftout");
const volume = uniqueName("kura-it-leftout-vol");

// perl-base (essential in Debian) makes a real listening unix socket; the file stays after perl exits.
const SOCKET = (path: string) =>
  `perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => "${path}", Listen => 1) or die "$!"'`;

const SETUP = [
  "set -e",
  "mkdir -p /srv/app/logs /var/spool/postfix/pid /var/spool/postfix/private /var/lib/postfix /var/lib/dovecot",
  "mkdir -p /home/u/Maildir/cur /home/u/Maildir/new /home/u/Maildir/tmp /srv/git/x.git/hooks",
  SOCKET("/srv/app/app.sock"),
  SOCKET("/var/spool/postfix/private/smtp"),
  SOCKET("/srv/app/hand-ticked.sock"),
  "mkfifo /var/spool/postfix/public/pickup",
  "echo 4242 > /var/spool/postfix/pid/master.pid",
  "echo '      4242' > /var/lib/postfix/master.lock",
  "echo '/usr/sbin/dovecot /etc/dovecot/dovecot.conf' > /var/lib/dovecot/instances",
  "printf 'mailbox index' > /home/u/Maildir/dovecot.index",
  "printf 'mailbox index log' > /home/u/Maildir/dovecot.index.log",
  "printf 'Subject: hi\\n\\nhello\\n' > /home/u/Maildir/cur/1.mail:2,S",
  "printf 'pushed main\\n' > /srv/git/x.git/hooks/push.log",
  "printf '{\"lockfileVersion\": 3}' > /srv/app/package-lock.json",
  "printf 'app started\\n' > /srv/app/logs/app.log",
  "printf 'kernel: hello\\n' > /var/log/syslog",
].join("\n");

function entry(detected: DetectedChanges, path: string) {
  const found = detected.entries.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`${path} was not detected; got ${detected.entries.map((e) => e.path).join(", ")}`);
  return found;
}

describe("runtime files, logs and what an archive leaves out, on a real container", () => {
  let containerId = "";
  beforeAll(() => {
    containerId = runContainer({ name, image: BOOKWORM, volumes: [`${volume}:/var/spool/postfix/public`] });
    exec(name, ["bash", "-c", SETUP]);
    // The files are real: a socket and a FIFO, not names.
    expect(exec(name, ["stat", "-c", "%F", "/srv/app/app.sock", "/var/spool/postfix/public/pickup"]).split("\n")).toEqual([
      "socket",
      "fifo",
    ]);
  });
  afterAll(() => {
    removeContainer(name);
    try {
      docker(["volume", "rm", volume]);
    } catch {}
  });

  it("classifies and selects each by what it is and where it lives", async () => {
    const detected = await detectContainerChanges("local", name);
    const runtime = { category: "runtime", selected: false };
    expect(entry(detected, "/srv/app/app.sock")).toMatchObject({ type: "other", ...runtime });
    expect(entry(detected, "/srv/app/app.sock").decidedBy.reason).toMatch(/^socket: the service recreates it when it starts/);
    expect(entry(detected, "/var/spool/postfix/private/smtp")).toMatchObject({ type: "other", ...runtime });
    expect(entry(detected, "/var/spool/postfix/public/pickup")).toMatchObject({ type: "other", source: "volume", ...runtime });
    expect(entry(detected, "/var/spool/postfix/pid/master.pid")).toMatchObject(runtime);
    expect(entry(detected, "/var/lib/postfix/master.lock")).toMatchObject(runtime);
    expect(entry(detected, "/var/lib/dovecot/instances")).toMatchObject(runtime);
    const data = { category: "user-data", selected: true };
    expect(entry(detected, "/home/u/Maildir/dovecot.index.log")).toMatchObject(data);
    expect(entry(detected, "/srv/git/x.git/hooks/push.log")).toMatchObject(data);
    expect(entry(detected, "/srv/app/package-lock.json")).toMatchObject(data);
    const appLog = entry(detected, "/srv/app/logs/app.log");
    expect(appLog).toMatchObject({ category: "log", selected: false });
    expect(appLog.decidedBy.reason).toMatch(/logs are left out by default; tick it, or add an include rule/);
    expect(entry(detected, "/srv/app/logs")).toMatchObject({ category: "log", selected: true, type: "dir" });
    expect(entry(detected, "/var/log/syslog")).toMatchObject({ category: "log", selected: false });
  });

  it("archives without them, records what it left out with counts, and the plan says so before the build", async () => {
    // A person ticks a socket by hand: it is still not archived (nothing could restore it), and is said.
    await saveSelection("local", containerId, { overrides: [{ path: "/srv/app/hand-ticked.sock", selected: true }] }, "tester");
    const detected = await detectContainerChanges("local", name);
    expect(entry(detected, "/srv/app/hand-ticked.sock")).toMatchObject({ selected: true, type: "other" });

    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: name, name: "it left out", actor: "tester" });
    const job = await waitForJob(jobId, 300_000);
    expect(job.error).toBeNull();
    const manifest = await readManifest(archiveId);
    if (!manifest) throw new Error("no manifest");
    const archived = new Set(manifest.entries.map((e) => e.path));
    expect(manifest.entries.filter((e) => e.type === "other")).toEqual([]);
    for (const kept of [
      "/home/u/Maildir/dovecot.index.log",
      "/srv/git/x.git/hooks/push.log",
      "/srv/app/package-lock.json",
      "/srv/app/logs",
    ])
      expect(archived, kept).toContain(kept);
    for (const left of ["/srv/app/app.sock", "/srv/app/hand-ticked.sock", "/var/lib/postfix/master.lock", "/srv/app/logs/app.log"])
      expect(archived, left).not.toContain(left);

    const leftOut = manifest.leftOut;
    if (!leftOut) throw new Error("the manifest has no left-out summary");
    const group = (reason: string) => leftOut.groups.find((candidate) => candidate.reason === reason);
    // The counts match what detection saw and the archive does not hold, group by group.
    const notArchived = detected.entries.filter((e) => e.kind !== "deleted" && (!e.selected || e.type === "other"));
    const expected = (category: string) =>
      notArchived.filter((e) => e.category === category && e.type !== "dir" && (e.selected || !decidedByHand(e.decidedBy))).length;
    const runtime = group("runtime");
    expect(runtime?.count).toBe(expected("runtime"));
    expect(runtime?.count).toBeGreaterThanOrEqual(7);
    expect(runtime?.examples).toEqual(
      expect.arrayContaining([
        "/srv/app/app.sock",
        "/srv/app/hand-ticked.sock",
        "/var/lib/dovecot/instances",
        "/var/lib/postfix/master.lock",
        "/var/spool/postfix/pid/master.pid",
        "/var/spool/postfix/private/smtp",
        "/var/spool/postfix/public/pickup",
      ]),
    );
    expect(group("log")).toMatchObject({
      count: expected("log"),
      examples: expect.arrayContaining(["/srv/app/logs/app.log", "/var/log/syslog"]),
    });
    expect(group("log")?.bytes).toBeGreaterThanOrEqual("app started\n".length + "kernel: hello\n".length);
    expect(group("package-unchanged")?.count ?? 0).toBe(expected("package-unchanged"));
    const examples = leftOut.groups.flatMap((candidate) => candidate.examples);
    for (const data of ["/home/u/Maildir/dovecot.index.log", "/srv/git/x.git/hooks/push.log", "/srv/app/package-lock.json"])
      expect(examples).not.toContain(data);

    const { view } = await makeRestorePlan(archiveId, { baseImage: BOOKWORM, checkRepositories: false });
    expect(view.warnings.map((warning) => warning.message).join("\n")).not.toMatch(/mknod/);
    expect(view.leftOut.recorded).toBe(true);
    const planned = view.leftOut.groups.find((candidate) => candidate.reason === "runtime");
    expect(planned).toMatchObject({ count: runtime?.count, comesBack: false, label: expect.stringMatching(/^Runtime state/) });
    expect(view.leftOut.groups.find((candidate) => candidate.reason === "log")).toMatchObject({ label: "Logs: left out by default" });
  });
});
