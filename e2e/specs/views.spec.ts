import type { z } from "zod";
import * as archives from "@/lib/api/contract/archives";
import * as audit from "@/lib/api/contract/audit";
import * as auth from "@/lib/api/contract/auth";
import * as changes from "@/lib/api/contract/changes";
import * as containers from "@/lib/api/contract/containers";
import * as engines from "@/lib/api/contract/engines";
import type { ContractEntry } from "@/lib/api/contract/entry";
import * as health from "@/lib/api/contract/health";
import * as jobs from "@/lib/api/contract/jobs";
import * as migrationRules from "@/lib/api/contract/migration-rules";
import * as overview from "@/lib/api/contract/overview";
import * as restores from "@/lib/api/contract/restores";
import * as rules from "@/lib/api/contract/rules";
import * as tokens from "@/lib/api/contract/tokens";
import * as users from "@/lib/api/contract/users";
import { removeContainer } from "../fixtures/containers";
import { expect, test, type APIRequestContext } from "../fixtures/test";
import { makeKeepSecretsArchive, type KeepSecretsArchive } from "../support/keep-secrets-archive";

// Real answers of the main views parse with the response schema their contract entry declares (the
// schema the OpenAPI document and the UI's types come from). Named to run after the other specs, so
// their archives, jobs and restores are among the data; it makes an archive of its own as well.

let made: KeepSecretsArchive;

test.beforeAll(async ({ request }) => {
  test.setTimeout(180_000);
  made = await makeKeepSecretsArchive(request);
});

test.afterAll(() => removeContainer(made.container));

async function expectShape(request: APIRequestContext, entry: ContractEntry, url: string, data?: unknown): Promise<unknown> {
  const response = entry.method === "GET" ? await request.get(url) : await request.fetch(url, { method: entry.method, data });
  expect(response.status(), `${entry.method} ${url}: ${(await response.text()).slice(0, 300)}`).toBe(entry.status);
  const body: unknown = await response.json();
  const parsed = (entry.response as z.ZodType).safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 5), `${entry.method} ${url} against ${entry.path}'s schema`).toEqual([]);
  return body;
}

test("the main views answer in the shape their contract declares", async ({ request }) => {
  test.setTimeout(180_000);
  const ref = made.container;
  await expectShape(request, health.getHealth, "/api/health");
  await expectShape(request, auth.getSession, "/api/auth/session");
  await expectShape(request, engines.listEngines, "/api/engines");
  await expectShape(request, engines.getEngine, "/api/engines/local");
  await expectShape(request, engines.listEngineImages, "/api/engines/local/images");
  await expectShape(request, containers.listContainers, "/api/containers");
  await expectShape(request, containers.getContainer, `/api/engines/local/containers/${ref}`);
  await expectShape(request, containers.getSelection, `/api/engines/local/containers/${ref}/selection`);
  const changesUrl = `/api/engines/local/containers/${ref}/changes`;
  const detected = (await expectShape(request, changes.listChanges, changesUrl)) as { entries: unknown[] };
  expect(detected.entries.length).toBeGreaterThan(0);
  await expectShape(request, changes.summarizeChanges, `${changesUrl}/summary`);
  await expectShape(request, changes.listChangeFolder, `${changesUrl}/folder?path=/`);
  await expectShape(request, rules.listRuleSets, "/api/rule-sets");
  await expectShape(request, rules.getRuleSet, "/api/rule-sets/default");
  await expectShape(request, rules.previewRuleSet, "/api/rule-sets/default/preview", { engineId: "local", containerRef: ref });
  await expectShape(request, archives.listArchives, "/api/archives");
  const archive = (await expectShape(request, archives.getArchive, `/api/archives/${made.archiveId}`)) as { manifest: unknown };
  expect(archive.manifest).not.toBeNull();
  const planInput = { engineId: "local", baseImage: "kura-test/busybox:latest" };
  await expectShape(request, restores.planRestore, `/api/archives/${made.archiveId}/restore-plan`, planInput);
  await expectShape(request, restores.listArchiveRestores, `/api/archives/${made.archiveId}/restores`);
  const allRestores = (await expectShape(request, restores.listRestores, "/api/restores")) as { id: string }[];
  // Restores exist when the restore specs ran before; each detail (with its log and Dockerfile) must parse too.
  for (const restore of allRestores.slice(0, 5)) await expectShape(request, restores.getRestore, `/api/restores/${restore.id}`);
  const recentJobs = (await expectShape(request, jobs.listJobs, "/api/jobs")) as { id: string }[];
  expect(recentJobs.length).toBeGreaterThan(0);
  await expectShape(request, jobs.getJob, `/api/jobs/${recentJobs[0]!.id}`);
  await expectShape(request, migrationRules.listMigrationRules, "/api/migration-rules");
  await expectShape(request, audit.listAudit, "/api/audit");
  await expectShape(request, overview.getOverview, "/api/overview");
  await expectShape(request, users.listUsers, "/api/users");
  await expectShape(request, tokens.listTokens, "/api/tokens");
});
