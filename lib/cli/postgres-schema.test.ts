import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchemaFrom } from "./postgres-schema.mjs";

// The models of a schema's text: each model's name with its field lines, comments and blank lines left out.
function models(schema: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const match of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    found[match[1]!] = match[2]!
      .split("\n")
      .map((line) => line.trim().replace(/\s+/g, " "))
      .filter((line) => line !== "" && !line.startsWith("//"));
  }
  return found;
}

describe("the PostgreSQL schema (issue 16)", () => {
  const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
  const postgres = readFileSync(POSTGRES_SCHEMA, "utf8");

  it("is what lib/cli/postgres-schema.mjs writes from prisma/schema.prisma (rerun it after changing that file)", () => {
    expect(postgres).toBe(postgresSchemaFrom(sqlite));
  });

  it("holds the same models with the same fields as the SQLite schema", () => {
    const sqliteModels = models(sqlite);
    expect(Object.keys(sqliteModels).length).toBeGreaterThan(10);
    expect(models(postgres)).toEqual(sqliteModels);
  });

  it("differs only in the provider and the generated client's folder", () => {
    expect(postgres).toMatch(/datasource db \{\n\s+provider = "postgresql"/);
    expect(postgres).toContain('output     = "../../lib/generated/prisma-postgresql"');
    expect(postgresSchemaFrom(sqlite.replace("model Engine {", "model Engine {\n  extra String?"))).toContain("extra String?");
  });
});
