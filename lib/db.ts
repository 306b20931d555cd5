import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-postgresql/client";
import { databaseProvider } from "@/lib/database-url";
import { env } from "@/lib/env";
import { processSingleton } from "@/lib/process-singleton";

// One client per process (see process-singleton.ts). DATABASE_URL picks the database (issue 16): a SQLite file, or
// PostgreSQL (postgresql:// or postgres://) through its own generated client.
function createClient(): PrismaClient {
  if (databaseProvider(env.DATABASE_URL) === "postgresql") {
    const adapter = new PrismaPg({ connectionString: env.DATABASE_URL });
    // The same models and fields: prisma/postgresql/schema.prisma is written from prisma/schema.prisma
    // (lib/cli/postgres-schema.mjs, checked by its test), so the SQLite client's type describes this one too.
    return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  const adapter = new PrismaBetterSQLite3({ url: env.DATABASE_URL });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = processSingleton("prisma", createClient);
