import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, docker, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { startRestore } from "./restore-archive";

// An archived service is anyone's code. Its archive holds tools in /usr/local/bin (first in the
// build's PATH) named like the ones a restore runs (mkdir, perl, awk, cp, sh, ...), a perl module in
// /etc/perl (first in perl's @INC) and an /etc/ld.so.preload naming an archived library. Each
// leaves a marker in /tmp when run (the library marks only the tools a build runs, so the restored
// container's own sleep and ls do not count). The restore
// must build, verify, and leave no marker: nothing archived ran while the image was built. The
// steps after the packages stage run without network (a probe step shows only the loopback).

const source = uniqueName("kura-it-hostile");
const restored = uniqueName("kura-it-hostile-restored");
const TOOLS = [
  "mkdir",
  "perl",
  "awk",
  "cp",
  "sh",
  "dash",
  "chown",
  "chmod",
  "touch",
  "stat",
  "cat",
  "rm",
  "mv",
  "ln",
  "grep",
  "dpkg",
  "dpkg-query",
  "tar",
];
const PRELOAD_SOURCE = `
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
/* Marks build tools only: the restored container's own processes (sleep, ls) do not count. */
__attribute__((constructor)) static void kura_pwned(void) {
  static const char *tools[] = {"sh", "dash", "perl", "mawk", "awk", "cp", "mkdir", "chown", "chmod", "touch", "stat", "cat", "rm", "mv", "ln", "grep", "dpkg", "dpkg-query", "tar", 0};
  char comm[64] = {0};
  int fd = open("/proc/self/comm", O_RDONLY);
  if (fd < 0) return;
  ssize_t n = read(fd, comm, sizeof comm - 1);
  close(fd);
  if (n > 0 && comm[n - 1] == '\\n') comm[n - 1] = 0;
  for (int i = 0; tools[i]; i++) {
    if (strcmp(comm, tools[i]) == 0) {
      char marker[128];
      snprintf(marker, sizeof marker, "/tmp/pwned-preload-%s", comm);
      int out = open(marker, O_WRONLY | O_CREAT, 0644);
      if (out >= 0) close(out);
    }
  }
}
`;
let archiveId = "";
let work = "";

describe("restoring a hostile archive runs nothing archived while the image is built", () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "kura-hostile-"));
    writeFileSync(path.join(work, "pwn.c"), PRELOAD_SOURCE);
    execFileSync("gcc", ["-shared", "-fPIC", "-O2", "-o", path.join(work, "libkura-pwn.so"), path.join(work, "pwn.c")]);
    runContainer({ name: source, image: BOOKWORM });
    const wrappers = TOOLS.map(
      (tool) =>
        `printf '#!/bin/sh\\n: > /tmp/pwned-%s\\nexec /usr/bin/%s "$@"\\n' ${tool} ${tool} > /usr/local/bin/${tool} && chmod 755 /usr/local/bin/${tool}`,
    ).join(" && ");
    exec(source, [
      "/bin/bash",
      "-c",
      `${wrappers} && mkdir -p /etc/perl /srv/data && printf 'package strict; open(my $f, ">", "/tmp/pwned-perl-module"); sub import {} sub unimport {} 1;\\n' > /etc/perl/strict.pm && echo hello > /srv/data/hello.txt`,
    ]);
    docker(["cp", path.join(work, "libkura-pwn.so"), `${source}:/usr/local/lib/libkura-pwn.so`]);
    // Last, so nothing in the source container itself runs with it.
    exec(source, ["/bin/bash", "-c", "echo /usr/local/lib/libkura-pwn.so > /etc/ld.so.preload"]);
    const started = await startArchive({ engineId: "local", containerRef: source, name: "hostile it", actor: "tester" });
    archiveId = started.archiveId;
    expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  }, 320_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("builds, verifies, and no archived tool, module or preload ran during the build; later steps had no network", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    // A probe step after the restore script (an edit a person could make): it shows the network the step had.
    const restoreRun = 'RUN ["/bin/sh", "/kura/restore.sh"]';
    expect(view.dockerfile).toContain(restoreRun);
    const dockerfile = view.dockerfile.replace(restoreRun, `${restoreRun}\nRUN ["/bin/cat", "/proc/net/dev"]`);
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restored,
      dockerfile,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 600_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.verification?.mismatches).toEqual([]);

    // None of the archived tools ran while the image was built (looked at with ls, which the library ignores)...
    expect(
      exec(restored, ["/bin/ls", "-a", "/tmp", "/kura"])
        .split("\n")
        .filter((name) => name.includes("pwned")),
    ).toEqual([]);
    expect(restore.log).not.toMatch(/pwned|cannot be preloaded/);
    // ...and they are restored as they were.
    expect(exec(restored, ["/bin/ls", "/usr/local/bin"]).split("\n")).toEqual(expect.arrayContaining(["mkdir", "perl", "awk", "cp", "sh"]));
    expect(exec(restored, ["/bin/ls", "/usr/local/lib", "/etc/perl"]).split("\n")).toEqual(
      expect.arrayContaining(["libkura-pwn.so", "strict.pm"]),
    );
    expect(exec(restored, ["/bin/cat", "/etc/ld.so.preload"])).toBe("/usr/local/lib/libkura-pwn.so");

    // The probe step after the payload had the loopback only; the packages stage was on the build network.
    const probe = (restore.log ?? "")
      .split("\n")
      .filter((line) => /^\s*[a-z0-9]+:\s+\d+/.test(line))
      .map((line) => line.trim().split(":")[0]);
    expect(probe).toEqual(["lo"]);
    expect(restore.log).toContain("The rest of the image, without network");
  }, 600_000);
});
