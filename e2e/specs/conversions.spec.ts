import { expect, test } from "../fixtures/test";
import { TRIXIE, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { POSTGRES_TAG } from "../harness/bullseye-images.mjs";

// Issue 15: before anything runs, the restore plan says which data the build converts and how, with the versions on
// both sides: a Debian 11 PostgreSQL 13 cluster planned onto Debian 13 is loaded into PostgreSQL 17's cluster.
const source = uniqueName("kura-e2e-conversions");

test.beforeAll(() => {
  runContainer({ name: source, image: POSTGRES_TAG, command: ["sh", "-c", "service postgresql start && exec sleep infinity"] });
});

test.afterAll(() => removeContainer(source));

test("the plan lists the data conversions: PostgreSQL cluster 13/main into 17, and how", async ({ page, request }) => {
  test.setTimeout(300_000);
  const response = await request.post(`/api/engines/local/containers/${source}/archives`, {
    data: { name: uniqueName("e2e conversions") },
  });
  expect(response.status()).toBe(202);
  const { jobId, archiveId } = (await response.json()) as { jobId: string; archiveId: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state, {
      timeout: 180_000,
      intervals: [1000],
    })
    .toBe("succeeded");

  await page.goto(`/archives/${archiveId}/restore`);
  await page.getByLabel("Base image").selectOption(TRIXIE);
  await expect(page.getByTestId("dockerfile-view")).toContainText(`FROM ${TRIXIE}`, { timeout: 90_000 });
  const section = page.getByTestId("restore-plan-conversions");
  await expect(section.getByTestId("conversions-summary")).toContainText("1 conversion in the build");
  await section.getByTestId("conversions-summary").click();
  const item = section.locator('[data-testid="conversion"][data-id="builtin-postgresql-major"]');
  await expect(item).toHaveAttribute("data-status", "planned");
  await expect(item).toContainText("PostgreSQL cluster 13/main");
  await expect(item.getByTestId("conversion-versions")).toContainText(/postgresql-13 13\.\S+ → 17/);
  await expect(item).toContainText("/var/lib/postgresql/13/main");
  // And the Dockerfile does what it says: the load into the new cluster runs in the build.
  await expect(page.getByTestId("dockerfile-view")).toContainText("/kura/postgresql-load.sh");
});

test("migration rules: an admin adds an upgrade rule (shell lines run in the build); no lines is refused next to its field", async ({
  page,
}) => {
  const pkg = uniqueName("e2e-upgrade");
  await page.goto("/migration-rules");
  const form = page.getByRole("form", { name: "New migration rule" });
  await form.getByLabel("Package").fill(pkg);
  await form.getByLabel("From versions").fill("< 2");
  await form.getByLabel("To versions").fill(">= 2");
  await form.getByLabel("Action").selectOption("upgrade");
  await form.getByLabel("Data folder").fill("/var/lib/e2e-app");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByLabel("Shell lines")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByTestId("field-error")).toContainText("at least one line");

  await form.getByLabel("Shell lines").fill('e2e-app-upgrade --datadir "$KURA_DATA"\necho upgraded');
  await form.getByRole("button", { name: "Add rule" }).click();
  const row = page.getByTestId("migration-rules-table").locator(`[data-testid=migration-rule-row][data-package="${pkg}"]`);
  await expect(row).toContainText('upgrade /var/lib/e2e-app (in the build): e2e-app-upgrade --datadir "$KURA_DATA"; echo upgraded');
  await row.getByRole("button", { name: "Delete", exact: true }).click();
  await row.getByRole("button", { name: "Delete for good" }).click();
  await expect(row).toHaveCount(0);
});
