import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { ensureNginxAppImage, NGINX_APP_TAG } from "@/e2e/harness/nginx-app-image.mjs";
import { store } from "@/lib/store/store";
import { waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";
import { readManifest } from "./archive-registry";

// Issue 14: an archive keeps, beside each conffile the admin changed, the package's pristine version (from the
// image's own layers below the edit), so a restore can merge the admin's changes onto the new package's default.

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

async function readBlob(sha: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const containers: string[] = [];

async function archive(name: string) {
  const started = await startArchive({ engineId: "local", containerRef: name, name: `${name} pristine`, actor: "tester" });
  const job = await waitForJob(started.jobId, 300_000);
  expect(job.error).toBeNull();
  const manifest = await readManifest(started.archiveId);
  return manifest!;
}

describe("pristine versions of edited conffiles", () => {
  afterAll(() => {
    for (const name of containers) removeContainer(name);
  });

  it("keeps the image's /etc/logrotate.conf beside the container's edit of it (writable layer)", async () => {
    ensureCron();
    const name = uniqueName("kura-it-pristine-cron");
    containers.push(name);
    runContainer({ name, image: CRON_IMAGE });
    exec(name, ["sed", "-i", "s/^rotate 4$/rotate 12/", "/etc/logrotate.conf"]);
    // The image's own file, byte for byte (the fixtures' docker() trims its output).
    const imageVersion = execFileSync(
      "docker",
      ["-H", dockerHost(), "run", "--rm", "--network", "none", "--entrypoint", "cat", CRON_IMAGE, "/etc/logrotate.conf"],
      { encoding: "utf8" },
    );
    expect(imageVersion).toContain("rotate 4");

    const manifest = await archive(name);
    const entry = manifest.entries.find((candidate) => candidate.path === "/etc/logrotate.conf");
    expect(entry).toMatchObject({ source: "layer", package: "logrotate", conffile: "dpkg" });
    expect(entry!.pristineSha256).toBe(sha256(imageVersion));
    expect(entry!.pristineSize).toBe(Buffer.byteLength(imageVersion));
    expect(await readBlob(entry!.pristineSha256!)).toBe(imageVersion);
    expect(await readBlob(entry!.sha256!)).toContain("rotate 12");
    // A file no package ships carries none of it.
    expect(manifest.entries.filter((candidate) => candidate.pristineSha256 !== undefined).every((candidate) => candidate.conffile)).toBe(
      true,
    );
  }, 600_000);

  it("keeps the version of the layer below an image layer's edit (RUN sed on nginx.conf after the install)", async () => {
    ensureNginxAppImage(process.env.DOCKER_HOST!);
    const name = uniqueName("kura-it-pristine-nginx");
    containers.push(name);
    runContainer({ name, image: NGINX_APP_TAG });
    const manifest = await archive(name);
    const entry = manifest.entries.find((candidate) => candidate.path === "/etc/nginx/nginx.conf");
    expect(entry).toMatchObject({ source: "image", package: "nginx-common", conffile: "dpkg" });
    const edited = await readBlob(entry!.sha256!);
    expect(edited).toContain("worker_connections 999;");
    const pristine = await readBlob(entry!.pristineSha256!);
    // Debian's own nginx.conf, as the install layer left it: the sed of the next layer undone.
    expect(pristine).toContain("worker_connections 768;");
    expect(pristine.replace("worker_connections 768;", "worker_connections 999;")).toBe(edited);
  }, 600_000);
});
