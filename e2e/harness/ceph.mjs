// A real single-node Ceph cluster whose radosgw is the S3 endpoint of the object-store tests (issue 16).
// The verified recipe of ../shared/ENVIRONMENT.md, owned here: e2e/harness/ceph/{Dockerfile,bootstrap.sh}
// (Debian trixie's Ceph 18: ceph-mon, one bluestore ceph-osd on a sparse file, radosgw; never radosgw's
// `dbstore` backend, which corrupts multipart and ranged reads). The image is built once, cached by tag on
// the test engine; the container runs on the host network as the recipe says, every daemon bound to
// 127.0.0.1 (mon 3300, radosgw 7480), so no traffic leaves loopback. Plain Node, docker called with argv.
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dockerHostArgument, ensureDebianImage, hasImage } from "./engine.mjs";
import { log, run, sleep } from "./sh.mjs";

export const CEPH_TAG = "kura-test/ceph:trixie";
export const CEPH_CONTAINER = "kura-test-ceph";
export const CEPH_ENDPOINT = "http://127.0.0.1:7480";
// The test user bootstrap.sh creates (a throwaway cluster on loopback: these are not secrets).
export const CEPH_ACCESS_KEY = "KURATESTACCESS";
export const CEPH_SECRET_KEY = "kura-test-secret-123";
export const CEPH_REGION = "us-east-1";

const RECIPE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "ceph");
// The OSD's sparse 10 GiB file (about 420 MB really written); a fresh cluster each start, so emptied first.
const DATA_DIR = process.env.KURA_TEST_CEPH_DATA ?? "/var/tmp/kura-test-ceph/osd";

function docker(socketPath, args, options = {}) {
  return run(["docker", "-H", dockerHostArgument(socketPath), ...args], options);
}

/** Whether radosgw answers at CEPH_ENDPOINT (any HTTP answer: anonymous ListBuckets is a 200 or 403). */
async function rgwAnswers() {
  try {
    const response = await fetch(`${CEPH_ENDPOINT}/`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function containerState(socketPath) {
  try {
    return docker(socketPath, ["inspect", "--format", "{{.State.Running}}", CEPH_CONTAINER], { quiet: true }).trim();
  } catch {
    return null;
  }
}

/** Builds kura-test/ceph:trixie from e2e/harness/ceph/ when the engine lacks the tag (about 50 s, 123 MB of packages). */
export function ensureCephImage(socketPath) {
  if (hasImage(socketPath, CEPH_TAG)) return CEPH_TAG;
  ensureDebianImage(socketPath, "trixie");
  log(`docker build ${CEPH_TAG} (ceph-mon, ceph-osd, radosgw from Debian trixie, about a minute)`);
  const started = Date.now();
  docker(socketPath, ["build", "--network", "host", "-t", CEPH_TAG, RECIPE_DIR], { quiet: true });
  log(`built ${CEPH_TAG} in ${Math.round((Date.now() - started) / 1000)} s`);
  return CEPH_TAG;
}

/** The environment the store's tests read to reach the cluster. */
export function cephEnvironment() {
  return {
    KURA_TEST_S3_ENDPOINT: CEPH_ENDPOINT,
    KURA_TEST_S3_ACCESS_KEY: CEPH_ACCESS_KEY,
    KURA_TEST_S3_SECRET_KEY: CEPH_SECRET_KEY,
    KURA_TEST_S3_REGION: CEPH_REGION,
    KURA_TEST_CEPH_CONTAINER: CEPH_CONTAINER,
  };
}

/** The OSD file's bytes really written past which a running cluster is not reused (deleted objects do not shrink it). */
const REUSE_MAX_WRITTEN = 4 * 2 ** 30;

/**
 * Why a running cluster should not be reused, or null: a (nearly) full OSD (radosgw then refuses every write, and a
 * test run writes a few GB), or an OSD file already mostly written (earlier runs and benchmarks fill it; radosgw frees
 * deleted objects only hours later, and bluestore never gives a file's blocks back).
 */
function tooFullToReuse(socketPath) {
  let health;
  try {
    health = docker(socketPath, ["exec", CEPH_CONTAINER, "ceph", "health", "--connect-timeout", "10"], { quiet: true }).trim();
  } catch {
    return "its health cannot be read";
  }
  if (/full/i.test(health)) return `its OSD is full or nearly (${health})`;
  const block = path.join(DATA_DIR, "ceph-0", "block");
  const written = existsSync(block) ? statSync(block).blocks * 512 : 0;
  if (written > REUSE_MAX_WRITTEN) return `its OSD file already holds ${(written / 2 ** 30).toFixed(1)} GiB of its 10`;
  return null;
}

/**
 * Makes sure the Ceph cluster answers at CEPH_ENDPOINT: reuses a running one with room, else (re)creates the container and
 * bootstraps a fresh cluster (about 17 s). Returns { started } (true when this call started it: the caller stops it
 * at the end, like an engine it started).
 */
export async function ensureCeph(socketPath) {
  const state = containerState(socketPath);
  const answers = state === "true" && (await rgwAnswers());
  const tooFull = answers ? tooFullToReuse(socketPath) : null;
  if (answers && !tooFull) return { socketPath, started: false };
  if (state === null && (await rgwAnswers()))
    throw new Error(`something else answers at ${CEPH_ENDPOINT} (not the ${CEPH_CONTAINER} container); stop it or free port 7480`);
  ensureCephImage(socketPath);
  if (state !== null) {
    log(`removing ${CEPH_CONTAINER} (${tooFull ?? (state === "true" ? "its radosgw does not answer" : "stopped")})`);
    docker(socketPath, ["rm", "-f", CEPH_CONTAINER], { quiet: true });
  }
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  const started = Date.now();
  // The recipe's network advice: the host network, every daemon bound to 127.0.0.1 by bootstrap.sh's ceph.conf.
  docker(
    socketPath,
    [
      "run",
      "-d",
      "--name",
      CEPH_CONTAINER,
      "--network",
      "host",
      "--label",
      "kura.test.ceph=1",
      "-v",
      `${DATA_DIR}:/var/lib/ceph/osd`,
      CEPH_TAG,
      "sleep",
      "infinity",
    ],
    { quiet: true },
  );
  try {
    docker(socketPath, ["exec", CEPH_CONTAINER, "/bootstrap.sh"], { quiet: true });
  } catch (error) {
    stopCeph({ socketPath, started: true });
    throw new Error(`the Ceph cluster did not start: ${error.message}`, { cause: error });
  }
  for (let i = 0; i < 60 && !(await rgwAnswers()); i++) await sleep(500);
  if (!(await rgwAnswers())) throw new Error(`radosgw does not answer at ${CEPH_ENDPOINT}`);
  log(`Ceph radosgw ready at ${CEPH_ENDPOINT} in ${Math.round((Date.now() - started) / 1000)} s`);
  return { socketPath, started: true };
}

/** Removes the cluster's container and its OSD file when `ceph.started` (this run made it). */
export function stopCeph(ceph) {
  if (!ceph?.started) return;
  try {
    docker(ceph.socketPath, ["rm", "-f", CEPH_CONTAINER], { quiet: true });
    log("Ceph cluster stopped");
  } catch (error) {
    log(`could not remove ${CEPH_CONTAINER}: ${error.message}`);
  }
  if (existsSync(DATA_DIR)) rmSync(DATA_DIR, { recursive: true, force: true });
}

// `node e2e/harness/ceph.mjs` starts (or reuses) the cluster by hand and prints the environment to export.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const socketPath = (process.env.DOCKER_HOST ?? "unix:///run/kura-test-engine/docker.sock").replace(/^unix:\/\//, "");
  await ensureCeph(socketPath);
  for (const [name, value] of Object.entries(cephEnvironment())) process.stdout.write(`export ${name}=${value}\n`);
}
