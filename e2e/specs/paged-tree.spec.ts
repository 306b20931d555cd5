import type { Browser, Page } from "@playwright/test";
import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// A detection too large to send whole (over WHOLE_TREE_ENTRIES in mutable-data-panel.tsx) is paged:
// the tree asks the server for a folder's children when it opens, pages them as the list scrolls,
// and ticks follow the server's counts.
const name = uniqueName("kura-e2e-paged");
const FILES = 20_050;

test.beforeAll(() => {
  runContainer({ name, image: BOOKWORM });
  exec(name, [
    "bash",
    "-c",
    `mkdir -p /srv/many /srv/app && echo a > /srv/app/a.txt && cd /srv/many && seq -f 'f%05g' 1 ${FILES} | xargs touch`,
  ]);
});

test.afterAll(() => removeContainer(name));

const row = (page: Page, path: string) => page.locator(`[data-testid=tree-row][data-path="${path}"]`);

test("a large tree loads a folder's children when it opens, pages them on scroll, and keeps ticks", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(page.getByTestId("paged-change-tree")).toBeVisible({ timeout: 120_000 });
  // Top-level folders start open; /srv/many does not until asked.
  await expect(row(page, "/srv/many")).toBeVisible();
  await expect(row(page, "/srv/many/f00001")).toHaveCount(0);

  const folderRequest = page.waitForRequest((request) => {
    const url = new URL(request.url());
    return url.pathname.endsWith("/changes/folder") && url.searchParams.get("path") === "/srv/many";
  });
  await page.getByLabel("Expand /srv/many", { exact: true }).click();
  await folderRequest;
  await expect(row(page, "/srv/many/f00001")).toBeVisible();
  // The folder is itself a changed directory: it counts in its own total.
  const below = (FILES + 1).toLocaleString("en-US");
  await expect(row(page, "/srv/many")).toContainText(`${below} / ${below}`);

  // The last child is on a later page: it loads when scrolled to.
  const lastPage = page.waitForRequest((request) => {
    const url = new URL(request.url());
    return (
      url.pathname.endsWith("/changes/folder") && url.searchParams.get("path") === "/srv/many" && url.searchParams.get("offset") !== "0"
    );
  });
  await page.getByTestId("change-tree").evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await lastPage;
  await expect(row(page, `/srv/many/f${String(FILES)}`)).toBeVisible();
  await page.getByTestId("change-tree").evaluate((element) => element.scrollTo({ top: 0 }));

  // Untick the folder: it shows at once, the server's counts follow, and a reload keeps it.
  const totals = page.getByTestId("selection-totals");
  const before = Number(await totals.getAttribute("data-selected-entries"));
  await page.getByLabel("Select /srv/many", { exact: true }).click();
  await expect(row(page, "/srv/many")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/many/f00001")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv")).toHaveAttribute("data-selected", "mixed");
  await expect(page.getByTestId("save-state")).toHaveText("saved");
  await expect(totals).toHaveAttribute("data-selected-entries", String(before - FILES - 1));

  await page.reload();
  await expect(row(page, "/srv/many")).toHaveAttribute("data-selected", "false");
  await expect(row(page, "/srv/app")).toHaveAttribute("data-selected", "true");

  // A search runs on the server and opens the folders holding its few matches.
  await page.getByLabel("Search paths").fill("f20049");
  await expect(page.getByTestId("filter-matches")).toHaveText("1 matching");
  await expect(row(page, "/srv/many/f20049")).toBeVisible();
  await expect(row(page, "/srv/app")).toHaveCount(0);
});

test("a viewer reads the large tree and its details but cannot tick", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const viewer = { name: uniqueName("paged-viewer"), password: `pw-${uniqueName("viewer")}` };
  expect((await request.post("/api/users", { data: { ...viewer, role: "viewer" } })).status()).toBe(201);
  const page = await signIn(browser, viewer);
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(page.getByTestId("paged-change-tree")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel("Select /srv/many", { exact: true })).toBeDisabled();
  await page.getByLabel("Expand /srv/app", { exact: true }).click();
  await row(page, "/srv/app/a.txt").click();
  await expect(page.getByTestId("entry-details")).toContainText("/srv/app/a.txt");
  await expect(page.getByTestId("entry-decided-by")).toBeVisible();
  await expect(page.getByLabel("Select /srv/app/a.txt", { exact: true })).toBeDisabled();
});

async function signIn(browser: Browser, person: { name: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ storageState: undefined })).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  return page;
}
