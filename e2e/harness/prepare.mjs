// Shared by `npm test` and `npm run bench`: dependencies, engines, base images, Chromium, a fresh
// database and a production build. Plain Node: it runs before node_modules exists.
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import {
  BUSYBOX_TAG,
  copyImage,
  ensureBusyboxImage,
  ensureDebianImage,
  ensurePrimaryEngine,
  removeStaleRestoreImages,
  removeTestContainers,
  testRunId,
  startPrivateEngine,
  stopEngine,
} from "./engine.mjs";
import {
  ensureApachePhpImage,
  ensureCronDebsImage,
  ensureMailImage,
  ensureMariadbImage,
  ensurePostfixImage,
  ensurePostgresImage,
  ensurePyappImage,
  ensureRedisImage,
  ensureSlapdImage,
  ensureSshdImage,
} from "./bullseye-images.mjs";
import { ensureRpmImage } from "./rpm-image.mjs";
import { cephEnvironment, ensureCeph, stopCeph } from "./ceph.mjs";
import { ensurePostgres, stopPostgres } from "./postgres.mjs";
import { ensureSambaImage } from "./samba-image.mjs";
import { ensureNginxAppImage } from "./nginx-app-image.mjs";
import { aptInstall, log, run } from "./sh.mjs";
import { generateClients, migrateDatabase } from "../../lib/cli/migrate.mjs";

/** Returns the engines and the list of daemons this run started (to stop at the end). */
export async function prepare({ artifacts }) {
  const dataDir = path.join(artifacts, "data");
  const started = [];
  if (
    !existsSync("node_modules/.package-lock.json") ||
    statSync("package-lock.json").mtimeMs > statSync("node_modules/.package-lock.json").mtimeMs
  ) {
    log("installing dependencies (npm install)");
    run(["npm", "install", "--no-audit", "--no-fund"]);
  }

  const primary = await ensurePrimaryEngine();
  if (primary.started) started.push(primary);
  const secondary = await startPrivateEngine({ root: "/tmp/kura-e2", dataRoot: "/tmp/kura-e2/data" });
  if (secondary.started) started.push(secondary);

  ensureBusyboxImage(primary.socketPath);
  ensureDebianImage(primary.socketPath, "bookworm");
  ensureDebianImage(primary.socketPath, "trixie");
  // Debian 11: the release-jump scenarios (bullseye -> trixie, two releases).
  ensureDebianImage(primary.socketPath, "bullseye");
  ensureSambaImage(primary.socketPath);
  ensureRpmImage(primary.socketPath);
  // Issue 13's Debian 11 scenarios: postfix with preseeded debconf answers, an OpenSSH server.
  ensurePostfixImage(primary.socketPath);
  ensureSshdImage(primary.socketPath);
  // Issue 14's Debian 11 -> 13 scenarios: apache2 + PHP 7.4, dovecot + postfix, redis.
  ensureApachePhpImage(primary.socketPath);
  ensureMailImage(primary.socketPath);
  ensureRedisImage(primary.socketPath);
  // Issue 14's pristine versions from the old package: cron's .deb files, installed by the test container itself.
  ensureCronDebsImage(primary.socketPath);
  // Issue 15's Debian 11 -> 13 data conversions: PostgreSQL 13, MariaDB 10.5, OpenLDAP, a Python 3.9 virtual environment.
  ensurePostgresImage(primary.socketPath);
  ensureMariadbImage(primary.socketPath);
  ensureSlapdImage(primary.socketPath);
  ensurePyappImage(primary.socketPath);
  // Issue 13's custom image (nginx + python3 built FROM debian:bookworm by a Dockerfile).
  ensureNginxAppImage(primary.socketPath);
  copyImage(primary.socketPath, secondary.socketPath, BUSYBOX_TAG);
  // Issue 16: a real single-node Ceph cluster (radosgw on 127.0.0.1:7480) for the object store's tests; reused when it runs.
  // A cluster that cannot start fails only the object-store tests (they say why), not the whole run.
  const ceph = await ensureCeph(primary.socketPath).catch((error) => {
    log(`no Ceph cluster for the object-store tests: ${error.message}`);
    return null;
  });
  process.env.KURA_TEST_RUN ??= `run-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  // Issue 16: a PostgreSQL cluster on 127.0.0.1 for the integration tests' second run (the metadata database on
  // PostgreSQL), reused when it runs, with a database of this run's own. One that cannot start fails that run only.
  const postgres = await ensurePostgres({
    database: `kura_it_${testRunId()
      .replace(/[^a-z0-9]/gi, "_")
      .toLowerCase()}`,
  }).catch((error) => {
    log(`no PostgreSQL for the integration tests' PostgreSQL run: ${error.message}`);
    return null;
  });
  removeTestContainers(primary.socketPath);
  removeTestContainers(secondary.socketPath);
  // Only on the engines the harness keeps for itself: on a person's own engine, restored images are theirs.
  for (const engine of [primary, secondary])
    if (engine.socketPath.startsWith("/run/kura-test-engine/") || engine.socketPath.startsWith("/tmp/kura-e2/"))
      removeStaleRestoreImages(engine.socketPath);

  if (!existsSync("/usr/bin/chromium")) aptInstall(["chromium"]);
  // The restore scripts' lint (lib/restores/scripts/scripts.test.ts): shellcheck, and the awks they must run under.
  const lintTools = [
    ["/usr/bin/shellcheck", "shellcheck"],
    ["/usr/bin/mawk", "mawk"],
    ["/bin/busybox", "busybox-static"],
    // Detection reads overlay's opaque folders with it (diff-from-layer-folder.ts).
    ["/usr/bin/getfattr", "attr"],
  ];
  const missingLint = lintTools.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg);
  if (missingLint.length) aptInstall(missingLint);

  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    KURA_DATA_DIR: dataDir,
    DATABASE_URL: `file:${path.join(dataDir, "kura.db")}`,
    DOCKER_HOST: `unix://${primary.socketPath}`,
    KURA_TEST_ENGINE2_SOCKET: secondary.socketPath,
    KURA_BUILD_NETWORK: process.env.KURA_BUILD_NETWORK ?? "host",
    // The dashboards the tests start create this admin at start; a fresh password each run.
    KURA_ADMIN_NAME: "admin",
    KURA_ADMIN_PASSWORD: process.env.KURA_ADMIN_PASSWORD ?? `test-${randomBytes(18).toString("base64url")}`,
    ...(ceph ? cephEnvironment() : {}),
  };
  Object.assign(process.env, env);
  generateClients({ quiet: true });
  migrateDatabase({ quiet: true });
  log("building the dashboard (next build)");
  run(["npx", "next", "build"], { quiet: true });
  return { primary, secondary, started, ceph, postgres };
}

/** Remove test containers and stop the daemons this run started. */
export async function cleanUp(prepared) {
  if (!prepared) return;
  removeTestContainers(prepared.primary.socketPath, { run: testRunId() });
  removeTestContainers(prepared.secondary.socketPath, { run: testRunId() });
  // Like the engines: stopped only when this run started it.
  stopCeph(prepared.ceph);
  stopPostgres(prepared.postgres);
  for (const engine of prepared.started) await stopEngine(engine);
}
