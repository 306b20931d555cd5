import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// Archive from the curation view: progress bar, then the archive in the list and on its page.
const name = uniqueName("kura-e2e-archive");
const archiveName = uniqueName("e2e archive");

test.beforeAll(() => {
  runContainer({ name, image: BOOKWORM });
  // Enough data that the progress bar is on screen for a moment.
  exec(name, ["bash", "-c", "mkdir -p /srv/app && head -c 150000000 /dev/urandom > /srv/app/big.bin && echo hello > /srv/app/hello.txt"]);
});

test.afterAll(() => removeContainer(name));

test("archive the selection with a progress bar, then find it in the list and open it", async ({ page }) => {
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(page.locator('[data-testid=tree-row][data-path="/srv/app/hello.txt"]')).toHaveAttribute("data-selected", "true");
  await page.getByLabel("Archive name").fill(archiveName);
  await page.getByLabel("Archive note").fill("retired in the e2e test");
  await page.getByRole("button", { name: /^Archive \d+ selected entries/ }).click();
  await expect(page.getByRole("progressbar", { name: "Archiving" })).toBeVisible();
  await expect(page.getByTestId("archive-done")).toContainText("Archived", { timeout: 120_000 });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Archives" }).click();
  const row = page.locator(`[data-testid=archive-row][data-name="${archiveName}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("archive-stored")).toContainText("MB");
  await expect(row.getByTestId("archive-saving")).toHaveText(/^\d+\.\d%$/);
  await expect(row).toContainText("complete");

  await row.getByRole("link", { name: archiveName }).click();
  await expect(page.getByRole("heading", { name: archiveName })).toBeVisible();
  await expect(page.getByTestId("archive-summary")).toContainText("retired in the e2e test");
  await expect(page.locator('[data-testid=archive-file][data-path="/srv/app/hello.txt"]')).toContainText("user-data");
  await page.getByRole("button", { name: "Verify every blob" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("intact");
  await expect(page.getByTestId("archive-verified")).toContainText("ok");
});
