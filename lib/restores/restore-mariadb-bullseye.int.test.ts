import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensureMariadbImage, MARIADB_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { readManifest } from "@/lib/archives/archive-registry";
import { listMigrationRules, updateMigrationRule } from "@/lib/restores/migration-rule-store";

// Issue 15: a Debian 11 MariaDB 10.5 set up by its admin: a database with rows, a user with a password allowed from
// 127.0.0.1, and `max_connections = 80` in /etc/mysql/mariadb.conf.d/50-server.cnf. Archived stopped (the complete
// data directory), restored onto Debian 13 (MariaDB 11.8) with no hand edit: the archived directory replaces the fresh
// one and mariadb-upgrade runs in the build; the user reads its rows from 127.0.0.1 and the setting holds.
// Before: the archived files were laid over 11.8's fresh directory and nothing upgraded them (garbled accounts:
// "Host '127.0.0.1' is not allowed", a system table's tablespace id mismatch).
// Then archived running (the default: live, with the mariadb-dump capture) with builtin-mariadb-upgrade switched off
// through the rule store the UI uses: the capture is loaded into a fresh 11.8 data directory (builtin-mariadb-dump-load),
// the archived raw directory is not used. Before builtin-mariadb-dump-load: not converted, the raw 10.5 files laid over
// the fresh directory (the user could not log in).

const source = uniqueName("kura-it-mariadb");
const restored = uniqueName("kura-it-mariadb-restored");
const loaded = uniqueName("kura-it-mariadb-loaded");
const IN_PLACE = "builtin-mariadb-upgrade";
const PASSWORD = "shop-secret-80";
let archiveId = "";

const SETUP = `
mariadb -e "CREATE DATABASE shop"
mariadb -e "CREATE USER 'shopper'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'"
mariadb -e "GRANT ALL PRIVILEGES ON shop.* TO 'shopper'@'127.0.0.1'"
mariadb shop -e "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB"
mariadb shop -e "INSERT INTO items (name) SELECT CONCAT('item ', seq) FROM seq_1_to_37"
mariadb shop -e "CREATE FUNCTION item_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM items)"
sed -i 's/^#max_connections .*/max_connections        = 80/' /etc/mysql/mariadb.conf.d/50-server.cnf
grep -q '^max_connections *= 80' /etc/mysql/mariadb.conf.d/50-server.cnf
service mariadb restart >/dev/null
`;

/** Waits for the server the container's command starts; starts it with its init script when it does not come up. */
const START = [
  "for i in $(seq 1 50); do mariadb-admin ping >/dev/null 2>&1 && exit 0; sleep 0.2; done",
  "service mariadb start >/dev/null 2>&1 || true",
  "for i in $(seq 1 100); do mariadb-admin ping >/dev/null 2>&1 && exit 0; sleep 0.2; done",
  "tail -n 20 /var/log/mysql/error.log >&2 2>/dev/null || true",
  "exit 1",
].join("\n");
const client = (sql: string) => `mariadb -h 127.0.0.1 -u shopper -p'${PASSWORD}' -N -B shop -e '${sql}'`;
const COUNT = client("SELECT count(*) FROM items");
const MAX_CONNECTIONS = client("SELECT @@max_connections");
const ROUTINE = client("SELECT item_count()");
const CHECK = `set -e\n(${START})\n${COUNT}\n${MAX_CONNECTIONS}`;

describe("a Debian 11 MariaDB 10.5 restored onto Debian 13 (MariaDB 11.8, issue 15)", () => {
  beforeAll(async () => {
    ensureMariadbImage(dockerHost());
    runContainer({ name: source, image: MARIADB_TAG, command: ["sh", "-c", "service mariadb start; exec sleep infinity"] });
    runScript(source, START);
    runScript(source, SETUP);
    runScript(source, START);
    // The scenario works on the original.
    expect(runScript(source, COUNT)).toBe("37");
    expect(runScript(source, MAX_CONNECTIONS)).toBe("80");
    // Archived stopped: the server shut down cleanly, then the container.
    runScript(source, "service mariadb stop >/dev/null");
    docker(["stop", "-t", "5", source]);
    archiveId = await archiveService(source, "mariadb it");
  }, 600_000);

  afterAll(async () => {
    const inPlace = (await listMigrationRules()).find((rule) => rule.id === IN_PLACE);
    if (inPlace && !inPlace.enabled) await updateMigrationRule(IN_PLACE, { ...inPlace, enabled: true }, "tester");
    removeContainer(loaded);
    removeContainer(restored);
    removeContainer(source);
  });

  it("archived stopped: the user reads its rows from 127.0.0.1 with its password, and max_connections is 80", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const started = tryScript(restored, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(restored, "mariadb -N -B -e 'SELECT VERSION()'").output).toMatch(/^11\.8\./);
    expect.soft(tryScript(restored, COUNT).output).toBe("37");
    expect.soft(tryScript(restored, MAX_CONNECTIONS).output).toBe("80");
    // The account kept its password: a wrong one is refused.
    expect.soft(tryScript(restored, "mariadb -h 127.0.0.1 -u shopper -pwrong shop -e 'SELECT 1'").exitCode).not.toBe(0);
    expect(restore.log).toMatch(/kura mariadb upgrade: upgraded/);
    expect(restore.conversions).toEqual([
      expect.objectContaining({ id: "builtin-mariadb-upgrade", status: "planned", fromVersion: expect.stringMatching(/^1:10\.5\./) }),
    ]);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_200_000);

  it("archived running with the in-place upgrade switched off: the capture is loaded into a fresh 11.8 directory", async () => {
    docker(["start", source]);
    runScript(source, START);
    expect(runScript(source, COUNT)).toBe("37");
    // The default archive of a running container: live, with the capture recipes (mariadb-dump) run first.
    const runningId = await archiveService(source, "mariadb it running");
    const manifest = await readManifest(runningId);
    expect(manifest?.captures).toEqual([expect.objectContaining({ recipe: "mariadb-dump", name: expect.any(String) })]);
    const inPlace = (await listMigrationRules()).find((rule) => rule.id === IN_PLACE);
    if (!inPlace) throw new Error(`no migration rule ${IN_PLACE}`);
    await updateMigrationRule(IN_PLACE, { ...inPlace, enabled: false }, "tester");

    const { error, restore } = await restoreOntoTrixie(runningId, loaded, `${CHECK}\n${ROUTINE}`);
    const started = tryScript(loaded, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(loaded, "mariadb -N -B -e 'SELECT VERSION()'").output).toMatch(/^11\.8\./);
    expect.soft(tryScript(loaded, COUNT).output).toBe("37");
    expect.soft(tryScript(loaded, MAX_CONNECTIONS).output).toBe("80");
    // The routine came with the dump (--routines), and runs as its definer, root@localhost, an account of the dump.
    expect.soft(tryScript(loaded, ROUTINE).output).toBe("37");
    expect.soft(tryScript(loaded, "mariadb -h 127.0.0.1 -u shopper -pwrong shop -e 'SELECT 1'").exitCode).not.toBe(0);
    // The dump is gone from the image once loaded.
    expect.soft(tryScript(loaded, "test ! -e /kura/convert/mariadb-dump.sql").exitCode).toBe(0);
    expect(restore.log).toMatch(/kura mariadb dump-load: loaded: 1 database\(s\)/);
    expect(restore.log).not.toMatch(/kura mariadb upgrade:/);
    expect(restore.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-mariadb-dump-load",
        status: "planned",
        fromVersion: expect.stringMatching(/^1:10\.5\./),
        method: expect.stringMatching(/builtin-mariadb-upgrade is switched off/),
      }),
    ]);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_500_000);
});
