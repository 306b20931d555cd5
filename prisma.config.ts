// Prisma 6.19 with its WebAssembly engines and a driver adapter: works offline (Prisma 7's CLI downloads a native
// engine, which cannot be fetched on many machines). DATABASE_URL picks the database (issue 16): a SQLite file:
// URL (the default) uses prisma/schema.prisma and prisma/migrations; postgresql://... uses
// prisma/postgresql/schema.prisma (written from the SQLite one) and prisma/postgresql/migrations.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseProvider, databaseUrl } from "./lib/database-url";
import { pgMigrateAdapter } from "./lib/pg-migrate-adapter";

// The schema reads env("DATABASE_URL"); without it the CLI falls back to the native engine.
process.env.DATABASE_URL ??= databaseUrl();
const url = process.env.DATABASE_URL;
const postgres = databaseProvider(url) === "postgresql";
const folder = postgres ? path.join("prisma", "postgresql") : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(folder, "schema.prisma"),
  migrations: { path: path.join(folder, "migrations") },
  adapter: async () => (postgres ? pgMigrateAdapter(url) : new PrismaBetterSQLite3({ url })),
});
