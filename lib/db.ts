import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient, type Prisma as PostgresPrisma } from "@/lib/generated/prisma-postgresql/client";
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

// Checked by tsc: every model's rows have the same fields and types in both clients (the cast above relies on it).
type ModelRows<Models extends Record<string, { payload: { scalars: unknown } }>> = {
  [Name in keyof Models]: Models[Name]["payload"]["scalars"];
};
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<Check extends true> = Check;
export type ClientsHoldTheSameRows = Holds<SameType<ModelRows<Prisma.TypeMap["model"]>, ModelRows<PostgresPrisma.TypeMap["model"]>>>;

export const db: PrismaClient = processSingleton("prisma", createClient);
