import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// A container that makes a package list the size of a disk (a 64 GiB sparse file): detection and the
// archive finish, and the curation view and the archive page say what was not read, in words.
const name = uniqueName("kura-e2e-hostile");

test.beforeAll(() => {
  runContainer({ name, image: BOOKWORM });
  exec(name, ["sh", "-c", "truncate -s 64G /var/lib/dpkg/info/zz.list && mkdir -p /srv/app && echo kept > /srv/app/data.txt"]);
});

test.afterAll(() => removeContainer(name));

test("a 64 GiB package list: the curation view and the archive say it was not read", async ({ page }) => {
  await page.goto(`/engines/local/containers/${name}?view=data`);
  const warnings = page.getByTestId("read-warnings");
  await expect(warnings).toContainText("/var/lib/dpkg/info/zz.list");
  await expect(page.locator('[data-testid=tree-row][data-path="/srv/app/data.txt"]')).toHaveAttribute("data-selected", "true");

  await page.getByRole("button", { name: /^Archive \d+ selected entries/ }).click();
  await expect(page.getByTestId("archive-done-warnings")).toContainText("could not be read", { timeout: 120_000 });
  await page.getByRole("link", { name: "Open the archive" }).click();
  await expect(page.getByTestId("archive-summary")).toBeVisible();
  await expect(page.getByTestId("read-warnings")).toContainText("zz.list");
});
