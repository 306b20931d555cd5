import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { runScript } from "@/e2e/fixtures/release-jump";
import {
  ensureMariadbImage,
  ensurePostgresImage,
  ensureRedisImage,
  ensureSlapdImage,
  MARIADB_TAG,
  POSTGRES_TAG,
  REDIS_TAG,
  SLAPD_ADMIN_PASSWORD,
  SLAPD_TAG,
} from "@/e2e/harness/bullseye-images.mjs";
import { readManifest } from "@/lib/archives/archive-registry";
import type { Capture } from "@/lib/archives/manifest";
import { store } from "@/lib/store/store";
import { waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";

// Issue 15, consistent capture: a running database archived with its capture recipe holds the service's own dump (made
// inside the container, as the cluster's owner), listed in the manifest with the server's version.

const START_PG = ["sh", "-c", "service postgresql start && exec sleep infinity"];
const START_MARIADB = ["sh", "-c", "service mariadb start; exec sleep infinity"];
const START_SLAPD = ["sh", "-c", "service slapd start && exec sleep infinity"];

export async function readBlobText(sha: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function archive(container: string, options: { quiesce?: "live" | "pause" | "stop" } = {}) {
  const started = await startArchive({ engineId: "local", containerRef: container, name: "capture it", actor: "tester", ...options });
  const job = await waitForJob(started.jobId, 600_000);
  expect(job.error).toBeNull();
  const manifest = await readManifest(started.archiveId);
  if (!manifest) throw new Error("no manifest");
  return { manifest, job, archiveId: started.archiveId };
}

function only(captures: Capture[] | undefined, recipe: string): Capture {
  const found = (captures ?? []).filter((capture) => capture.recipe === recipe);
  expect(found.map((capture) => capture.recipe)).toEqual([recipe]);
  return found[0]!;
}

describe("capture recipes at archive time (real services)", () => {
  const names: string[] = [];
  const start = (image: string, command: string[], prefix: string) => {
    const name = uniqueName(prefix);
    names.push(name);
    runContainer({ name, image, command });
    return name;
  };
  beforeAll(() => {
    ensurePostgresImage(dockerHost());
    ensureMariadbImage(dockerHost());
    ensureSlapdImage(dockerHost());
    ensureRedisImage(dockerHost());
  }, 900_000);
  afterAll(() => names.forEach((name) => removeContainer(name)));

  it("PostgreSQL 13: pg_dumpall as postgres holds the role, the database and its rows; serverVersion says 13", async () => {
    const pg = start(POSTGRES_TAG, START_PG, "kura-it-capture-pg");
    runScript(pg, "for i in $(seq 1 100); do pg_isready -q && break; sleep 0.2; done; pg_isready");
    runScript(
      pg,
      `su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
CREATE ROLE app LOGIN PASSWORD 'app-secret-1';
CREATE DATABASE appdb OWNER app;
\\c appdb
CREATE TABLE notes (id int PRIMARY KEY, body text);
INSERT INTO notes VALUES (1, 'first note kept by the dump'), (2, 'second note kept by the dump');
ALTER TABLE notes OWNER TO app;
SQL`,
    );
    const { manifest, job } = await archive(pg);
    const capture = only(manifest.captures, "postgresql-dumpall");
    expect(capture).toMatchObject({
      service: "PostgreSQL",
      package: "postgresql-13",
      user: "postgres",
      format: "sql",
      name: "postgresql-dumpall.sql",
      argv: ["pg_dumpall", "--clean", "--if-exists"],
    });
    expect(capture.packageVersion).toMatch(/^13\./);
    expect(capture.serverVersion).toMatch(/^PostgreSQL 13\./);
    const dump = await readBlobText(capture.sha256!);
    expect(capture.size).toBe(Buffer.byteLength(dump));
    expect(dump).toContain("CREATE ROLE app;");
    expect(dump).toMatch(/ALTER ROLE app WITH .*PASSWORD 'md5|SCRAM/);
    expect(dump).toContain("CREATE DATABASE appdb");
    expect(dump).toContain("1\tfirst note kept by the dump");
    expect(manifest.quiesce).toEqual({ mode: "live", restarted: false });
    expect(job.result).toMatchObject({ captures: [expect.objectContaining({ recipe: "postgresql-dumpall" })] });
  });

  it("MariaDB 10.5: mariadb-dump holds the rows and the user", async () => {
    const db = start(MARIADB_TAG, START_MARIADB, "kura-it-capture-mariadb");
    runScript(db, "for i in $(seq 1 100); do mysqladmin ping >/dev/null 2>&1 && break; sleep 0.2; done; mysqladmin ping");
    runScript(
      db,
      `mariadb <<'SQL'
CREATE DATABASE shop;
CREATE USER 'shopper'@'localhost' IDENTIFIED BY 'shop-secret-1';
GRANT ALL ON shop.* TO 'shopper'@'localhost';
CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(100)) ENGINE=InnoDB;
INSERT INTO shop.orders VALUES (1, 'order kept by the dump');
SQL`,
    );
    const { manifest } = await archive(db);
    const capture = only(manifest.captures, "mariadb-dump");
    expect(capture).toMatchObject({ format: "sql", name: "mariadb-dump.sql", user: "root" });
    expect(capture.package).toMatch(/^mariadb-server/);
    expect(capture.serverVersion).toMatch(/^10\.5\./);
    const dump = await readBlobText(capture.sha256!);
    expect(dump).toContain("(1,'order kept by the dump')");
    expect(dump).toMatch(/shopper/);
    expect(dump).toContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`");
  });

  it("OpenLDAP: slapcat per database; the data database's ldif holds an entry the test added", async () => {
    const ldap = start(SLAPD_TAG, START_SLAPD, "kura-it-capture-slapd");
    runScript(ldap, "for i in $(seq 1 100); do ldapsearch -x -H ldap://127.0.0.1 -b '' -s base >/dev/null 2>&1 && break; sleep 0.2; done");
    runScript(
      ldap,
      `ldapadd -x -H ldap://127.0.0.1 -D cn=admin,dc=example,dc=org -w '${SLAPD_ADMIN_PASSWORD}' <<'LDIF'
dn: uid=kura-capture,dc=example,dc=org
objectClass: account
uid: kura-capture
description: entry kept by slapcat
LDIF`,
    );
    const { manifest } = await archive(ldap);
    const captures = (manifest.captures ?? []).filter((capture) => capture.recipe === "slapcat");
    expect(captures.map((capture) => capture.name).sort()).toEqual(["slapcat-0.ldif", "slapcat-1.ldif"]);
    const data = captures.find((capture) => capture.name === "slapcat-1.ldif")!;
    expect(data).toMatchObject({ format: "ldif", package: "slapd", argv: ["slapcat", "-n", "1"] });
    expect(data.serverVersion).toMatch(/slapd 2\.4\./);
    const ldif = await readBlobText(data.sha256!);
    expect(ldif).toContain("dn: uid=kura-capture,dc=example,dc=org");
    expect(ldif).toContain("description: entry kept by slapcat");
    expect(await readBlobText(captures.find((capture) => capture.name === "slapcat-0.ldif")!.sha256!)).toContain("dn: cn=config");
  });

  it("Redis with requirepass: SAVE ran (format none) with the password from redis.conf, and dump.rdb is newer than the SAVE", async () => {
    const redis = start(REDIS_TAG, ["sleep", "infinity"], "kura-it-capture-redis");
    const password = "redis-capture-secret";
    runScript(
      redis,
      [
        `sed -i 's|^# requirepass foobared|requirepass "${password}"|' /etc/redis/redis.conf`,
        "install -d -o redis -g redis /run/redis",
        "su redis -s /bin/sh -c 'redis-server /etc/redis/redis.conf'",
        `for i in $(seq 1 50); do REDISCLI_AUTH='${password}' redis-cli ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done`,
        `REDISCLI_AUTH='${password}' redis-cli SET kura:key captured >/dev/null`,
      ].join("\n"),
    );
    const before = Date.now();
    // The rdb's time is whole seconds in the tar header: wait into the next second so "newer" is measurable.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { manifest } = await archive(redis);
    const capture = only(manifest.captures, "redis-save");
    expect(capture).toMatchObject({ format: "none", name: null, sha256: null, size: 0, argv: ["redis-cli", "SAVE"] });
    expect(capture.serverVersion).toMatch(/Redis server v=6\./);
    expect(JSON.stringify(manifest.captures)).not.toContain(password); // passed in the exec's environment, not in argv
    const saveStarted = Date.parse(capture.startedAt);
    expect(saveStarted).toBeGreaterThan(before);
    const rdb = manifest.entries.find((entry) => entry.path === "/var/lib/redis/dump.rdb");
    expect(rdb?.sha256).toBeTruthy();
    expect(Date.parse(rdb!.mtime!)).toBeGreaterThanOrEqual(Math.floor(saveStarted / 1000) * 1000);
    expect(manifest.warnings.filter((warning) => warning.code === "capture-failed")).toEqual([]);
  });
});
