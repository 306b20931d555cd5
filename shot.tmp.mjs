import { spawn, spawnSync } from "node:child_process";
import { chromium } from "@playwright/test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
const dir = "/tmp/kura-shot";
rmSync(dir, { recursive: true, force: true });
mkdirSync(`${dir}/data`, { recursive: true });
writeFileSync(`${dir}/key`, "a passphrase for the screenshot store, long enough\n", { mode: 0o600 });
const env = { ...process.env, KURA_DATA_DIR: `${dir}/data`, DATABASE_URL: `file:${dir}/kura.db`, KURA_STORE_KEY_FILE: `${dir}/key`, KURA_ADMIN_PASSWORD: "screenshot-admin-pw", KURA_ADMIN_NAME: "admin" };
spawnSync("npx", ["prisma", "migrate", "deploy"], { env, stdio: "ignore" });
const server = spawn("npx", ["next", "start", "-p", "3233", "-H", "127.0.0.1"], { env, stdio: "ignore", detached: true });
try {
  for (let i = 0; i < 60; i++) { try { if ((await fetch("http://127.0.0.1:3233/api/health")).ok) break; } catch {} await new Promise((r) => setTimeout(r, 500)); }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto("http://127.0.0.1:3233/sign-in");
  await page.getByLabel("Name", { exact: true }).fill("admin");
  await page.getByLabel("Password", { exact: true }).fill("screenshot-admin-pw");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("http://127.0.0.1:3233/");
  await page.waitForTimeout(2500);
  await page.screenshot({ path: "/tmp/kura-shot/overview.png", fullPage: true });
  console.log(await page.locator("body").innerText().then((t) => t.split("\n").filter((l) => /ncrypt/.test(l)).join(" | ")));
  await browser.close();
} finally {
  process.kill(-server.pid, "SIGTERM");
}
