import { mkdirSync } from "node:fs";
import path from "node:path";

/**
 * The metadata database: DATABASE_URL (a SQLite file: URL, or postgresql://... for PostgreSQL) or the SQLite file
 * <KURA_DATA_DIR>/kura.db, default ./data/kura.db. Creates the folder so a fresh checkout works. Shared by
 * prisma.config.ts and lib/db.ts.
 */
export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.env.KURA_DATA_DIR ?? "data");
  mkdirSync(dataDir, { recursive: true });
  return `file:${path.join(dataDir, "kura.db")}`;
}

export type DatabaseProvider = "sqlite" | "postgresql";

/** Which database a DATABASE_URL names (lib/cli/migrate.mjs applies the same rule). */
export function databaseProvider(url: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}
