import { afterAll, describe, expect, it } from "vitest";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";
import { readManifest } from "./archive-registry";
import { DEBCONF_CONFIG, DEBCONF_CONFIG_MAX_BYTES } from "./read-debconf-answers";

// Debconf's database is the container's: hostile. An answer debconf-set-selections would misread is
// left out with a warning; a config.dat over Kura's limit is not read (a warning, the archive still
// completes); a good answer of a listed package is recorded.

const containers: string[] = [];
afterAll(() => containers.forEach((name) => removeContainer(name)));

async function archive(script: string) {
  const name = uniqueName("kura-it-debconf-hostile");
  containers.push(name);
  runContainer({ name, image: BOOKWORM });
  exec(name, ["sh", "-c", script]);
  const started = await startArchive({ engineId: "local", containerRef: name, name: "debconf hostile", actor: "tester" });
  const job = await waitForJob(started.jobId, 120_000);
  expect(job.error).toBeNull();
  const manifest = await readManifest(started.archiveId);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

describe("debconf answers from a hostile container", () => {
  it("keeps a good answer, refuses one that spans lines and one with a trailing backslash, and says so", async () => {
    // dash is on every Debian image: its question is owned by a listed package.
    const script = [
      "cat >> /var/cache/debconf/templates.dat <<'EOF'",
      "",
      "Name: dash/kura-multi",
      "Type: string",
      "",
      "Name: dash/kura-cont",
      "Type: string",
      "",
      "Name: dash/kura-good",
      "Type: string",
      "EOF",
      "cat >> /var/cache/debconf/config.dat <<'EOF'",
      "",
      "Name: dash/kura-multi",
      "Template: dash/kura-multi",
      "Value: first\\nsecond",
      "Owners: dash",
      "",
      "Name: dash/kura-cont",
      "Template: dash/kura-cont",
      "Value: continued\\",
      "Owners: dash",
      "",
      "Name: dash/kura-good",
      "Template: dash/kura-good",
      "Value: a good answer",
      "Owners: dash",
      "Flags: seen",
      "EOF",
    ].join("\n");
    const manifest = await archive(script);
    expect(manifest.debconf).toContainEqual({ package: "dash", question: "dash/kura-good", type: "string", value: "a good answer" });
    expect(manifest.debconf.map((answer) => answer.question)).not.toContain("dash/kura-multi");
    expect(manifest.debconf.map((answer) => answer.question)).not.toContain("dash/kura-cont");
    const messages = manifest.warnings.filter((warning) => warning.path === DEBCONF_CONFIG).map((warning) => warning.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/dash\/kura-multi.*several lines/),
        expect.stringMatching(/dash\/kura-cont.*backslash/),
      ]),
    );
  }, 180_000);

  it("does not read a config.dat over the limit: a warning, no answers, the archive completes", async () => {
    const megabytes = Math.ceil(DEBCONF_CONFIG_MAX_BYTES / 1024 / 1024) + 1;
    const manifest = await archive(`head -c ${megabytes}M /dev/zero | tr '\\0' 'x' >> /var/cache/debconf/config.dat`);
    expect(manifest.debconf).toEqual([]);
    expect(manifest.warnings).toContainEqual(
      expect.objectContaining({
        code: "file-too-large",
        path: DEBCONF_CONFIG,
        message: expect.stringMatching(/debconf answers are not kept/),
      }),
    );
  }, 180_000);
});
