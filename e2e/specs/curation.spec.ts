import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// Curation: untick a folder and keep it across a reload; edit a rule and see preview and tree follow.
const name = uniqueName("kura-e2e-curate");

test.beforeAll(() => {
  runContainer({ name, image: BOOKWORM });
  exec(name, [
    "bash",
    "-c",
    "mkdir -p /srv/app /srv/other && echo a > /srv/app/a.txt && echo bb > /srv/app/b.txt && echo ccc > /srv/other/c.txt && echo log > /var/log/app.log",
  ]);
});

test.afterAll(() => removeContainer(name));

const row = (page: Page, path: string) => page.locator(`[data-testid=tree-row][data-path="${path}"]`);

test("untick a folder, reload, it stays unticked", async ({ page }) => {
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(row(page, "/srv/app/a.txt")).toHaveAttribute("data-selected", "true");
  const totals = page.getByTestId("selection-totals");
  const before = Number(await totals.getAttribute("data-selected-entries"));

  await page.getByLabel("Select /srv/app", { exact: true }).click();
  await expect(row(page, "/srv/app")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/app/a.txt")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/other/c.txt")).toHaveAttribute("data-selected", "true");
  await expect(totals).not.toHaveAttribute("data-selected-entries", String(before));
  await expect(page.getByTestId("save-state")).toHaveText("saved");

  await page.reload();
  await expect(row(page, "/srv/app")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/app/b.txt")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/other/c.txt")).toHaveAttribute("data-selected", "true");
  // The log is left out by its category (no rule matches logs by name), and says how to keep it.
  await expect(row(page, "/var/log/app.log")).toHaveAttribute("data-selected", "false");
});

test("edit a rule: the preview counts and the tree change", async ({ page, request }) => {
  const created = await request.post("/api/rule-sets", { data: { name: uniqueName("e2e rules"), copyFrom: "default" } });
  expect(created.status()).toBe(201);
  const ruleSet = await created.json();

  await page.goto(`/rules/${ruleSet.id}`);
  await page.getByLabel("Preview on container").selectOption({ label: `${name} (local)` });
  const previewTotals = page.getByTestId("preview-totals");
  await expect(previewTotals).toBeVisible();
  const excludedBefore = Number(await previewTotals.getAttribute("data-excluded"));

  await page.getByRole("button", { name: "Add rule" }).click();
  const count = await page.getByTestId("rule-row").count();
  await page.getByLabel(`Pattern of rule ${count}`).fill("/srv/other");
  await page.getByLabel(`Note of rule ${count}`).fill("scratch space, not needed");
  await expect(previewTotals).toHaveAttribute("data-excluded", String(excludedBefore + 2));
  await expect(page.getByTestId("rule-row").last().getByTestId("rule-matches")).toHaveText("2 / 2");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("button", { name: "Saved" })).toBeVisible();

  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(row(page, "/srv/other/c.txt")).toHaveAttribute("data-selected", "true");
  await page.getByLabel("Rule set").selectOption(ruleSet.id);
  await expect(row(page, "/srv/other/c.txt")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/other/c.txt")).toHaveAttribute("title", /\/srv\/other/);
});

test("limit the view to files changed after a marker file", async ({ page }) => {
  exec(name, ["bash", "-c", "touch /tmp/ts0 && sleep 1.1 && echo new > /srv/other/new.txt"]);
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(row(page, "/srv/app/a.txt")).toBeVisible();
  await page.getByLabel("Marker file").fill("/tmp/ts0");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(row(page, "/srv/other/new.txt")).toBeVisible();
  await expect(row(page, "/srv/app/a.txt")).toHaveCount(0);
  await expect(page.getByText(/modified after/)).toBeVisible();
});
