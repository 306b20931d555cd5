import { expect, test } from "../fixtures/test";
import { BOOKWORM, BUSYBOX, docker, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// Browsing: the containers page and a container's page against real containers.
const bookwormName = uniqueName("kura-e2e-bookworm");
const busyboxName = uniqueName("kura-e2e-busybox");
const SECRET = "s3cr3t-do-not-show";

test.beforeAll(() => {
  runContainer({ name: bookwormName, image: BOOKWORM, env: [`DB_PASSWORD=${SECRET}`, "GREETING=hello"] });
  runContainer({ name: busyboxName, image: BUSYBOX, command: ["sleep", "3600"] });
});

test.afterAll(() => {
  removeContainer(bookwormName);
  removeContainer(busyboxName);
});

test("lists containers with state and image, and follows a stop without a reload", async ({ page }) => {
  await page.goto("/containers");
  const bookwormRow = page.locator(`[data-testid=container-row][data-name="${bookwormName}"]`);
  const busyboxRow = page.locator(`[data-testid=container-row][data-name="${busyboxName}"]`);
  await expect(bookwormRow.getByTestId("container-image")).toHaveText(BOOKWORM);
  await expect(bookwormRow.getByTestId("container-state")).toContainText("running");
  await expect(busyboxRow.getByTestId("container-image")).toHaveText(BUSYBOX);
  await expect(busyboxRow.getByTestId("container-engine")).toHaveText("local");

  docker(["stop", "-t", "0", busyboxName]);
  // No reload: the list refreshes by itself.
  await expect(busyboxRow.getByTestId("container-state")).toContainText("exited", { timeout: 20_000 });
  await expect(bookwormRow.getByTestId("container-state")).toContainText("running");
});

test("search and state filters narrow the list", async ({ page }) => {
  await page.goto("/containers");
  await page.getByLabel("Search containers").fill(bookwormName);
  await expect(page.getByTestId("container-row")).toHaveCount(1);
  await expect(page.getByTestId("container-row")).toHaveAttribute("data-name", bookwormName);
  await page.getByLabel("Search containers").fill("kura-e2e-");
  await page.getByLabel("Filter by state").selectOption("stopped");
  await expect(page.locator(`[data-testid=container-row][data-name="${bookwormName}"]`)).toHaveCount(0);
});

test("a Debian 12 container shows its OS, package manager and masks secrets", async ({ page }) => {
  await page.goto("/containers");
  await page.getByRole("link", { name: bookwormName }).click();
  await expect(page.getByRole("heading", { name: bookwormName })).toBeVisible();
  await expect(page.getByTestId("detail-os")).toHaveText(/Debian GNU\/Linux 12/);
  await expect(page.getByTestId("detail-package-manager")).toHaveText("dpkg");
  const secretRow = page.locator('[data-testid=env-row][data-name="DB_PASSWORD"]');
  await expect(secretRow.getByTestId("env-value")).toContainText("••••••");
  await expect(secretRow).toContainText("hidden");
  await expect(page.locator('[data-testid=env-row][data-name="GREETING"]')).toContainText("hello");
  expect(await page.content()).not.toContain(SECRET);
});

test("a busybox container shows no package manager and no OS release", async ({ page }) => {
  await page.goto(`/engines/local/containers/${busyboxName}`);
  await expect(page.getByTestId("detail-package-manager")).toHaveText("no package manager");
  await expect(page.getByTestId("detail-os")).toContainText("unknown");
});

test("an unknown container page says so instead of crashing", async ({ page }) => {
  await page.goto("/engines/local/containers/no-such-container-here");
  await expect(page.getByTestId("page-error")).toContainText('No container "no-such-container-here"');
});
