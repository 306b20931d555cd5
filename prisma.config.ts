// Prisma 6.19 with its WebAssembly engines and the better-sqlite3 adapter: works offline
// (Prisma 7's CLI downloads a native engine, which cannot be fetched on many machines).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./lib/database-url";

// The schema reads env("DATABASE_URL"); without it the CLI falls back to the native engine.
process.env.DATABASE_URL ??= databaseUrl();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? databaseUrl() }),
});
