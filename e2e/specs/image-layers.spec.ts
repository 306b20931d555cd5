import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures/test";
import { dockerHost, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { ensureNginxAppDerivedImage, ensureNginxAppImage, NGINX_APP_FILES, NGINX_APP_TAG } from "../harness/nginx-app-image.mjs";

// Issue 13 in the tree: what the image's Dockerfile wrote is listed with source "image", the layer's
// step shows on hover and in the detail panel, the tree filters by image layer, and the base is named.
const name = uniqueName("kura-e2e-image-layers");

test.beforeAll(() => {
  ensureNginxAppImage(dockerHost());
  runContainer({ name, image: NGINX_APP_TAG });
});

test.afterAll(() => removeContainer(name));

const row = (page: Page, path: string) => page.locator(`[data-testid=tree-row][data-path="${path}"]`);

test("image-layer entries show their step, filter by layer, and the base is named", async ({ page }) => {
  await page.goto(`/engines/local/containers/${name}?view=data`);
  await expect(page.getByTestId("image-base")).toContainText("debian:bookworm");
  await page.getByLabel("Search paths").fill("/opt/app");
  const app = row(page, NGINX_APP_FILES.app.path);
  await expect(app).toHaveAttribute("data-selected", "true");
  await expect(app.getByTestId("image-layer-source")).toHaveAttribute("title", /^image layer \d+: COPY file:[0-9a-f]+ in \/opt\/app\/$/);

  await app.click();
  await expect(page.getByTestId("entry-details")).toContainText(/Source\s*image layer \d+: COPY file:[0-9a-f]+ in \/opt\/app\//);

  // Only the sed layer: nginx.conf, nothing else.
  await page.getByLabel("Search paths").fill("");
  const sedChip = page.getByRole("group", { name: "Filter by image layer" }).locator("button[title*='worker_connections']");
  await sedChip.click();
  await expect(row(page, "/etc/nginx/nginx.conf")).toBeVisible();
  await expect(row(page, NGINX_APP_FILES.app.path)).toHaveCount(0);
  // Clearing the filters clears the layer chip too: the app's files match a search again.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(sedChip).toHaveAttribute("aria-pressed", "false");
  await page.getByLabel("Search paths").fill(NGINX_APP_FILES.app.path);
  await expect(row(page, NGINX_APP_FILES.app.path)).toBeVisible();
});

test("an operator has the content of a base that is not a distribution's archived too, from the note under the tree", async ({ page }) => {
  const derived = uniqueName("kura-e2e-derived");
  runContainer({ name: derived, image: ensureNginxAppDerivedImage(dockerHost()) });
  try {
    await page.goto(`/engines/local/containers/${derived}?view=data`);
    const note = page.getByTestId("image-base");
    await expect(note).toContainText(`is built from ${NGINX_APP_TAG}`);
    await page.getByLabel("Search paths").fill("/opt/app");
    await expect(page.getByText("Nothing matches the filter.")).toBeVisible();

    await note.getByRole("button", { name: "Archive its content too" }).click();
    await expect(note).toContainText("as asked, its content is listed too");
    // The base's own files (its Dockerfile's COPY) are in the tree now, ticked.
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect(row(page, NGINX_APP_FILES.app.path)).toHaveAttribute("data-selected", "true");

    await note.getByRole("button", { name: "Stop archiving the base's content" }).click();
    await expect(note).toContainText("its files are not listed");
    await expect(row(page, NGINX_APP_FILES.app.path)).toHaveCount(0);
  } finally {
    removeContainer(derived);
  }
});
