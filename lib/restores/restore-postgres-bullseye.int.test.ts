import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensurePostgresImage, POSTGRES_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { db } from "@/lib/db";

// Issue 15: a Debian 11 PostgreSQL 13 set up by its admin: a role `app` with a password, its database appdb with rows,
// pg_hba.conf letting app in from 127.0.0.1 with its password (md5) and nothing else from there, and
// `max_connections = 77` in postgresql.conf. Archived with the container stopped (the raw data directory), restored
// onto Debian 13 (PostgreSQL 17) with no hand edit: the old server, installed from the old release's repository in an
// extra stage, dumps the archived cluster; the dump is loaded into cluster 17/main, which takes the admin's settings.
// Before: cluster 13/main was "down,binaries_missing", 17/main empty: the role and the rows were gone.

const source = uniqueName("kura-it-postgres");
const restored = uniqueName("kura-it-postgres-restored");
const running = uniqueName("kura-it-postgres-running");
const restoredRunning = uniqueName("kura-it-postgres-running-restored");
const PASSWORD = "app-secret-77";
let archiveId = "";

const asPostgres = (sql: string) => `su postgres -c "psql -X -q -t -A -c \\"${sql}\\""`;
const SETUP = `
${asPostgres(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'`)}
su postgres -c "createdb -O app appdb"
PGPASSWORD='${PASSWORD}' psql -X -q -h 127.0.0.1 -U app appdb -c "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)"
PGPASSWORD='${PASSWORD}' psql -X -q -h 127.0.0.1 -U app appdb -c "INSERT INTO items (name) SELECT 'item ' || n FROM generate_series(1, 42) n"
sed -i 's/^max_connections = 100.*/max_connections = 77/' /etc/postgresql/13/main/postgresql.conf
grep -q '^max_connections = 77' /etc/postgresql/13/main/postgresql.conf
# Only app, only to appdb, from 127.0.0.1 with its password; everything else from there is rejected.
sed -i 's|^host *all *all *127.0.0.1/32.*|host appdb app 127.0.0.1/32 md5\\nhost all all 127.0.0.1/32 reject|' /etc/postgresql/13/main/pg_hba.conf
grep -q '^host appdb app 127.0.0.1/32 md5' /etc/postgresql/13/main/pg_hba.conf
service postgresql restart
`;

/** Waits for the server the container's command starts; starts it with its init script when it does not come up. */
const START = [
  "for i in $(seq 1 50); do pg_isready -q -h 127.0.0.1 && exit 0; sleep 0.2; done",
  "service postgresql start >/dev/null 2>&1 || true",
  "for i in $(seq 1 50); do pg_isready -q -h 127.0.0.1 && exit 0; sleep 0.2; done",
  "pg_lsclusters >&2",
  "exit 1",
].join("\n");
const COUNT = `PGPASSWORD='${PASSWORD}' psql -X -t -A -h 127.0.0.1 -U app appdb -c 'SELECT count(*) FROM items'`;
const MAX_CONNECTIONS = `PGPASSWORD='${PASSWORD}' psql -X -t -A -h 127.0.0.1 -U app appdb -c 'SHOW max_connections'`;
const CHECK = `set -e\n(${START})\n${COUNT}\n${MAX_CONNECTIONS}`;

/** A PostgreSQL 13 container set up as its admin left it, checked with the service's own client. */
function makeSource(name: string) {
  runContainer({ name, image: POSTGRES_TAG, command: ["sh", "-c", "service postgresql start && exec sleep infinity"] });
  runScript(name, START);
  runScript(name, SETUP);
  runScript(name, START);
  expect(runScript(name, COUNT)).toBe("42");
  expect(runScript(name, MAX_CONNECTIONS)).toBe("77");
  expect(tryScript(name, "PGPASSWORD=wrong psql -X -h 127.0.0.1 -U app appdb -c 'SELECT 1'").exitCode).not.toBe(0);
}

describe("a Debian 11 PostgreSQL 13 restored onto Debian 13 (PostgreSQL 17, issue 15)", () => {
  beforeAll(async () => {
    ensurePostgresImage(dockerHost());
    makeSource(source);
    // Archived stopped: the server shut down cleanly, then the container.
    runScript(source, "service postgresql stop");
    docker(["stop", "-t", "20", source]);
    archiveId = await archiveService(source, "postgres it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
    removeContainer(restoredRunning);
    removeContainer(running);
  });

  it("archived stopped: 17/main holds app's rows with its password, and max_connections is 77", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const started = tryScript(restored, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(restored, "pg_lsclusters -h").output).toMatch(/^17 +main +5432 +online/);
    expect.soft(tryScript(restored, COUNT).output).toBe("42");
    expect.soft(tryScript(restored, MAX_CONNECTIONS).output).toBe("77");
    // The admin's pg_hba.conf came with it: a wrong password is refused.
    expect.soft(tryScript(restored, "PGPASSWORD=wrong psql -X -h 127.0.0.1 -U app appdb -c 'SELECT 1'").exitCode).not.toBe(0);
    // Only 17/main is left: the old cluster's configuration would make the init script try 13.
    expect
      .soft(tryScript(restored, "ls /etc/postgresql/13 /var/lib/postgresql/13").output)
      .toBe("/etc/postgresql/13:\n\n/var/lib/postgresql/13:");
    // The plan said it, the build log shows it, and the restore and the audit list it; 13/main was never mapped raw onto 17.
    expect(restore.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-postgresql-major",
        data: "/var/lib/postgresql/13/main",
        fromVersion: expect.stringMatching(/^13\./),
        toVersion: expect.stringMatching(/^17\./),
        status: "planned",
      }),
    ]);
    expect(restore.pathMappings.filter((mapping) => mapping.from.includes("postgresql"))).toEqual([]);
    expect(restore.log).toMatch(/kura postgresql dump: wrote .*: 2 role\(s\), 1 database\(s\)/);
    expect(restore.log).toContain("kura postgresql load: carried max_connections = 77");
    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", detail: { contains: restore.id } } });
    expect(JSON.parse(event?.detail ?? "{}").conversions).toEqual([
      expect.stringMatching(/^planned: PostgreSQL cluster 13\/main \(postgresql-13 13\..* -> 17\./),
    ]);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_200_000);

  it("archived running while rows are written: the pg_dumpall capture is loaded into 17/main, no old-release stage; consistent rows, password and 77 hold", async () => {
    makeSource(running);
    // A writer that never stops while the archive runs: each transaction adds a ledger row and counts it in counter.
    // The restored database is consistent when the two agree (the dump's transaction boundary), not a torn copy.
    const app = `PGPASSWORD='${PASSWORD}' psql -X -q -h 127.0.0.1 -U app appdb`;
    runScript(
      running,
      `${app} -c "CREATE TABLE ledger (id serial PRIMARY KEY, amount int NOT NULL); CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)"`,
    );
    docker([
      "exec",
      "-d",
      running,
      "sh",
      "-c",
      `while true; do ${app} -c "BEGIN; INSERT INTO ledger (amount) VALUES (1); UPDATE counter SET n = n + 1; COMMIT;"; done`,
    ]);
    const CONSISTENT = `${app} -t -A -c "SELECT (SELECT count(*) FROM ledger) = (SELECT n FROM counter) AND (SELECT n FROM counter) > 0"`;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(runScript(running, `${app} -t -A -c "SELECT n > 0 FROM counter"`)).toBe("t");
    const runningArchive = await archiveService(running, "postgres it running");
    const { error, restore } = await restoreOntoTrixie(runningArchive, restoredRunning, CHECK);
    const started = tryScript(restoredRunning, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(restoredRunning, "pg_lsclusters -h").output).toMatch(/^17 +main +5432 +online/);
    expect.soft(tryScript(restoredRunning, COUNT).output).toBe("42");
    expect.soft(tryScript(restoredRunning, MAX_CONNECTIONS).output).toBe("77");
    expect.soft(tryScript(restoredRunning, CONSISTENT).output).toBe("t");
    expect.soft(tryScript(restoredRunning, "PGPASSWORD=wrong psql -X -h 127.0.0.1 -U app appdb -c 'SELECT 1'").exitCode).not.toBe(0);
    expect(restore.conversions).toEqual([
      expect.objectContaining({ id: "builtin-postgresql-major", status: "planned", method: expect.stringMatching(/pg_dumpall capture/) }),
    ]);
    // The capture made the old server's stage unneeded: nothing was installed from the old release.
    expect(restore.dockerfile).not.toContain("FROM debian:bullseye");
    expect(restore.dockerfile).toMatch(/COPY captures\/\S+ \/kura\/convert\/postgresql-13-main\.sql/);
    expect(restore.log).toContain("kura postgresql load: cluster 13/main is now cluster 17/main");
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_200_000);
});
