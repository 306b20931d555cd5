import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseProvider } from "@/lib/database-url";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

// Issue 16: the harness runs the integration tests on SQLite and again on PostgreSQL. This checks that a row the app
// writes lands in the database DATABASE_URL names, read back with that database's own driver, not through Prisma.
async function countRuleSets(name: string): Promise<number> {
  if (databaseProvider(env.DATABASE_URL) === "postgresql") {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const result = await client.query<{ count: string }>('SELECT count(*) FROM "RuleSet" WHERE name = $1', [name]);
      return Number(result.rows[0]?.count);
    } finally {
      await client.end();
    }
  }
  const file = new Database(env.DATABASE_URL.replace(/^file:/, ""), { readonly: true, fileMustExist: true });
  try {
    return (file.prepare('SELECT count(*) AS count FROM "RuleSet" WHERE name = ?').get(name) as { count: number }).count;
  } finally {
    file.close();
  }
}

describe(`the metadata database (${databaseProvider(env.DATABASE_URL)})`, () => {
  const name = `db-check-${randomUUID()}`;
  afterAll(async () => {
    await db.ruleSet.deleteMany({ where: { name } });
  });

  it("writes the app's rows to the database DATABASE_URL names", async () => {
    await db.ruleSet.create({ data: { name, rules: "[]" } });
    expect(await countRuleSets(name)).toBe(1);
  });

  it("keeps names as written (case-sensitive equality, like SQLite's default) and dates to the millisecond", async () => {
    const at = new Date("2026-12-03T10:11:12.345Z");
    const created = await db.ruleSet.create({ data: { name: `${name}-Case`, rules: "[]", createdAt: at } });
    try {
      expect(await db.ruleSet.findUnique({ where: { name: `${name}-case` } })).toBeNull();
      const found = await db.ruleSet.findUnique({ where: { name: `${name}-Case` } });
      expect(found?.createdAt.toISOString()).toBe(at.toISOString());
    } finally {
      await db.ruleSet.delete({ where: { id: created.id } });
    }
  });
});
