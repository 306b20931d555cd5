// The database steps `npm start` and the test harness share (issue 16): generate both Prisma clients (SQLite and
// PostgreSQL: lib/db.ts imports both) and apply the migrations of the database DATABASE_URL names. prisma.config.ts
// picks the schema, migrations folder and adapter from DATABASE_URL. Plain Node with no dependencies.
import { spawnSync } from "node:child_process";

/** Which database a DATABASE_URL names (the rule of lib/database-url.ts's databaseProvider). */
export function databaseProvider(url) {
  return /^postgres(ql)?:\/\//i.test(url ?? "") ? "postgresql" : "sqlite";
}

function prisma(args, env, quiet) {
  const result = spawnSync("npx", ["prisma", ...args], { stdio: quiet ? "pipe" : "inherit", env });
  if (result.status !== 0) {
    const detail = quiet ? `\n${result.stdout?.toString() ?? ""}${result.stderr?.toString() ?? ""}` : "";
    throw new Error(`prisma ${args.join(" ")} exited with ${result.status ?? result.signal}${detail}`);
  }
}

/**
 * Generate both clients. The CLI takes the schema from prisma.config.ts, so each is generated with a URL of its kind
 * (generating connects to nothing).
 */
export function generateClients({ env = process.env, quiet = false } = {}) {
  prisma(["generate"], { ...env, DATABASE_URL: "file:./generate-only.db" }, quiet);
  prisma(["generate"], { ...env, DATABASE_URL: "postgresql://generate-only@localhost/kura" }, quiet);
}

/** `prisma migrate deploy` on env.DATABASE_URL: prisma/migrations for SQLite, prisma/postgresql/migrations for PostgreSQL. */
export function migrateDatabase({ env = process.env, quiet = false } = {}) {
  prisma(["migrate", "deploy"], env, quiet);
}
