import { writeFileSync } from "node:fs";
import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, ADMIN_TOKEN_FILE } from "../fixtures/test";

// Runs before every other spec: signs in as the admin that KURA_ADMIN_PASSWORD created at start,
// saves the browser session for the specs, and makes an API token for their API calls.
setup("sign in as the admin", async ({ page }) => {
  const name = process.env.KURA_ADMIN_NAME ?? "admin";
  const password = process.env.KURA_ADMIN_PASSWORD;
  if (!password) throw new Error("KURA_ADMIN_PASSWORD is not set: run the tests through `npm test`.");
  const signIn = await page.request.post("/api/auth/sign-in", { data: { name, password } });
  expect(signIn.status()).toBe(200);
  const token = await page.request.post("/api/tokens", {
    data: { name: "e2e specs" },
    headers: { origin: new URL(setup.info().project.use.baseURL ?? "http://127.0.0.1").origin },
  });
  expect(token.status(), await token.text()).toBe(201);
  writeFileSync(ADMIN_TOKEN_FILE, ((await token.json()) as { token: string }).token);
  await page.context().storageState({ path: ADMIN_STATE });
});
