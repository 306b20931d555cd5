import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import {
  ensureNginxAppDerivedImage,
  ensureNginxAppImage,
  NGINX_APP_CHECK,
  NGINX_APP_DELETED,
  NGINX_APP_DERIVED_TAG,
  NGINX_APP_FILES,
  NGINX_APP_TAG,
} from "@/e2e/harness/nginx-app-image.mjs";
import { manifestSchema } from "@/lib/archives/manifest";
import { readManifest } from "@/lib/archives/archive-registry";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { makeRestorePlan } from "./make-restore-plan";
import { startRestore } from "./restore-archive";

// Issue 13, the silent loss: a service whose image was built FROM debian:bookworm by a Dockerfile
// (nginx and python3 installed, nginx.conf edited, a page, an app, a tool in /usr/local/bin, a site
// file in /etc, two package files deleted), plus a page the container wrote. Archived and restored
// onto debian:trixie, everything is back and nginx serves both pages.

const service = uniqueName("kura-it-nginx-app");
const restoredName = uniqueName("kura-it-restored-nginx-app");
const derivedName = uniqueName("kura-it-nginx-derived");
let archiveId = "";

describe("restore a service built from a custom image onto debian:trixie", () => {
  beforeAll(async () => {
    ensureNginxAppImage(process.env.DOCKER_HOST!);
    runContainer({ name: service, image: NGINX_APP_TAG });
    const page = NGINX_APP_FILES.containerPage;
    exec(service, ["sh", "-c", `printf '%s' "$1" > ${page.path}`, "sh", page.content]);
    const started = await startArchive({ engineId: "local", containerRef: service, name: "nginx app it", actor: "tester" });
    archiveId = started.archiveId;
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
  }, 600_000);

  afterAll(() => {
    removeContainer(restoredName);
    removeContainer(service);
    removeContainer(derivedName);
  });

  it("the archive holds what the image's layers wrote, and its base", async () => {
    const manifest = manifestSchema.parse(await readManifest(archiveId));
    expect(manifest.image.base).toMatchObject({ reference: "debian:bookworm", distribution: true, layers: 1 });
    const sources = new Map(manifest.entries.map((entry) => [entry.path, entry.source]));
    for (const file of [NGINX_APP_FILES.app, NGINX_APP_FILES.tool, NGINX_APP_FILES.site, NGINX_APP_FILES.page])
      expect(sources.get(file.path), file.path).toBe("image");
    expect(sources.get("/etc/nginx/nginx.conf")).toBe("image");
    expect(sources.get(NGINX_APP_FILES.containerPage.path)).toBe("layer");
    // Package files that come back with the packages are not archived.
    expect(sources.has("/usr/sbin/nginx")).toBe(false);
    expect(sources.has("/etc/nginx/mime.types")).toBe(false);
    for (const deleted of NGINX_APP_DELETED) expect(manifest.deleted).toContain(deleted);
    expect(manifest.packages.filter((pkg) => pkg.manual).map((pkg) => pkg.name)).toEqual(expect.arrayContaining(["nginx", "python3"]));
  });

  it("through the engine's API only (as for a remote engine), the archive holds the same image entries and bytes", async () => {
    const started = await startArchive({
      engineId: "local",
      containerRef: service,
      name: "nginx app api",
      actor: "tester",
      layerAccess: "archive-api",
    });
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
    const imageEntries = async (id: string) =>
      manifestSchema
        .parse(await readManifest(id))
        .entries.filter((entry) => entry.source === "image")
        .map((entry) => [entry.path, entry.type, entry.mode, entry.uid, entry.gid, entry.size, entry.sha256, entry.linkTarget].join(" "));
    const viaFolders = await imageEntries(archiveId);
    expect(viaFolders.length).toBeGreaterThan(5);
    expect(await imageEntries(started.archiveId)).toEqual(viaFolders);
  }, 600_000);

  it("everything is back on trixie and nginx serves both pages", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restoredName,
      checkCommand: NGINX_APP_CHECK,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.verification?.mismatches).toEqual([]);
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
    expect(restore.check?.output.trim()).toBe("ok");

    expect(exec(restoredName, ["cat", "/etc/debian_version"])).toMatch(/^13\./);
    expect(exec(restoredName, ["grep", "worker_connections", "/etc/nginx/nginx.conf"])).toMatch(/worker_connections 999;/);
    expect(exec(restoredName, ["cat", NGINX_APP_FILES.app.path])).toBe(NGINX_APP_FILES.app.content.trim());
    expect(exec(restoredName, [NGINX_APP_FILES.tool.path])).toBe("kura tool says hello");
    expect(exec(restoredName, ["cat", NGINX_APP_FILES.site.path])).toBe(NGINX_APP_FILES.site.content.trim());
    expect(exec(restoredName, ["cat", NGINX_APP_FILES.page.path])).toBe(NGINX_APP_FILES.page.content.trim());
    expect(exec(restoredName, ["cat", NGINX_APP_FILES.containerPage.path])).toBe(NGINX_APP_FILES.containerPage.content.trim());
    for (const deleted of NGINX_APP_DELETED)
      expect(exec(restoredName, ["sh", "-c", 'test -e "$1" && echo present || echo gone', "sh", deleted])).toBe("gone");
  }, 900_000);

  it("a service built FROM a base that is not a distribution's: only the layers above it are archived, and the plan says so", async () => {
    ensureNginxAppDerivedImage(process.env.DOCKER_HOST!);
    runContainer({ name: derivedName, image: NGINX_APP_DERIVED_TAG });
    const started = await startArchive({ engineId: "local", containerRef: derivedName, name: "derived it", actor: "tester" });
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
    const manifest = manifestSchema.parse(await readManifest(started.archiveId));
    expect(manifest.image.base).toMatchObject({ reference: NGINX_APP_TAG, distribution: false, layers: 8 });
    const imagePaths = manifest.entries.filter((entry) => entry.source === "image").map((entry) => entry.path);
    expect(imagePaths).toEqual(expect.arrayContaining(["/srv/extra", "/srv/extra/note.txt"]));
    expect(imagePaths).not.toContain(NGINX_APP_FILES.app.path);
    // /srv/data was replaced whole by a later layer (an opaque folder): only the new file is there.
    expect(imagePaths).toContain("/srv/data/new.txt");
    expect(imagePaths).not.toContain("/srv/data/old.txt");
    const { view } = await makeRestorePlan(started.archiveId, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    expect(view.warnings.map((warning) => warning.message).join("\n")).toMatch(
      /built FROM kura-test\/nginx-app:bookworm, which is not a distribution image/,
    );
    expect(view.baseImageChoices[0]).toBe(NGINX_APP_TAG);
  }, 600_000);
});
