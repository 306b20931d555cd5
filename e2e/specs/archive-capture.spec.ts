import { expect, test } from "../fixtures/test";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { ensurePostgresImage, POSTGRES_TAG } from "../harness/bullseye-images.mjs";

// Issue 15 in the dashboard: the archive form of a running PostgreSQL shows how the container will be held during the
// copy and the recipe that will run (pg_dumpall as postgres); after archiving (paused for the copy), the archive page
// lists the capture with the server's version, and the container runs again.
const name = uniqueName("kura-e2e-capture-pg");
const archiveName = uniqueName("e2e capture");
/** A test-owned shell script (never container input), as root in the container. */
const runScript = (container: string, script: string) => exec(container, ["sh", "-c", script]);

test.beforeAll(() => {
  ensurePostgresImage(dockerHost());
  runContainer({ name, image: POSTGRES_TAG, command: ["sh", "-c", "service postgresql start && exec sleep infinity"] });
  runScript(name, "for i in $(seq 1 100); do pg_isready -q && break; sleep 0.2; done; pg_isready -q");
  runScript(name, `su postgres -c "psql -q -c 'CREATE DATABASE e2eshop'"`);
});

test.afterAll(() => removeContainer(name));

test("the archive form shows the quiesce choice and the PostgreSQL recipe; the archive page lists the capture", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/engines/local/containers/${name}?view=data`);
  const choice = page.getByTestId("archive-capture-choice");
  const recipe = choice.locator('[data-testid=archive-capture-recipe][data-recipe="postgresql-dumpall"]');
  await expect(recipe).toContainText("pg_dumpall", { timeout: 90_000 });
  await expect(recipe).toContainText("postgres");
  await expect(recipe).toContainText("postgresql-13");
  await expect(choice.getByTestId("archive-capture-advice")).toContainText("PostgreSQL: live, with the capture recipe");
  const mode = choice.getByLabel("Quiesce mode");
  await expect(mode).toHaveValue("live");
  await expect(mode.locator("option")).toHaveText([
    "Live: keep it running (default)",
    "Pause it for the copy (then unpause)",
    "Stop it for the copy (then start)",
  ]);
  await mode.selectOption("pause");

  await page.getByLabel("Archive name").fill(archiveName);
  await page.getByRole("button", { name: /^Archive [\d,]+ selected entries/ }).click();
  await expect(page.getByTestId("archive-done")).toContainText("Archived", { timeout: 180_000 });
  await expect(page.getByTestId("archive-done-captures")).toContainText("PostgreSQL (postgresql-dumpall.sql)");
  await page.getByTestId("archive-done").getByRole("link", { name: "Open the archive" }).click();

  const captures = page.getByTestId("archive-captures");
  const row = captures.locator('[data-testid=archive-capture][data-recipe="postgresql-dumpall"]');
  await expect(row.getByTestId("archive-capture-version")).toContainText("PostgreSQL 13.");
  await expect(row.getByTestId("archive-capture-output")).toContainText("captures/postgresql-dumpall.sql");
  await expect(row).toContainText("pg_dumpall --clean --if-exists (postgres)");
  await expect(captures.getByTestId("archive-quiesce")).toHaveAttribute("data-mode", "pause");
  await expect(captures.getByTestId("archive-quiesce")).toContainText("paused during the copy, and runs again");
  expect(runScript(name, "pg_isready")).toContain("accepting connections");
});

test("capture recipes over the API: listed, added as data, checked, deleted; a bad quiesce mode is a 422", async ({ request }) => {
  const listed = (await (await request.get("/api/capture-recipes")).json()) as { id: string; builtIn: boolean }[];
  expect(listed.filter((recipe) => recipe.builtIn).map((recipe) => recipe.id)).toEqual([
    "postgresql-dumpall",
    "mariadb-dump",
    "slapcat",
    "redis-save",
  ]);
  const id = `e2e-${Date.now().toString(36)}`;
  const bad = await request.post("/api/capture-recipes", { data: { id, service: "X", packages: "(", argv: ["x"], format: "sql" } });
  expect(bad.status()).toBe(422);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a regular expression/);
  const created = await request.post("/api/capture-recipes", {
    data: { id, service: "E2E", packages: "^e2e-never$", argv: ["true"], format: "none" },
  });
  expect(created.status()).toBe(201);
  expect(await created.json()).toMatchObject({ id, user: "root", builtIn: false, timeoutSeconds: 600 });
  expect(
    (
      await request.post("/api/capture-recipes", { data: { id, service: "E2E", packages: "^x$", argv: ["true"], format: "none" } })
    ).status(),
  ).toBe(409);
  expect((await request.delete("/api/capture-recipes/postgresql-dumpall")).status()).toBe(409);
  expect((await request.delete(`/api/capture-recipes/${id}`)).status()).toBe(204);
  expect((await request.delete(`/api/capture-recipes/${id}`)).status()).toBe(404);
  const refused = await request.post(`/api/engines/local/containers/${name}/archives`, { data: { quiesce: "freeze" } });
  expect(refused.status()).toBe(422);
  const plan = (await (await request.get(`/api/engines/local/containers/${name}/capture-plan`)).json()) as { recipes: { id: string }[] };
  expect(plan.recipes.map((recipe) => recipe.id)).toEqual(["postgresql-dumpall"]);
});
