import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { databaseProvider } from "@/lib/database-url";

// Issue 16: prisma/postgresql/migrations must build exactly prisma/postgresql/schema.prisma (itself written from the
// SQLite schema), or a schema change went into one folder and not the other. Prisma checks it on a shadow database
// (lib/pg-migrate-adapter.ts makes one on the test cluster), so it runs in the PostgreSQL run only; the SQLite
// adapter has no shadow database in Prisma 6.
const onPostgres = databaseProvider(process.env.DATABASE_URL ?? "") === "postgresql";

function migrateDiff(schema: string) {
  return spawnSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-migrations", "prisma/postgresql/migrations", "--to-schema-datamodel", schema, "--exit-code"],
    { encoding: "utf8" },
  );
}

describe.skipIf(!onPostgres)("the PostgreSQL migrations", () => {
  it("build exactly the PostgreSQL schema", () => {
    const result = migrateDiff("prisma/postgresql/schema.prisma");
    expect(result.stdout + result.stderr).toContain("No difference detected");
    expect(result.status).toBe(0);
  });
});
