import { expect, test } from "../fixtures/test";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";

// A rule pattern is user input: "*?*?*?*?*?*?*?*?*?*?%" previewed on a container holding one 49-character
// file name held the server for 37 s (a backtracking regex), and /api/health waited with it.

const name = uniqueName("kura-e2e-redos");

test.beforeAll(() => {
  runContainer({ name, image: BUSYBOX });
  exec(name, ["sh", "-c", `mkdir -p /srv && echo x > /srv/${"a".repeat(49)}`]);
});
test.afterAll(() => removeContainer(name));

test("the ReDoS pattern's preview answers in under a second while the health check answers meanwhile", async ({ request }) => {
  // Warm up: the first detection of a container pays for the engine's diff.
  expect((await request.get(`/api/engines/local/containers/${name}/changes?packageChecks=false`)).status()).toBe(200);
  const rules = [{ pattern: "*?*?*?*?*?*?*?*?*?*?%", action: "exclude", note: "" }];
  const started = Date.now();
  const preview = request
    .post("/api/rule-sets/default/preview", { data: { engineId: "local", containerRef: name, rules } })
    .then((response) => ({ response, ms: Date.now() - started }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const healthStarted = Date.now();
  const health = await request.get("/api/health");
  const healthMs = Date.now() - healthStarted;
  const { response, ms } = await preview;
  expect(response.status()).toBe(200);
  expect(((await response.json()) as { rules: { matched: number }[] }).rules[0]?.matched).toBe(0);
  expect(health.status()).toBe(200);
  expect(ms).toBeLessThan(1_000);
  expect(healthMs).toBeLessThan(1_000);
});
