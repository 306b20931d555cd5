import { readFileSync } from "node:fs";
import { expect, test } from "../fixtures/test";
import { startPrivateEngine } from "../harness/engine.mjs";
import { BUSYBOX, docker, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// Two engines: add the second from the UI, see its containers, then lose it.
const socket = process.env.KURA_TEST_ENGINE2_SOCKET ?? "/tmp/kura-e2/docker.sock";
const host2 = `unix://${socket}`;
const remoteName = uniqueName("kura-e2e-remote");
const localName = uniqueName("kura-e2e-local");
const engineName = uniqueName("second");

test.beforeAll(() => {
  runContainer({ name: remoteName, image: BUSYBOX, host: host2, command: ["sleep", "3600"] });
  runContainer({ name: localName, image: BUSYBOX, command: ["sleep", "3600"] });
});

test.afterAll(async () => {
  // Bring the second engine back for whatever runs next, then clean up.
  await startPrivateEngine({ root: "/tmp/kura-e2", dataRoot: "/tmp/kura-e2/data" });
  removeContainer(remoteName, host2);
  removeContainer(localName);
});

test("add a second engine in the UI, see its containers, and survive it going away", async ({ page, request }) => {
  await page.goto("/engines");
  const form = page.getByRole("form", { name: "Add an engine" });
  await form.getByLabel("Name").fill(engineName);
  await form.getByLabel("Endpoint").fill(host2);
  await form.getByRole("button", { name: "Add engine" }).click();
  const engineRow = page.locator(`[data-testid=engine-row][data-name="${engineName}"]`);
  await expect(engineRow.getByTestId("engine-status")).toContainText("reachable");

  await page.goto("/containers");
  const remoteRow = page.locator(`[data-testid=container-row][data-name="${remoteName}"]`);
  await expect(remoteRow.getByTestId("container-engine")).toHaveText(engineName);
  await expect(page.locator(`[data-testid=container-row][data-name="${localName}"]`).getByTestId("container-engine")).toHaveText("local");

  // Stop the second engine: its pid file is where the harness started it.
  const pid = Number(readFileSync("/tmp/kura-e2/docker.pid", "utf8").trim());
  process.kill(pid, "SIGTERM");
  await expect
    .poll(
      () => {
        try {
          docker(["info"], host2);
          return "up";
        } catch {
          return "down";
        }
      },
      { timeout: 30_000 },
    )
    .toBe("down");

  await expect(page.getByTestId("engine-unreachable").filter({ hasText: engineName })).toBeVisible({ timeout: 20_000 });
  await expect(remoteRow).toHaveCount(0);
  await expect(page.locator(`[data-testid=container-row][data-name="${localName}"]`)).toBeVisible();

  const engines = await (await request.get("/api/engines")).json();
  const second = engines.find((engine: { name: string }) => engine.name === engineName);
  expect(second).toMatchObject({ reachable: false });
  expect(second.error).toBeTruthy();
});
