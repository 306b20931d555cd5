#!/usr/bin/env node
// `npm start`: install what is missing, generate the Prisma clients, migrate the database (SQLite by default,
// PostgreSQL when DATABASE_URL is postgresql://...), build when the sources changed, and serve on PORT (default 3000).
// Plain Node with no dependencies: it runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { databaseProvider, generateClients, migrateDatabase } from "./migrate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root);

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
env.KURA_DATA_DIR = path.resolve(env.KURA_DATA_DIR ?? "data");
mkdirSync(env.KURA_DATA_DIR, { recursive: true });
env.DATABASE_URL ??= `file:${path.join(env.KURA_DATA_DIR, "kura.db")}`;

function step(label, argv) {
  process.stdout.write(`[kura] ${label}\n`);
  const result = spawnSync(argv[0], argv.slice(1), { stdio: "inherit", env });
  if (result.status !== 0) {
    process.stderr.write(`[kura] ${label} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`[kura] Kura needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}

if (
  !existsSync("node_modules/.package-lock.json") ||
  statSync("package-lock.json").mtimeMs > statSync("node_modules/.package-lock.json").mtimeMs
) {
  // npm install (not ci): it honours the lock and also fills in optional platform packages.
  step("installing dependencies (npm install)", ["npm", "install", "--no-audit", "--no-fund"]);
}
// getfattr (Debian's attr package) lets detection read overlay's opaque folders and so skip waiting for the engine's
// diff (diff-from-layer-folder.ts). Optional: without it the engine's diff is used.
if (!existsSync("/usr/bin/getfattr") && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  process.stdout.write("[kura] installing attr (getfattr; optional, for faster detection)\n");
  spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "attr"], {
    stdio: "inherit",
    env: { ...env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
function databaseStep(label, action) {
  process.stdout.write(`[kura] ${label}\n`);
  try {
    action();
  } catch (error) {
    process.stderr.write(`[kura] ${label} failed: ${error.message}\n`);
    process.exit(1);
  }
}
// The URL without its password: it is printed.
const shownDatabase = env.DATABASE_URL.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, "$1:***@");
databaseStep("generating the database clients", () => generateClients({ env }));
databaseStep(
  `migrating the ${databaseProvider(env.DATABASE_URL) === "postgresql" ? "PostgreSQL" : "SQLite"} database (${shownDatabase})`,
  () => migrateDatabase({ env }),
);

// Rebuild only when a source file changed since the last build.
function fingerprint() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (name === "generated" || name === "node_modules") continue;
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else hash.update(`${full}:${stat.size}:${stat.mtimeMs}\n`);
    }
  };
  for (const dir of ["app", "components", "lib", "public"]) if (existsSync(dir)) walk(dir);
  for (const file of ["package-lock.json", "next.config.js", "tsconfig.json", "postcss.config.mjs"])
    if (existsSync(file)) hash.update(readFileSync(file));
  return hash.digest("hex");
}
const stamp = path.join(".next", "kura-build-fingerprint");
const current = fingerprint();
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== current) {
  step("building the dashboard (next build)", ["npx", "next", "build"]);
  writeFileSync(stamp, current);
}

const port = env.PORT ?? "3000";
process.stdout.write(`[kura] serving on http://localhost:${port} (engine: ${env.DOCKER_HOST ?? "local socket"})\n`);
const server = spawnSync("npx", ["next", "start", "-p", port, ...(env.HOSTNAME ? ["-H", env.HOSTNAME] : [])], { stdio: "inherit", env });
process.exit(server.status ?? 0);
