import { mkdirSync } from "node:fs";
import path from "node:path";

/**
 * The SQLite file: DATABASE_URL (file:...) or <KURA_DATA_DIR>/kura.db, default ./data/kura.db.
 * Creates the folder so a fresh checkout works. Shared by prisma.config.ts and lib/db.ts.
 */
export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.env.KURA_DATA_DIR ?? "data");
  mkdirSync(dataDir, { recursive: true });
  return `file:${path.join(dataDir, "kura.db")}`;
}
