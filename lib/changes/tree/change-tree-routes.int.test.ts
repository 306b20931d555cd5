import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getFolder } from "@/app/api/engines/[engineId]/containers/[containerRef]/changes/folder/route";
import { GET as getSummary } from "@/app/api/engines/[engineId]/containers/[containerRef]/changes/summary/route";
import { PUT as putSelection } from "@/app/api/engines/[engineId]/containers/[containerRef]/selection/route";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { createToken } from "@/lib/auth/token-store";
import { createUser } from "@/lib/auth/user-store";
import { forgetKeptDetections } from "./keep-detection";

// The paged tree API against a real container: the summary and folder pages answer from one kept
// detection, with counts and check states following ticks saved through the selection API.

const name = uniqueName("kura-it-tree");
const base = `http://localhost/api/engines/local/containers/${name}`;
let viewer = "";
let operator = "";

async function call(handler: typeof getFolder, url: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const request = new NextRequest(url, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await handler(request, { params: Promise.resolve({ engineId: "local", containerRef: name }) });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("changes summary and folder routes", () => {
  beforeAll(async () => {
    runContainer({ name, image: BUSYBOX });
    exec(name, [
      "sh",
      "-c",
      "mkdir -p /srv/app/sub /srv/other && for f in a b c; do echo $f > /srv/app/$f.txt; done && echo d > /srv/app/sub/d.txt && echo o > /srv/other/o.txt",
    ]);
    const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    viewer = (await createToken(await createUser({ name: `tree-v-${unique}`, password: "tree-password-123", role: "viewer" }, "t"), "t"))
      .token;
    const op = await createUser({ name: `tree-o-${unique}`, password: "tree-password-123", role: "operator" }, "t");
    operator = (await createToken(op, "t")).token;
    forgetKeptDetections();
  });
  afterAll(() => removeContainer(name));

  it("answers the summary without entries, folders page by page, and follows a tick without detecting again", async () => {
    const summary = await call(getSummary, `${base}/changes/summary?packageChecks=false`, viewer);
    expect(summary.status).toBe(200);
    expect(summary.body.entries).toBeUndefined();
    expect(summary.body.totals.entries).toBeGreaterThanOrEqual(8);
    expect(summary.body.container.name).toBe(name);
    const detectedAt = summary.body.detectedAt;
    // A detection too large to come whole is answered from the kept result.
    const large = await call(getSummary, `${base}/changes/summary?packageChecks=false&includeEntriesUpTo=2`, viewer);
    expect(large.body.detectedAt).toBe(detectedAt);
    expect(large.body.entries).toBeUndefined();

    const root = await call(getFolder, `${base}/changes/folder?packageChecks=false`, viewer);
    expect(root.status).toBe(200);
    expect(root.body.children.map((c: { path: string }) => c.path)).toContain("/srv");
    expect(root.body.folder.totalEntries).toBe(summary.body.totals.entries);

    const firstPage = await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/srv/app&limit=2`, viewer);
    expect(firstPage.body.total).toBe(4);
    expect(firstPage.body.children.map((c: { name: string }) => c.name)).toEqual(["sub", "a.txt"]);
    expect(firstPage.body.children[0]).toMatchObject({ isFolder: true, entry: { type: "dir" }, totalEntries: 2, state: "true" });
    const secondPage = await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/srv/app&offset=2&limit=2`, viewer);
    expect(secondPage.body.children.map((c: { name: string }) => c.name)).toEqual(["b.txt", "c.txt"]);

    // A tick through the selection API: the next answers carry it, from the same kept detection.
    const saved = await call(putSelection, `${base}/selection`, operator, {
      method: "PUT",
      body: { overrides: [{ path: "/srv/app", selected: false }] },
    });
    expect(saved.status).toBe(200);
    const srv = await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/srv`, viewer);
    expect(srv.body.folder.state).toBe("mixed");
    const app = srv.body.children.find((c: { path: string }) => c.path === "/srv/app");
    expect(app).toMatchObject({ state: "false", selectedEntries: 0, override: { path: "/srv/app", selected: false } });
    const after = await call(getSummary, `${base}/changes/summary?packageChecks=false`, viewer);
    expect(after.body.detectedAt).toBe(detectedAt);
    expect(after.body.totals.selectedEntries).toBe(summary.body.totals.selectedEntries - 6);
    expect(after.body.overrides).toEqual([{ path: "/srv/app", selected: false }]);

    // fresh=true detects again.
    const fresh = await call(getSummary, `${base}/changes/summary?packageChecks=false&fresh=true&includeEntriesUpTo=1000`, viewer);
    expect(fresh.body.detectedAt).not.toBe(detectedAt);
    expect(fresh.body.entries.find((e: { path: string }) => e.path === "/srv/app/b.txt")).toMatchObject({ selected: false });
    // A detection small enough to come whole is read anew on each visit.
    const again = await call(getSummary, `${base}/changes/summary?packageChecks=false&includeEntriesUpTo=1000`, viewer);
    expect(again.body.detectedAt).not.toBe(fresh.body.detectedAt);
    await call(putSelection, `${base}/selection`, operator, { method: "PUT", body: { overrides: [] } });
  });

  it("filters on the server: only matching children and folders holding matches, with counts", async () => {
    const found = await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/srv&search=B.TXT`, viewer);
    expect(found.body.children.map((c: { path: string; matchingEntries: number }) => [c.path, c.matchingEntries])).toEqual([
      ["/srv/app", 1],
    ]);
    expect(found.body.matchingEntries).toBe(1);
    const none = await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/srv&category=log`, viewer);
    expect(none.body.children).toEqual([]);
  });

  it("refuses a missing folder (404) and bad paging or filters (422)", async () => {
    expect((await call(getFolder, `${base}/changes/folder?packageChecks=false&path=/nowhere`, viewer)).status).toBe(404);
    expect((await call(getFolder, `${base}/changes/folder?path=srv`, viewer)).status).toBe(422);
    expect((await call(getFolder, `${base}/changes/folder?limit=0`, viewer)).status).toBe(422);
    expect((await call(getFolder, `${base}/changes/folder?category=nope`, viewer)).status).toBe(422);
    expect((await call(getSummary, `${base}/changes/summary?includeEntriesUpTo=999999`, viewer)).status).toBe(422);
  });
});
