import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { processSingleton } from "@/lib/process-singleton";

// One client per process (see process-singleton.ts).
function createClient(): PrismaClient {
  const adapter = new PrismaBetterSQLite3({ url: env.DATABASE_URL });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = processSingleton("prisma", createClient);
