import { defineConfig } from "@playwright/test";

// Run through `npm test`, which starts the engines and builds the app first. Debian's Chromium:
// Playwright cannot download its own browser here.
const port = Number(process.env.KURA_TEST_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e/specs",
  outputDir: "e2e/.artifacts/playwright",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "e2e/.artifacts/playwright.json" }]],
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    { name: "chromium", dependencies: ["setup"], testMatch: /\.spec\.ts$/, use: { storageState: "e2e/.artifacts/admin-state.json" } },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    // KURA_SCREENSHOTS=on keeps a screenshot of every test's page (for reviewing pages), otherwise only of failures.
    screenshot: process.env.KURA_SCREENSHOTS === "on" ? "on" : "only-on-failure",
    launchOptions: {
      executablePath: process.env.KURA_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `npx next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
