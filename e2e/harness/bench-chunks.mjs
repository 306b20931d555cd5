// Benchmark part "chunks" (issue 16): a container with a 1 GiB file archived, 1% of the file rewritten in place,
// archived again: the bytes the second archive adds to the store, as a share of the file (target: at most 5%), and
// both archive times, with the store's chunking on (the default threshold) and off (a threshold above the file's
// size) in the same run -> e2e/bench/chunks.md
import { createCipheriv } from "node:crypto";
import { createWriteStream, existsSync, lstatSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { api, archiveThroughApi, artifacts, codeVersion, docker, mb, mbps, root, startServer, stopServer } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const FILE_BYTES = 1024 * 1024 * 1024;
const FILE_PATH = "/var/lib/benchdb/data.bin";
const WRITES = 100;
const WRITE_BLOCKS = 26; // 26 x 4 KiB = 104 KiB per write, 100 writes: 10.4 MB, 1% of the file
const NAME = "kura-bench-chunks";
const OFF_THRESHOLD = 2 * FILE_BYTES;

/** The file's bytes: AES-256-CTR of zeros under a fixed key, so every configuration starts from the same content. */
async function writeSourceFile(file) {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16, 1));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  let left = FILE_BYTES;
  const blocks = Readable.from(
    (function* () {
      while (left > 0) {
        const take = Math.min(left, zeros.length);
        left -= take;
        yield cipher.update(zeros.subarray(0, take));
      }
    })(),
  );
  await pipeline(blocks, createWriteStream(file));
}

/** Bytes of every file under `dir` (the store on disk). */
function treeBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const info = lstatSync(full);
    total += info.isDirectory() ? treeBytes(full) : info.size;
  }
  return total;
}

/** 100 writes of 104 KiB spread over the file (each at an even spot plus a fixed offset), in place with dd. */
function changeOnePercent() {
  const blocks = FILE_BYTES / 4096;
  const seeks = Array.from({ length: WRITES }, (_, i) => Math.floor(((i + 0.37) * blocks) / WRITES));
  const script = seeks
    .map((seek) => `dd if=/dev/urandom of=${FILE_PATH} bs=4096 count=${WRITE_BLOCKS} seek=${seek} conv=notrunc status=none`)
    .join(" && ");
  docker(["exec", NAME, "bash", "-c", `${script} && sync`]);
}

async function runConfiguration(label, extraEnv, server, sourceFile, storeDir) {
  await stopServer(server);
  server = await startServer(extraEnv);
  try {
    docker(["rm", "-f", "-v", NAME]);
  } catch {
    // not there
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", NAME, "debian:bookworm", "sleep", "infinity"]);
  docker(["exec", NAME, "mkdir", "-p", path.posix.dirname(FILE_PATH)]);
  docker(["cp", sourceFile, `${NAME}:${FILE_PATH}`]);
  docker(["exec", NAME, "sync"]);
  const archives = [];
  try {
    const storeBefore = treeBytes(storeDir);
    log(`chunks (${label}): first archive of the 1 GiB file`);
    const first = await archiveThroughApi(NAME, server);
    const storeAfterFirst = treeBytes(storeDir);
    archives.push(first.archive.id);
    log(`  ${(first.wall / 1000).toFixed(1)} s, stored ${mb(first.archive.storedBytes)}`);
    changeOnePercent();
    log(`chunks (${label}): second archive after ${WRITES} writes of ${WRITE_BLOCKS * 4} KiB in place`);
    const second = await archiveThroughApi(NAME, server);
    const storeAfterSecond = treeBytes(storeDir);
    archives.push(second.archive.id);
    log(`  ${(second.wall / 1000).toFixed(1)} s, stored ${mb(second.archive.storedBytes)}`);
    return {
      label,
      server,
      first: { wall: first.wall, cpu: first.cpu, stored: first.archive.storedBytes, grew: storeAfterFirst - storeBefore },
      second: { wall: second.wall, cpu: second.cpu, stored: second.archive.storedBytes, grew: storeAfterSecond - storeAfterFirst },
    };
  } finally {
    // Deleted, so the next configuration starts from a store without this file (and the deletion frees the chunks).
    for (const id of archives) await api("DELETE", `/api/archives/${id}`).catch(() => undefined);
    docker(["rm", "-f", "-v", NAME]);
  }
}

export async function runChunksBench(server) {
  const started = performance.now();
  const loadBefore = os.loadavg()[0].toFixed(1);
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  docker(["image", "inspect", "debian:bookworm"]); // never let the engine try to pull it
  const sourceFile = path.join(artifacts, "bench-chunks-source.bin");
  const storeDir = path.join(process.env.KURA_DATA_DIR, "store");
  log("chunks: writing the 1 GiB source file");
  await writeSourceFile(sourceFile);
  const results = [];
  try {
    for (const [label, extraEnv] of [
      ["chunked", {}],
      ["whole (chunking off)", { KURA_CHUNK_THRESHOLD_BYTES: String(OFF_THRESHOLD) }],
    ]) {
      const result = await runConfiguration(label, extraEnv, server, sourceFile, storeDir);
      server = result.server;
      results.push(result);
    }
  } finally {
    rmSync(sourceFile, { force: true });
    await stopServer(server);
    await startServer();
  }
  const [chunked, whole] = results;
  const share = (bytes) => `${((bytes / FILE_BYTES) * 100).toFixed(2)}%`;
  const seconds = (value) => `${(value / 1000).toFixed(1)} s`;
  const row = (result) =>
    `| ${result.label} | ${seconds(result.first.wall)} (${mbps(FILE_BYTES, result.first.wall).toFixed(0)} MB/s, CPU ${result.first.cpu.toFixed(1)} s) | ${mb(result.first.stored)} | ${seconds(result.second.wall)} (${mbps(FILE_BYTES, result.second.wall).toFixed(0)} MB/s, CPU ${result.second.cpu.toFixed(1)} s) | ${mb(result.second.stored)} | **${share(result.second.stored)}** | ${mb(result.second.grew)} (${share(result.second.grew)}) |`;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const report = `# Benchmark: a large file archived again after a small change (issue 16)

Measured by \`npm run bench\` (\`KURA_BENCH=chunks\` for this part alone) on ${new Date().toISOString()}:
${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Docker Engine ${engineVersion}, Node ${process.version},
dashboard from \`next start\` (production build) of ${codeVersion()}, filesystem store. MB = 10^6 bytes. Load average
${loadBefore} before this part, ${os.loadavg()[0].toFixed(1)} after; the part took ${((performance.now() - started) / 60000).toFixed(1)} minutes.

Target: the second archive adds at most 5% of the file to the store.

| store | first archive | stored | second archive | stored | share of the file | store on disk grew |
| --- | --- | --- | --- | --- | --- | --- |
${row(chunked)}
${row(whole)}

- The file: ${FILE_BYTES.toLocaleString("en")} bytes (1 GiB) of AES-CTR output (incompressible, so "stored" is the bytes
  themselves, gzip only wraps them) at \`${FILE_PATH}\` in a \`debian:bookworm\` container, read from its overlay2 folder.
- The change: ${WRITES} writes of ${WRITE_BLOCKS * 4} KiB of random bytes in place (\`dd conv=notrunc\`), spread evenly over the file:
  ${((WRITES * WRITE_BLOCKS * 4096) / 1e6).toFixed(1)} MB, 1% of it, scattered as a database rewrites its pages (the harder case for chunking than one
  contiguous region: each write rewrites the ~128 KiB chunks it touches).
- "stored": the archive's own figure (the bytes it added to the store: new chunks and the recipe, or the new whole blob);
  "store on disk grew": the store folder's file sizes summed before and after, as a check.
- "chunked": the default \`KURA_CHUNK_THRESHOLD_BYTES\` (8 MiB): content-defined chunks (FastCDC, 32 KiB / 128 KiB / 512 KiB
  min / average / max). "whole": the same with \`KURA_CHUNK_THRESHOLD_BYTES=${OFF_THRESHOLD}\`, so the file is one blob, as
  before chunking. Both in this run, the dashboard restarted for each; the archives are deleted between them, so each
  starts from a store without the file.
- Times: wall time from the archive POST to the job's \`succeeded\` (detection, reading, hashing, chunking, compressing,
  fsync); CPU: the dashboard's processes. The machine is shared with other work (see the load average).
`;
  writeFileSync(path.join(root, "e2e", "bench", "chunks.md"), report);
  process.stdout.write(`\n${report}\n`);
}
