import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import {
  ensureNginxAppDerivedImage,
  ensureNginxAppImage,
  NGINX_APP_DELETED,
  NGINX_APP_DERIVED_TAG,
  NGINX_APP_FILES,
  NGINX_APP_TAG,
} from "@/e2e/harness/nginx-app-image.mjs";
import { ensureMailImage } from "@/e2e/harness/bullseye-images.mjs";
import { readManifest } from "@/lib/archives/archive-registry";
import { startArchive } from "@/lib/archives/archive-container";
import { waitForJob } from "@/lib/jobs/job-runner";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { detectContainerChanges, type DetectedChanges } from "./detect-container-changes";
import { saveSelection } from "./selection-store";

// Issue 13: a service runs from an image its Dockerfile built FROM debian:bookworm. What the
// Dockerfile wrote lives in the image's own layers, not in the container's writable layer, and
// comes back from no repository: detection lists it, each path with the layer step that made it.

const first = uniqueName("kura-it-nginx-app");
const second = uniqueName("kura-it-nginx-app2");
const derived = uniqueName("kura-it-nginx-derived");

function entry(detected: DetectedChanges, entryPath: string) {
  const found = detected.entries.find((candidate) => candidate.path === entryPath);
  if (!found) throw new Error(`${entryPath} was not detected; got ${detected.entries.length} entries`);
  return found;
}

describe("detection sees the image's own layers above its base", () => {
  beforeAll(() => {
    ensureNginxAppImage(process.env.DOCKER_HOST!);
    runContainer({ name: first, image: NGINX_APP_TAG });
    exec(first, ["sh", "-c", `printf '%s' "$1" > ${NGINX_APP_FILES.containerPage.path}`, "sh", NGINX_APP_FILES.containerPage.content]);
  }, 600_000);

  afterAll(() => {
    removeContainer(first);
    removeContainer(second);
    removeContainer(derived);
  });

  it("lists what the Dockerfile wrote, with its layer and step, and says what the base is", async () => {
    const detected = await detectContainerChanges("local", first);
    expect(detected.image?.base).toMatchObject({ reference: "debian:bookworm", distribution: true, foundBy: "local-image", layers: 1 });
    expect(detected.image?.readVia).toBe("overlay2");
    // The base's own files are not listed (they come back with debian:trixie).
    expect(detected.entries.some((candidate) => candidate.path === "/usr/bin/bash" || candidate.path === "/etc/debian_version")).toBe(
      false,
    );

    const app = entry(detected, NGINX_APP_FILES.app.path);
    expect(app).toMatchObject({ source: "image", selected: true, category: "user-data", kind: "added" });
    expect(app.imageLayer?.step).toMatch(/^COPY file:[0-9a-f]+ in \/opt\/app\/$/);
    expect(app.imageLayer?.index).toBeGreaterThan(0);
    expect(entry(detected, NGINX_APP_FILES.tool.path)).toMatchObject({ source: "image", selected: true });
    expect(entry(detected, NGINX_APP_FILES.site.path)).toMatchObject({ source: "image", selected: true, category: "config" });
    expect(entry(detected, NGINX_APP_FILES.page.path)).toMatchObject({ source: "image", selected: true });
    expect(entry(detected, NGINX_APP_FILES.page.path).imageLayer?.step).toMatch(/^RUN mkdir -p \/var\/www\/html/);
    // The edited conffile is kept; the package's unchanged files are not.
    const conf = entry(detected, "/etc/nginx/nginx.conf");
    expect(conf).toMatchObject({ source: "image", selected: true, category: "config" });
    expect(conf.decidedBy.reason).toBe("edited conffile of package nginx-common");
    expect(conf.imageLayer?.step).toMatch(/^RUN sed -i/);
    expect(entry(detected, "/etc/nginx/mime.types")).toMatchObject({ source: "image", selected: false, category: "package-unchanged" });
    expect(entry(detected, "/usr/sbin/nginx")).toMatchObject({ source: "image", selected: false, category: "package-unchanged" });
    expect(entry(detected, "/usr/sbin/nginx").decidedBy.reason).toMatch(/^owned by package nginx(-core)?, unchanged$/);
    // Package state and generated files are not kept.
    expect(entry(detected, "/var/lib/dpkg/status")).toMatchObject({ source: "image", selected: false });
    for (const candidate of detected.entries.filter((e) => e.source === "image" && e.selected))
      expect(candidate.path, candidate.decidedBy.reason).not.toMatch(
        /^\/(usr\/(lib|share\/doc)|var\/lib\/(dpkg|apt)|var\/cache|var\/log)\//,
      );
    // Deletions by an image layer are recorded.
    for (const deleted of NGINX_APP_DELETED)
      expect(entry(detected, deleted)).toMatchObject({ source: "image", kind: "deleted", selected: true });
    // The container's own page is the writable layer's.
    expect(entry(detected, NGINX_APP_FILES.containerPage.path)).toMatchObject({ source: "layer", selected: true });
    expect(detected.timings.image).toBeGreaterThanOrEqual(0);
  });

  it("with a time, the image's paths and deletions count as new or not as the image itself", async () => {
    // A marker the container wrote after it started: nothing of the image is newer, deletions included.
    exec(first, ["sh", "-c", "touch /tmp/kura-marker && sleep 1.1 && echo later > /srv/after-marker.txt"]);
    const afterMarker = await detectContainerChanges("local", first, { sinceMarker: "/tmp/kura-marker" });
    expect(afterMarker.entries.filter((candidate) => candidate.source === "image")).toEqual([]);
    expect(entry(afterMarker, "/srv/after-marker.txt")).toMatchObject({ source: "layer" });
    // A time before the image was built: all of it, although COPY kept app.py's older file time.
    const all = await detectContainerChanges("local", first, { since: "2001-01-01T00:00:00.000Z" });
    expect(entry(all, NGINX_APP_FILES.app.path)).toMatchObject({ source: "image" });
    for (const deleted of NGINX_APP_DELETED) expect(entry(all, deleted)).toMatchObject({ source: "image", kind: "deleted" });
  });

  it("a second container of the same image reuses the cached layer analysis", async () => {
    await detectContainerChanges("local", first);
    runContainer({ name: second, image: NGINX_APP_TAG });
    const detected = await detectContainerChanges("local", second);
    expect(detected.image?.layerCache).toEqual({ hits: detected.image?.layers.length, misses: 0 });
    expect(detected.image?.layers.every((layer) => layer.cached)).toBe(true);
    expect(entry(detected, NGINX_APP_FILES.app.path)).toMatchObject({ source: "image", selected: true });
    expect(entry(detected, "/etc/nginx/nginx.conf").decidedBy.reason).toBe("edited conffile of package nginx-common");
  });

  it("through the engine's API only (image export, as for a remote engine) gives the same answer as the layer folders", async () => {
    const summary = (detected: DetectedChanges) =>
      detected.entries
        .filter((candidate) => candidate.source === "image")
        .map((e) => [e.path, e.kind, e.type, e.category, e.selected, e.decidedBy.reason, e.imageLayer?.index, e.size, e.mode].join(" "));
    const local = await detectContainerChanges("local", first);
    const remote = await detectContainerChanges("local", first, { layerAccess: "archive-api" });
    expect(remote.image?.readVia).toBe("image-export");
    expect(remote.warnings.filter((warning) => warning.code === "image-layers-not-read")).toEqual([]);
    expect(summary(remote).length).toBeGreaterThan(100);
    expect(summary(remote)).toEqual(summary(local));
    expect(remote.image?.base).toEqual(local.image?.base);
    // The second time, the exported layers come from the cache.
    const again = await detectContainerChanges("local", first, { layerAccess: "archive-api" });
    expect(again.image?.layerCache.misses).toBe(0);
  });

  it("without package checks, the image's layers are not listed (their package files could not be told apart), and it says so", async () => {
    const detected = await detectContainerChanges("local", first, { packageChecks: false });
    expect(detected.entries.filter((candidate) => candidate.source === "image")).toEqual([]);
    expect(detected.image?.readVia).toBe("not-read");
    expect(detected.warnings.find((warning) => warning.code === "image-layers-not-read")?.message).toMatch(/package checks are off/);
  });

  it("a folder a layer replaced whole (opaque) hides what lower layers had below it, read from folders or the export", async () => {
    ensureNginxAppDerivedImage(process.env.DOCKER_HOST!);
    runContainer({ name: derived, image: NGINX_APP_DERIVED_TAG });
    for (const layerAccess of ["auto", "archive-api"] as const) {
      const detected = await detectContainerChanges("local", derived, { layerAccess });
      const paths = detected.entries.filter((candidate) => candidate.source === "image").map((candidate) => candidate.path);
      expect(paths, layerAccess).toEqual(expect.arrayContaining(["/srv/extra/note.txt", "/srv/data", "/srv/data/new.txt"]));
      expect(paths, layerAccess).not.toContain("/srv/data/old.txt");
      expect(detected.image?.base).toMatchObject({ reference: NGINX_APP_TAG, distribution: false });
    }
  });

  it("archives the content of a base that is not a distribution's when asked, and the plan no longer warns", async () => {
    const before = await detectContainerChanges("local", derived);
    expect(before.entries.some((candidate) => candidate.path === NGINX_APP_FILES.app.path)).toBe(false);
    const { view: warned } = await makeRestorePlan(await archive(derived, "base not asked"), {
      baseImage: TRIXIE,
      checkRepositories: false,
    });
    expect(warned.warnings.map((warning) => warning.message).join("\n")).toMatch(/built FROM kura-test\/nginx-app:bookworm/);

    await saveSelection("local", before.container.id, { overrides: [], baseContent: true }, "tester");
    const detected = await detectContainerChanges("local", derived);
    // Listed from above its distribution root (debian:bookworm), with the layers' steps.
    expect(detected.image?.base).toMatchObject({ reference: NGINX_APP_TAG, distribution: false, contentListed: true, layers: 1 });
    expect(entry(detected, NGINX_APP_FILES.app.path)).toMatchObject({ source: "image", selected: true });
    expect(entry(detected, "/srv/extra/note.txt")).toMatchObject({ source: "image", selected: true });
    expect(detected.entries.some((candidate) => candidate.path === "/etc/debian_version")).toBe(false);

    const archiveId = await archive(derived, "base asked");
    const manifest = await readManifest(archiveId);
    expect(manifest?.image.base).toMatchObject({ reference: NGINX_APP_TAG, contentListed: true });
    expect(manifest?.entries.map((candidate) => candidate.path)).toEqual(expect.arrayContaining([NGINX_APP_FILES.app.path]));
    const { view } = await makeRestorePlan(archiveId, { baseImage: TRIXIE, checkRepositories: false });
    expect(view.warnings.map((warning) => warning.message).join("\n")).not.toMatch(/built FROM/);
  }, 600_000);
});

describe("files the packages' install scripts wrote into the image", () => {
  const mail = uniqueName("kura-it-mail-scripts");
  afterAll(() => removeContainer(mail));

  it("are not kept: dovecot-imapd's postinst wrote imapd.protocol, and Dovecot 2.4 writes its own", async () => {
    runContainer({ name: mail, image: ensureMailImage(process.env.DOCKER_HOST!) });
    const detected = await detectContainerChanges("local", mail);
    expect(entry(detected, "/usr/share/dovecot/protocols.d/imapd.protocol")).toMatchObject({
      source: "image",
      selected: false,
      category: "package-unchanged",
      decidedBy: { reason: expect.stringMatching(/^written into package dovecot-core's folder while packages were installed/) },
    });
    // Edited configuration of the same layer is still kept.
    expect(detected.entries.filter((candidate) => candidate.selected && candidate.path.startsWith("/usr/share/"))).toEqual([]);
  }, 300_000);
});

async function archive(containerRef: string, name: string): Promise<string> {
  const started = await startArchive({ engineId: "local", containerRef, name, actor: "tester" });
  expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  return started.archiveId;
}
