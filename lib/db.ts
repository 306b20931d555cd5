import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

// One client per process; kept on globalThis so dev hot reload does not open new connections.
const globalForPrisma = globalThis as unknown as { kuraPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaBetterSQLite3({ url: env.DATABASE_URL });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = globalForPrisma.kuraPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.kuraPrisma = db;
