import type { APIRequestContext } from "@playwright/test";
import { BUSYBOX, exec, runContainer, uniqueName } from "../fixtures/containers";

// A container with a secret in its environment, archived with keepSecrets (the secret's value kept
// in the manifest), through the admin's API. For the tests of what viewers may read.

export const KEPT_SECRET = "kept-secret-value-7Qx";

export type KeepSecretsArchive = { container: string; archiveId: string };

type JobEnd = { state: string; error: string | null };

export async function waitForJob(request: APIRequestContext, jobId: string, timeoutMs = 120_000): Promise<JobEnd> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await request.get(`/api/jobs/${jobId}`)).json()) as JobEnd;
    if (!["queued", "running"].includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function makeKeepSecretsArchive(request: APIRequestContext): Promise<KeepSecretsArchive> {
  const container = uniqueName("e2e-secrets");
  runContainer({ name: container, image: BUSYBOX, env: [`DB_PASSWORD=${KEPT_SECRET}`, "PLAIN_SETTING=visible-value"] });
  exec(container, ["sh", "-c", "mkdir -p /srv/app && echo hello > /srv/app/hello.txt"]);
  const data = { name: uniqueName("e2e keep secrets"), keepSecrets: true };
  const started = await request.post(`/api/engines/local/containers/${container}/archives`, { data });
  if (started.status() !== 202) throw new Error(`archiving ${container} failed: ${started.status()} ${await started.text()}`);
  const { jobId, archiveId } = (await started.json()) as { jobId: string; archiveId: string };
  const job = await waitForJob(request, jobId);
  if (job.state !== "succeeded") throw new Error(`archive job ${job.state}: ${job.error}`);
  return { container, archiveId };
}
