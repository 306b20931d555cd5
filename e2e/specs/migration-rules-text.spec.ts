import { expect, test } from "@playwright/test";
import { uniqueName } from "@/e2e/fixtures/containers";

// Issue 14: the rule kinds that edit lines, in the migration rules page. A line pattern that only
// matches everything is refused next to its field; a rewrite and then a set are saved and described.
test("migration rules: add a rewrite rule (a malformed pattern is refused), then turn it into a set rule", async ({ page }) => {
  const pkg = uniqueName("e2e-text");
  await page.goto("/migration-rules");
  const form = page.getByRole("form", { name: "New migration rule" });
  await form.getByLabel("Package").fill(pkg);
  await form.getByLabel("From versions").fill("< 6.2");
  await form.getByLabel("To versions").fill(">= 6.2");
  await form.getByLabel("Action").selectOption("rewrite");
  await form.getByLabel("In file").fill("/etc/e2e/redis.conf");
  await form.getByLabel("Lines matching").fill("**");
  await form.getByLabel("Become").fill("bind \\1 -::1");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByLabel("Lines matching")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByTestId("field-error")).toContainText("every line");

  await form.getByLabel("Lines matching").fill("bind * ::1");
  await form.getByRole("button", { name: "Add rule" }).click();
  const row = page.getByTestId("migration-rules-table").locator(`[data-testid=migration-rule-row][data-package="${pkg}"]`);
  await expect(row).toContainText("rewrite lines bind * ::1 → bind \\1 -::1 in /etc/e2e/redis.conf");

  await row.getByRole("button", { name: "Edit", exact: true }).click();
  const editForm = row.getByRole("form", { name: `Edit the rule for ${pkg}` });
  await editForm.getByLabel("Action").selectOption("set");
  await editForm.getByLabel("Key", { exact: true }).fill("maxmemory");
  await editForm.getByLabel("Value", { exact: true }).fill("64mb");
  await editForm.getByLabel("Separator when added").fill(" ");
  await editForm.getByLabel("If no line sets it, add it").selectOption("start");
  await editForm.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("set maxmemory 64mb in /etc/e2e/redis.conf (added first if missing)");
  await page.reload();
  await expect(row).toContainText("set maxmemory 64mb in /etc/e2e/redis.conf (added first if missing)");

  await row.getByRole("button", { name: "Delete", exact: true }).click();
  await row.getByRole("button", { name: "Delete for good" }).click();
  await expect(row).toHaveCount(0);
});
