import { describe, expect, it } from "vitest";
import { databaseProvider } from "./database-url";
import { databaseProvider as migrateProvider } from "./cli/migrate.mjs";

describe("databaseProvider (issue 16)", () => {
  const cases: [string, "sqlite" | "postgresql"][] = [
    ["file:/var/lib/kura/kura.db", "sqlite"],
    ["file:./data/kura.db", "sqlite"],
    ["postgresql://kura:secret@127.0.0.1:5432/kura", "postgresql"],
    ["postgres://kura@db.example/kura?sslmode=require", "postgresql"],
    ["POSTGRESQL://kura@host/kura", "postgresql"],
    ["file:postgresql.db", "sqlite"],
  ];

  it.each(cases)("%s is %s, in lib/db.ts and in the migrate helper alike", (url, provider) => {
    expect(databaseProvider(url)).toBe(provider);
    expect(migrateProvider(url)).toBe(provider);
  });
});
