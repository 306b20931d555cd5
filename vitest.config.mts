import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests sit beside pure modules (*.test.ts); integration tests (*.int.test.ts) run against
// the real Docker engine and a real SQLite file prepared by e2e/harness/run-tests.mjs.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "components/**/*.test.ts"], exclude: ["**/*.int.test.ts", "node_modules/**"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
