// A real PostgreSQL on the host for the integration tests' second run (issue 16): Debian's `postgresql` package
// (installed when missing), a throwaway cluster in KURA_TEST_PG_DIR (default /tmp/kura-test-pg) listening on
// 127.0.0.1 only, on 55432 or the next free port (never 5432: restore builds on the host network install
// postgresql, whose new cluster would take 5433 if 5432 were taken). Reused when it already runs (fast); stopped at the end only when
// this run started it, like the engines. Durability is off: the cluster is thrown away. Plain Node, argv only.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, chownSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { aptInstall, isRootOnDebian, log, readPid, run } from "./sh.mjs";

const ROOT = process.env.KURA_TEST_PG_DIR ?? "/tmp/kura-test-pg";
const DATA_DIR = path.join(ROOT, "data");
const SOCKET_DIR = path.join(ROOT, "run");
const LOG_FILE = path.join(ROOT, "postgres.log");
// A throwaway cluster on loopback: not a secret.
export const PG_TEST_USER = "kura";
const PG_TEST_PASSWORD = "kura-test-pg-7";

function binDir() {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((name) => existsSync(path.join(base, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

function ensureInstalled() {
  if (binDir()) return binDir();
  aptInstall(["postgresql"]);
  const dir = binDir();
  if (!dir) throw new Error("apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found");
  return dir;
}

// initdb and postgres refuse to run as root: as root they run as Debian's `postgres` user.
function asServerUser(argv, options = {}) {
  const wrapped = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
  return run(wrapped, { quiet: true, ...options });
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The port of the cluster running on DATA_DIR (postmaster.pid's fourth line), or null when none runs. */
function runningPort() {
  const pidFile = path.join(DATA_DIR, "postmaster.pid");
  const pid = readPid(pidFile);
  if (!pid) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const port = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[3] ?? "", 10);
  return Number.isFinite(port) ? port : null;
}

function psql(bin, port, sql, database = "postgres") {
  return run(
    [
      path.join(bin, "psql"),
      "-X",
      "-q",
      "-t",
      "-A",
      "-v",
      "ON_ERROR_STOP=1",
      "-h",
      SOCKET_DIR,
      "-p",
      String(port),
      "-U",
      "postgres",
      "-d",
      database,
      "-c",
      sql,
    ],
    {
      quiet: true,
    },
  ).trim();
}

/**
 * Make sure the test cluster runs and holds an empty database `database` (a name of letters, digits and _) owned
 * by the test user.
 * Returns { url, port, started, bin } (started: this call started the server, so cleanUp stops it).
 */
export async function ensurePostgres({ database = "kura_integration" } = {}) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`not a database name for the tests: ${database}`);
  if (!isRootOnDebian() && !binDir()) throw new Error("no PostgreSQL: install Debian's postgresql package");
  const bin = ensureInstalled();
  let port = runningPort();
  let started = false;
  if (!port) {
    mkdirSync(SOCKET_DIR, { recursive: true });
    if (process.getuid?.() === 0) for (const dir of [ROOT, SOCKET_DIR]) chownSync(dir, ...postgresIds());
    if (!existsSync(path.join(DATA_DIR, "PG_VERSION"))) {
      rmSync(DATA_DIR, { recursive: true, force: true });
      log(`initdb ${DATA_DIR} (a throwaway PostgreSQL cluster for the integration tests)`);
      asServerUser([
        path.join(bin, "initdb"),
        "-D",
        DATA_DIR,
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
      ]);
    }
    port = 55432;
    while (!(await portFree(port))) port += 1;
    const options = [
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${SOCKET_DIR}`,
      // Throwaway data: no need to survive a crash, so skip the disk flushes.
      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
    ].join(" ");
    asServerUser([path.join(bin, "pg_ctl"), "-D", DATA_DIR, "-l", LOG_FILE, "-o", options, "-w", "-t", "60", "start"]);
    started = true;
    log(`PostgreSQL ${path.basename(path.dirname(bin))} started on 127.0.0.1:${port} (${DATA_DIR})`);
  }
  const role = psql(bin, port, `SELECT 1 FROM pg_roles WHERE rolname = '${PG_TEST_USER}'`);
  if (!role) psql(bin, port, `CREATE ROLE ${PG_TEST_USER} LOGIN CREATEDB PASSWORD '${PG_TEST_PASSWORD}'`);
  // A fresh database each run, like the SQLite file the first run gets.
  psql(bin, port, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  psql(bin, port, `CREATE DATABASE ${database} OWNER ${PG_TEST_USER}`);
  const url = `postgresql://${PG_TEST_USER}:${PG_TEST_PASSWORD}@127.0.0.1:${port}/${database}`;
  return { url, port, started, bin, database };
}

function postgresIds() {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  if (!line) throw new Error("Debian's postgresql package did not create the postgres user");
  const [, , uid, gid] = line.split(":");
  return [Number(uid), Number(gid)];
}

/** Rows of `table` in the test database (the check that the PostgreSQL run really wrote there). */
export function countRows(postgres, table) {
  return Number(psql(postgres.bin, postgres.port, `SELECT count(*) FROM "${table}"`, postgres.database));
}

/** Drop this run's database, and stop the cluster when this run started it. */
export function stopPostgres(postgres) {
  if (!postgres) return;
  try {
    psql(postgres.bin, postgres.port, `DROP DATABASE IF EXISTS ${postgres.database} WITH (FORCE)`);
  } catch (error) {
    log(`could not drop the test database ${postgres.database}: ${error.message}`);
  }
  if (!postgres.started) return;
  try {
    asServerUser([path.join(postgres.bin, "pg_ctl"), "-D", DATA_DIR, "-m", "fast", "-w", "stop"]);
  } catch (error) {
    log(`could not stop PostgreSQL: ${error.message}`);
  }
}
