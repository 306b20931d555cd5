import { expect, test } from "../fixtures/test";
import { dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "../fixtures/containers";
import { CRON_TAG, ensureCronImage } from "../harness/cron-image.mjs";

// Issue 14 on the restore page: a Debian 11 cron container whose admin set EXTRA_OPTS in /etc/default/cron, the very
// line trixie's default changed. The plan shows the conflict with its three versions, the Restore button refuses
// while it is unresolved, a saved resolution lifts that, and the restore then succeeds with the resolved file.
const source = uniqueName("kura-e2e-merge");
const restoredName = uniqueName("kura-e2e-merge-restored");

type Conflicts = { known: boolean; conflicts: { path: string; newDefault: string; status: string }[] };

test.beforeAll(() => {
  ensureCronImage(dockerHost());
  runContainer({ name: source, image: CRON_TAG });
  exec(source, ["sed", "-i", 's/^#EXTRA_OPTS=""$/EXTRA_OPTS="-L 5"/', "/etc/default/cron"]);
});

test.afterAll(() => {
  removeContainer(source);
  removeContainer(restoredName);
});

test("a configuration conflict is shown with its three versions, blocks the restore until resolved, then restores", async ({
  page,
  request,
}) => {
  test.setTimeout(900_000);
  const waitJob = async (jobId: string) => {
    let state = "running";
    await expect
      .poll(async () => (state = ((await (await request.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state), {
        timeout: 600_000,
        intervals: [1000],
      })
      .not.toBe("running");
    return state;
  };
  const archived = await request.post(`/api/engines/local/containers/${source}/archives`, { data: { name: uniqueName("e2e merge") } });
  expect(archived.status()).toBe(202);
  const { jobId, archiveId } = (await archived.json()) as { jobId: string; archiveId: string };
  expect(await waitJob(jobId)).toBe("succeeded");

  // The new packages' defaults are known once a restore built the packages stage: the first restore stops at the merge.
  const target = { engineId: "local", baseImage: TRIXIE };
  let conflicts = (await (await request.post(`/api/archives/${archiveId}/merge-conflicts`, { data: target })).json()) as Conflicts;
  if (!conflicts.known) {
    const first = await request.post(`/api/archives/${archiveId}/restores`, {
      data: { ...target, containerName: restoredName, network: "none" },
    });
    expect(first.status()).toBe(202);
    expect(await waitJob(((await first.json()) as { jobId: string }).jobId)).toBe("failed");
    conflicts = (await (await request.post(`/api/archives/${archiveId}/merge-conflicts`, { data: target })).json()) as Conflicts;
  }
  expect(conflicts.conflicts.map((conflict) => [conflict.path, conflict.status])).toEqual([["/etc/default/cron", "conflict"]]);

  await page.goto(`/archives/${archiveId}/restore`);
  await page.getByLabel("Base image").selectOption(TRIXIE);
  const merges = page.getByTestId("restore-plan-merges");
  await expect(merges.locator('[data-testid="plan-merge"][data-path="/etc/default/cron"]')).toHaveAttribute("data-status", "conflict", {
    timeout: 120_000,
  });
  // Each merge says where its old default (the package's pristine version) came from: here the container's image.
  await expect(merges.locator('[data-testid="plan-merge"][data-path="/etc/default/cron"]').getByTestId("plan-merge-pristine")).toHaveText(
    "Old default: from the container's image",
  );
  const conflict = merges.locator('[data-testid="merge-conflict"][data-path="/etc/default/cron"]');
  await expect(conflict.getByTestId("merge-conflict-pristine")).toHaveText("Old default: from the container's image");
  await expect(conflict.getByLabel("Old default")).toContainText('#EXTRA_OPTS=""');
  await expect(conflict.getByLabel("Admin's edit (archived)")).toContainText('EXTRA_OPTS="-L 5"');
  await expect(conflict.getByLabel(/^New default/)).toContainText('EXTRA_OPTS=""');
  await expect(conflict.getByTestId("merge-resolution-text")).toHaveValue(/<<<<<<< admin's edit/);

  // Rules for packages this archive does not have are folded away, not listed as rows.
  await expect(
    page.getByTestId("restore-plan-rules").locator('[data-testid="plan-rule"][data-status="not-applicable"]').first(),
  ).toBeHidden();
  await expect(page.getByTestId("plan-rules-not-applicable")).toContainText("do not apply here");
  // The restore refuses, and says why.
  await expect(page.getByRole("button", { name: "Restore", exact: true })).toBeDisabled();
  await expect(page.getByTestId("restore-blocked-by-conflicts")).toContainText("/etc/default/cron");

  const resolved = conflicts.conflicts[0]!.newDefault.replace('\nEXTRA_OPTS=""\n', '\nEXTRA_OPTS="-L 5"\n');
  await conflict.getByTestId("merge-resolution-text").fill(resolved);
  await conflict.getByTestId("merge-resolution-save").click();
  await expect(merges.locator('[data-testid="plan-merge"][data-path="/etc/default/cron"]')).toHaveAttribute("data-status", "resolved", {
    timeout: 120_000,
  });
  await expect(page.getByTestId("restore-blocked-by-conflicts")).toHaveCount(0);

  removeContainer(restoredName);
  await page.getByLabel("Container name").fill(restoredName);
  // The proposed cron check needs cron running; this container's command is the archived `sleep infinity`.
  await page.getByLabel("Check command").fill("");
  await page.getByRole("button", { name: "Restore", exact: true }).click();
  let state = "none";
  await expect
    .poll(
      async () => {
        const restores = (await (await request.get(`/api/archives/${archiveId}/restores`)).json()) as {
          containerName: string;
          state: string;
        }[];
        return (state = restores.find((restore) => restore.containerName === restoredName)?.state ?? "none");
      },
      { timeout: 600_000, intervals: [2000] },
    )
    .not.toMatch(/^(none|running)$/);
  expect(state).toBe("succeeded");
  await expect(page.getByTestId("restore-absorbed")).toContainText("1 configuration file merged (1 resolved)");
  expect(exec(restoredName, ["grep", "^EXTRA_OPTS", "/etc/default/cron"])).toBe('EXTRA_OPTS="-L 5"');
});
