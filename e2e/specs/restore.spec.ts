import { expect, test, type APIRequestContext } from "../fixtures/test";
import { BOOKWORM, TRIXIE, docker, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// Restore: plan a bookworm archive onto trixie, edit the Dockerfile, build it, verify every file
// and run a check; then the result page. And the migration-rules page: add, edit, delete a rule.
const source = uniqueName("kura-e2e-restore");
const restored = `${source}-restored`;
const label = 'LABEL org.example.restored-by="kura-e2e"';
let restoredImage: string | null = null;

test.beforeAll(() => {
  runContainer({ name: source, image: BOOKWORM });
  // No packages: an account, its files under /srv, and a config file.
  exec(source, [
    "bash",
    "-c",
    "useradd --create-home --uid 1234 keeper && mkdir -p /srv/data && echo hello > /srv/data/hello.txt && chown -R keeper:keeper /srv/data && echo 'greeting = hello' > /etc/keeper.conf",
  ]);
  // What does not come back: a real socket (perl-base makes it), a pid file and a log.
  const socket = `perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => "/srv/app.sock", Listen => 1) or die'`;
  exec(source, ["bash", "-c", `${socket} && echo 42 > /srv/app.pid && echo started > /var/log/keeper.log`]);
});

test.afterAll(() => {
  removeContainer(source);
  // Kura made these, so the harness's kura.test label is not on them.
  removeContainer(restored);
  if (restoredImage) {
    try {
      docker(["rmi", "-f", restoredImage]);
    } catch {
      // never built
    }
  }
});

async function archiveThroughApi(request: APIRequestContext, container: string): Promise<string> {
  const response = await request.post(`/api/engines/local/containers/${container}/archives`, {
    data: { name: uniqueName("e2e restore"), note: "restored in the e2e test" },
  });
  expect(response.status()).toBe(202);
  const { jobId, archiveId } = (await response.json()) as { jobId: string; archiveId: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state, {
      timeout: 120_000,
      intervals: [500],
    })
    .toBe("succeeded");
  return archiveId;
}

test("plan onto trixie, edit the Dockerfile, restore: the log streams, files verify, the check passes", async ({ page, request }) => {
  test.setTimeout(480_000);
  const archiveId = await archiveThroughApi(request, source);

  await page.goto(`/archives/${archiveId}`);
  await page.getByRole("link", { name: "Restore…" }).click();
  await expect(page).toHaveURL(new RegExp(`/archives/${archiveId}/restore$`));
  await page.getByLabel("Base image").selectOption(TRIXIE);
  // The first plan for a base asks its repositories: up to 30 s.
  await expect(page.getByTestId("dockerfile-view")).toContainText(`FROM ${TRIXIE}`, { timeout: 90_000 });
  await expect(page.getByTestId("restore-script-view")).not.toBeEmpty();
  // Nothing was installed on top of debian:bookworm: the plan says every package is the original base's own.
  const decisions = page.getByTestId("plan-package-decisions");
  await expect(decisions.getByTestId("plan-package-base")).toContainText("debian:bookworm (the container's lowest image layer)");
  await decisions.getByText(/more not installed/).click();
  await expect(decisions.locator('[data-package="bash"]')).toContainText("in the original base image (debian:bookworm's lowest layer)");
  await expect(decisions.locator('[data-install="yes"]')).toHaveCount(0);

  // Before the build, the plan says what will not come back, by why, with counts and examples; no one is told to mknod.
  const leftOut = page.getByTestId("plan-left-out");
  await expect(leftOut.getByRole("heading", { name: "Will not come back" })).toBeVisible();
  const runtime = leftOut.locator('[data-testid="left-out-group"][data-reason="runtime"]');
  expect(Number(await runtime.getAttribute("data-count"))).toBeGreaterThanOrEqual(2);
  await runtime.locator("summary").click();
  await expect(runtime.getByTestId("left-out-examples")).toContainText("/srv/app.sock");
  await expect(runtime.getByTestId("left-out-examples")).toContainText("/srv/app.pid");
  const logs = leftOut.locator('[data-testid="left-out-group"][data-reason="log"]');
  await expect(logs).toContainText("Logs: left out by default");
  await logs.locator("summary").click();
  await expect(logs.getByTestId("left-out-examples")).toContainText("/var/log/keeper.log");
  await expect(page.getByText(/mknod/)).toHaveCount(0);
  // Issue 14: no package here has a configuration checker; versioned paths are mapped once the packages are installed
  // (said as pending, or, when an earlier restore built the same packages stage, known: none here).
  await expect(page.getByTestId("config-checks")).toHaveAttribute("data-count", "0");
  const mappings = page.getByTestId("restore-plan-path-mappings");
  await expect(mappings).toBeVisible();
  await expect(mappings.getByTestId("path-mapping")).toHaveCount(0);

  await page.getByLabel("Edit Dockerfile").check();
  const editor = page.getByTestId("dockerfile-editor");
  const generated = await editor.inputValue();
  expect(generated).toContain(`FROM ${TRIXIE}`);
  await editor.fill(`${generated.trimEnd()}\n${label}\n`);
  const diff = page.getByTestId("dockerfile-diff");
  await expect(diff).toContainText(`+${label}`);
  // Leaving the editor keeps the edits: the view shows them and the diff stays.
  await page.getByLabel("Edit Dockerfile").uncheck();
  await expect(page.getByTestId("dockerfile-view")).toContainText("org.example.restored-by");
  await expect(diff).toContainText(`+${label}`);
  await expect(page.getByRole("button", { name: "Revert to generated" })).toBeVisible();

  await expect(page.getByLabel("Container name")).toHaveValue(restored);
  await page.getByLabel("Check command").fill("test -f /srv/data/hello.txt");
  await page.getByLabel(/^Isolated/).check();
  const started = page.waitForResponse(
    (response) => response.url().endsWith(`/api/archives/${archiveId}/restores`) && response.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Restore", exact: true }).click();
  const { restoreId } = (await (await started).json()) as { restoreId: string };
  // Retried: a kept-alive connection the server has just closed answers ECONNRESET once (seen once in CI).
  await expect(async () => {
    restoredImage = ((await (await request.get(`/api/restores/${restoreId}`)).json()) as { imageTag: string }).imageTag;
  }).toPass({ timeout: 15_000 });

  await expect(page.getByTestId("build-log")).toContainText("Step", { timeout: 180_000 });
  const outcome = page.getByTestId("restore-outcome");
  await expect(outcome).toHaveAttribute("data-state", "succeeded", { timeout: 360_000 });
  const verification = outcome.getByTestId("verification-summary");
  await expect(verification).toContainText(/All \d+ files match the archive/);
  const filesChecked = Number(await verification.getAttribute("data-files-checked"));
  expect(filesChecked).toBeGreaterThan(0);
  await expect(verification).toHaveAttribute("data-files-ok", String(filesChecked));
  await expect(verification).toHaveAttribute("data-mismatches", "0");
  await expect(outcome.getByTestId("verification-account").filter({ hasText: "keeper" })).toHaveAttribute("data-ok", "true");
  const check = outcome.getByTestId("check-result");
  await expect(check).toHaveAttribute("data-ok", "true");
  await expect(check).toContainText("passed");

  // The container really runs the edited image, with the data and its owner.
  expect(docker(["inspect", "--format", '{{ index .Config.Labels "org.example.restored-by" }}', restored])).toBe("kura-e2e");
  expect(exec(restored, ["cat", "/srv/data/hello.txt"])).toBe("hello");
  expect(exec(restored, ["stat", "-c", "%U:%u", "/srv/data/hello.txt"])).toBe("keeper:1234");

  await page.getByRole("link", { name: "Open the result page" }).click();
  await expect(page).toHaveURL(new RegExp(`/restores/${restoreId}$`));
  await expect(page.getByTestId("restore-outcome")).toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("dockerfile-diff")).toContainText(`+${label}`);
  await expect(page.getByTestId("check-result")).toContainText("test -f /srv/data/hello.txt");
  await expect(page.getByTestId("restore-summary")).toContainText(TRIXIE);
  await expect(page.locator('[data-step="config-check"]')).toHaveAttribute("data-status", "skipped");
  await expect(page.getByTestId("restore-path-mappings")).toContainText("Versioned paths mapped (0)");

  await page.goto(`/archives/${archiveId}`);
  const restoreRow = page.locator(`[data-testid=archive-restore-row][data-container="${restored}"]`);
  await expect(restoreRow).toHaveAttribute("data-state", "succeeded");
  await expect(restoreRow).toContainText(TRIXIE);
});

test("migration rules: a bad range is named next to its field; add, edit and delete a rule", async ({ page }) => {
  const pkg = uniqueName("e2e-pkg");
  await page.goto("/migration-rules");
  await expect(page.getByRole("heading", { name: "Migration rules" })).toBeVisible();
  const form = page.getByRole("form", { name: "New migration rule" });
  await form.getByLabel("Package").fill(pkg);
  await form.getByLabel("From versions").fill("not a range");
  await form.getByLabel("To versions").fill(">= 2");
  await form.getByLabel("Action").selectOption("move");
  await form.getByLabel("Move from").fill("/var/lib/e2e/old.db");
  await form.getByLabel("Move to").fill("/var/lib/e2e/new/old.db");
  await form.getByLabel("Note").fill("added by the e2e test");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByTestId("field-error")).toBeVisible();
  await expect(form.getByLabel("From versions")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("From versions").fill("< 2");
  await form.getByRole("button", { name: "Add rule" }).click();
  const row = page.getByTestId("migration-rules-table").locator(`[data-testid=migration-rule-row][data-package="${pkg}"]`);
  await expect(row).toContainText("move /var/lib/e2e/old.db → /var/lib/e2e/new/old.db");
  await expect(row).toContainText("added by the e2e test");
  await expect(form.getByLabel("Package")).toHaveValue("");

  await row.getByRole("button", { name: "Edit", exact: true }).click();
  const editForm = row.getByRole("form", { name: `Edit the rule for ${pkg}` });
  await editForm.getByLabel("To versions").fill(">= 3");
  await editForm.getByLabel("Action").selectOption("rename-key");
  await editForm.getByLabel("In file").fill("/etc/e2e.conf");
  await editForm.getByLabel("Key from").fill("old_name");
  await editForm.getByLabel("Key to").fill("new_name");
  await editForm.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("rename key old_name → new_name in /etc/e2e.conf");
  await expect(row).toContainText(">= 3");
  await page.reload();
  await expect(row).toContainText("rename key old_name → new_name in /etc/e2e.conf");

  await row.getByRole("button", { name: "Delete", exact: true }).click();
  await row.getByRole("button", { name: "Delete for good" }).click();
  await expect(row).toHaveCount(0);
});
