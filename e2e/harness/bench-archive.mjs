// Benchmark part "archive": archive throughput vs `tar | gzip -1`, and stored size vs `docker commit` +
// `docker save` -> e2e/bench/archive.md
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { archiveThroughApi, codeVersion, docker, kb, mb, mbps, median, root, RUNS, startServer, stopServer } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { createSambaContainer, removeSambaContainer, SAMBA_TAG } from "./samba-image.mjs";
import { log } from "./sh.mjs";

// Archive throughput: 10,000 files, 1 GiB in all, half random bytes, half log-like text.
export const ARCHIVE_FILES = 10_000;
export const ARCHIVE_BYTES = 1024 ** 3;
export const ARCHIVE_ROOT = "/srv/bench";

/** The store of the dashboard under test: removing blobs/ between runs makes every run store everything anew. */
function storeDir() {
  return path.join(process.env.KURA_DATA_DIR, "store");
}

let setAside = 0;
function emptyStore() {
  // Only blobs/: the running server keeps tmp/ (created once) and re-creates blobs/<shard>/ on each put.
  // Moved out of the store rather than deleted: ext4 without a journal (this machine's disk) will not
  // reuse an inode for 30 s after it was freed, and scanning past 10,000 just-freed inodes slowed the
  // next run's file creation several-fold: a cost of the bench, not of archiving. Deleted at the end.
  const blobs = path.join(storeDir(), "blobs");
  if (!existsSync(blobs)) return;
  mkdirSync(path.join(process.env.KURA_DATA_DIR, "bench-set-aside"), { recursive: true });
  renameSync(blobs, path.join(process.env.KURA_DATA_DIR, "bench-set-aside", String(setAside++)));
}

export function deleteSetAside() {
  rmSync(path.join(process.env.KURA_DATA_DIR, "bench-set-aside"), { recursive: true, force: true });
}

function storedBlobs() {
  const blobs = new Map();
  const blobsDir = path.join(storeDir(), "blobs");
  for (const shard of readdirSync(blobsDir)) {
    for (const file of readdirSync(path.join(blobsDir, shard)))
      blobs.set(file.replace(/\.gz$/, ""), statSync(path.join(blobsDir, shard, file)).size);
  }
  return blobs;
}

// Writes `count` files totalling exactly `total` bytes into `dir`: sizes spread evenly between 1 byte
// and twice the mean, odd files random bytes (gzip cannot shrink them), even files log-like text
// (gzip shrinks it to about a quarter). Each file starts with its own number, so no two are equal
// and the store's dedup does not help. Fixed script; the values are its arguments.
const MAKE_FILES_PERL = String.raw`
use strict; use warnings;
my ($dir, $count, $total) = @ARGV;
srand(20240601);
my $pool = 16 * 1024 * 1024;
open(my $urandom, '<:raw', '/dev/urandom') or die "urandom: $!";
read($urandom, my $random, $pool) == $pool or die "short read from /dev/urandom";
my @words = qw(alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu);
my $text = '';
my $line = 0;
while (length($text) < $pool) {
  $line++;
  $text .= sprintf("%08d %s %s user=%s bytes=%d status=%s\n", $line, $words[rand @words], $words[rand @words], $words[rand @words], int(rand(1e6)), $words[rand @words]);
}
my $mean = int($total / $count);
my $written = 0;
for my $i (1 .. $count) {
  my $size = $i == $count ? $total - $written : 1 + int(rand(2 * $mean));
  $size = 1 if $size < 1;
  my $header = "file $i\n";
  my $source = $i % 2 ? \$random : \$text;
  my $body = $size > length($header) ? $size - length($header) : 0;
  my $offset = int(rand($pool - $body));
  open(my $out, '>:raw', sprintf('%s/f%05d.dat', $dir, $i)) or die "$i: $!";
  print $out substr($header, 0, $size), substr($$source, $offset, $body);
  close($out) or die "$i: $!";
  $written += $size;
}
print "$written\n";
`;

export function makeThroughputContainer(name) {
  try {
    docker(["rm", "-f", "-v", name]);
  } catch {
    // not there yet
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, "debian:bookworm", "sleep", "infinity"]);
  docker(["exec", name, "mkdir", "-p", ARCHIVE_ROOT]);
  const written = Number(
    docker(["exec", name, "perl", "-e", MAKE_FILES_PERL, ARCHIVE_ROOT, String(ARCHIVE_FILES), String(ARCHIVE_BYTES)]).trim(),
  );
  if (written !== ARCHIVE_BYTES) throw new Error(`the file generator wrote ${written} bytes instead of ${ARCHIVE_BYTES}`);
  // Flush the new files now, so no run pays for writing back the previous step's dirty pages.
  execFileSync("sync");
}

/** `docker exec <c> tar -c <paths> | gzip -1 > /dev/null`: two processes and a pipe, timed until gzip exits. */
function tarGzipBaseline(name, paths) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const gzip = spawn("gzip", ["-1"], { stdio: ["pipe", "ignore", "inherit"] });
    // tar writes straight into gzip's stdin; this process never touches the bytes.
    const tar = spawn("docker", ["-H", process.env.DOCKER_HOST, "exec", name, "tar", "-c", ...paths], {
      stdio: ["ignore", gzip.stdin, "pipe"],
    });
    gzip.stdin.destroy(); // our copy of the pipe's write end: gzip sees EOF when tar closes its copy
    let tarErrors = "";
    tar.stderr.on("data", (chunk) => (tarErrors += chunk));
    const tarDone = new Promise((done) => tar.on("close", (code) => done(code)));
    tar.on("error", reject);
    gzip.on("error", reject);
    gzip.on("close", async (code) => {
      const elapsed = performance.now() - start;
      const tarCode = await tarDone;
      const realErrors = tarErrors.split("\n").filter((line) => line && !line.includes("Removing leading"));
      if (code !== 0 || tarCode !== 0 || realErrors.length)
        reject(new Error(`tar | gzip failed (tar ${tarCode}, gzip ${code}): ${realErrors.join("; ")}`));
      else resolve(elapsed);
    });
  });
}

/** Bytes of `docker save <image>` (what `| wc -c` counts), read from the pipe without keeping them. */
function savedImageBytes(image) {
  return new Promise((resolve, reject) => {
    const save = spawn("docker", ["-H", process.env.DOCKER_HOST, "save", image], { stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    save.stdout.on("data", (chunk) => (bytes += chunk.length));
    save.on("error", reject);
    save.on("close", (code) => (code === 0 ? resolve(bytes) : reject(new Error(`docker save ${image} exited with ${code}`))));
  });
}

/** Restarts the dashboard in between (see currentServer). */
async function benchArchiveThroughput(server) {
  const viaApi = [];
  const name = "kura-bench-archive-1g";
  log(`creating a container with ${ARCHIVE_FILES.toLocaleString("en")} files, ${mb(ARCHIVE_BYTES)} in ${ARCHIVE_ROOT}`);
  const made = performance.now();
  makeThroughputContainer(name);
  log(`  made in ${Math.round((performance.now() - made) / 1000)} s`);
  const kura = [];
  const baseline = [];
  let archive;
  try {
    for (let run = 0; run < RUNS; run++) {
      emptyStore();
      const result = await archiveThroughApi(name, server);
      archive = result.archive;
      const entries = archive.manifest?.entries ?? [];
      const benchFiles = entries.filter((entry) => entry.type === "file" && entry.path.startsWith(`${ARCHIVE_ROOT}/`));
      if (archive.files !== ARCHIVE_FILES || benchFiles.length !== ARCHIVE_FILES || archive.bytes !== ARCHIVE_BYTES) {
        throw new Error(
          `the archive holds ${archive.files} files / ${archive.bytes} bytes (${benchFiles.length} under ${ARCHIVE_ROOT}); expected ${ARCHIVE_FILES} / ${ARCHIVE_BYTES}`,
        );
      }
      kura.push({ ms: result.wall, jobMs: result.jobMs, cpu: result.cpu, storedBytes: archive.storedBytes });
      log(
        `  run ${run + 1}: Kura (layer read: ${result.layerRead}) ${(result.wall / 1000).toFixed(1)} s (${mbps(ARCHIVE_BYTES, result.wall).toFixed(1)} MB/s, server CPU ${result.cpu.toFixed(1)} s, stored ${mb(archive.storedBytes)})`,
      );
      const elapsed = await tarGzipBaseline(name, [ARCHIVE_ROOT]);
      baseline.push({ ms: elapsed });
      log(`  run ${run + 1}: tar | gzip -1 ${(elapsed / 1000).toFixed(1)} s (${mbps(ARCHIVE_BYTES, elapsed).toFixed(1)} MB/s)`);
    }
    // The same archive through the engine's archive API, as Kura reads a remote engine: the dashboard restarted
    // with KURA_LAYER_READ=archive-api, then restarted as it was for the other parts.
    log("  the same through the engine's archive API (KURA_LAYER_READ=archive-api, as for a remote engine)");
    await stopServer(server);
    server = await startServer({ KURA_LAYER_READ: "archive-api" });
    for (let run = 0; run < RUNS; run++) {
      emptyStore();
      const result = await archiveThroughApi(name, server);
      if (result.layerRead !== "archive-api") throw new Error(`the archive-API run read the layer through ${result.layerRead}`);
      viaApi.push({ ms: result.wall, cpu: result.cpu });
      log(
        `  run ${run + 1}: Kura (layer read: ${result.layerRead}) ${(result.wall / 1000).toFixed(1)} s (${mbps(ARCHIVE_BYTES, result.wall).toFixed(1)} MB/s, server CPU ${result.cpu.toFixed(1)} s)`,
      );
    }
    await stopServer(server);
    server = await startServer();
  } finally {
    emptyStore();
    docker(["rm", "-f", "-v", name]);
  }
  const kuraMs = median(kura.map((run) => run.ms));
  const baselineMs = median(baseline.map((run) => run.ms));
  return {
    kura,
    baseline,
    viaApi,
    kuraMs,
    baselineMs,
    viaApiMs: median(viaApi.map((run) => run.ms)),
    files: archive.files,
    bytes: archive.bytes,
  };
}

async function benchStoredSize() {
  const name = "kura-bench-samba";
  removeSambaContainer(process.env.DOCKER_HOST, name);
  log("Samba scenario: creating the service container");
  const service = createSambaContainer({ dockerHost: process.env.DOCKER_HOST, name });
  const committed = `kura-bench/samba-commit:${Date.now().toString(36)}`;
  try {
    emptyStore(); // so the blobs on disk are exactly this archive's (and its manifest is the one blob no entry names)
    log("Samba scenario: Kura archive");
    const { archive } = await archiveThroughApi(name);
    const manifest = archive.manifest;
    const report = manifest.entries.find((entry) => entry.path === service.file.path);
    if (!report || report.size !== Buffer.byteLength(service.file.content)) throw new Error(`the Samba archive lacks ${service.file.path}`);
    const entryBlobs = new Set(manifest.entries.map((entry) => entry.sha256).filter(Boolean));
    const manifestBlobs = [...storedBlobs()].filter(([sha]) => !entryBlobs.has(sha));
    if (manifestBlobs.length !== 1) throw new Error(`expected one manifest blob in the store, found ${manifestBlobs.length}`);
    const manifestStored = manifestBlobs[0][1];
    const manifestJson = Buffer.byteLength(JSON.stringify(manifest, null, 1));
    const layerBytes = sizeOfContainerLayer(name);
    log(`Samba scenario: docker commit + docker save`);
    docker(["commit", name, committed]);
    const savedBytes = await savedImageBytes(committed);
    return {
      files: archive.files,
      bytes: archive.bytes,
      storedBytes: archive.storedBytes,
      manifestStored,
      manifestJson,
      entries: manifest.entries.length,
      savedBytes,
      layerBytes,
      imageBytes: archive.imageBytes,
    };
  } finally {
    emptyStore();
    try {
      docker(["rmi", committed]);
    } catch {
      // the commit failed before creating it
    }
    removeSambaContainer(process.env.DOCKER_HOST, service.id);
  }
}

/** The container's writable layer in bytes (docker inspect --size: SizeRw). */
function sizeOfContainerLayer(name) {
  return Number(docker(["container", "inspect", "--size", "--format", "{{.SizeRw}}", name]).trim());
}

export async function runArchiveBench(server) {
  const loadBefore = os.loadavg()[0].toFixed(1);
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  log("archive throughput: Kura's archive job vs docker exec tar | gzip -1");
  const throughput = await benchArchiveThroughput(server);
  log("stored size: Kura's archive of the Samba scenario vs docker commit + docker save");
  const size = await benchStoredSize();
  const kuraRate = mbps(throughput.bytes, throughput.kuraMs);
  const baselineRate = mbps(throughput.bytes, throughput.baselineMs);
  const percent = (size.storedBytes / size.savedBytes) * 100;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const report = `# Benchmark: archive throughput and stored size (issue 4)

Measured by \`npm run bench\` (\`KURA_BENCH=archive\` for this part alone) on ${new Date().toISOString()}:
${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Docker Engine ${engineVersion}, Node ${process.version},
dashboard from \`next start\` (production build) of ${codeVersion()}.
MB = 10^6 bytes; rates are the files' bytes over wall time. Other work on the machine during the run: load average
${loadBefore} before the archive part, ${os.loadavg()[0].toFixed(1)} after (${os.cpus().length} cores: more than that means the runs shared the CPU).

| measure | Kura | baseline | ratio | target |
| --- | --- | --- | --- | --- |
| archive throughput, median of ${RUNS} | ${kuraRate.toFixed(1)} MB/s (${(throughput.kuraMs / 1000).toFixed(1)} s) | \`tar \\| gzip -1\` ${baselineRate.toFixed(1)} MB/s (${(throughput.baselineMs / 1000).toFixed(1)} s) | ${(kuraRate / baselineRate).toFixed(2)}x | at least 0.8x |
| the same through the engine's archive API (as for a remote engine), median of ${RUNS} | ${mbps(throughput.bytes, throughput.viaApiMs).toFixed(1)} MB/s (${(throughput.viaApiMs / 1000).toFixed(1)} s) | same baseline | ${(mbps(throughput.bytes, throughput.viaApiMs) / baselineRate).toFixed(2)}x | (none) |
| stored size of the Samba scenario | ${kb(size.storedBytes)} | \`docker commit\` + \`docker save\` ${mb(size.savedBytes)} | ${percent.toFixed(4)} % | under 1 % |

## Throughput

Container: Debian 12 (\`--network none\`) with ${throughput.files.toLocaleString("en")} files, ${throughput.bytes.toLocaleString("en")} bytes in all, in one new folder
\`${ARCHIVE_ROOT}\` (sizes spread evenly from 1 byte to ${kb((2 * ARCHIVE_BYTES) / ARCHIVE_FILES)}; odd files random bytes, even files log-like
text, each file unique). Kura archives it with the default rule set (everything under \`${ARCHIVE_ROOT}\` is user data); each
run checked that the archive holds exactly those ${throughput.files.toLocaleString("en")} files and bytes.

- Kura: wall time from \`POST /api/engines/local/containers/{c}/archives\` to the job reported \`succeeded\` (polled every
  100 ms), so it includes detection, reading every file, hashing, compressing, writing and fsyncing every blob, and the
  manifest. "Kura job (server)" is the job's own startedAt -> finishedAt. The engine is on this machine, so Kura reads
  the container's writable layer from its overlay2 folder (as \`layerRead: folder\` in the job's result says), with
  its blob worker threads. On a remote engine it reads through the engine's archive API instead: the second row, three
  more runs after the dashboard was restarted with \`KURA_LAYER_READ=archive-api\` (${throughput.viaApi.map((run) => `${(run.ms / 1000).toFixed(1)} s`).join(", ")}; dashboard CPU
  ${throughput.viaApi.map((run) => `${run.cpu.toFixed(1)} s`).join(", ")}), compared with the median of the same baseline runs.
- Baseline: \`docker exec <c> tar -c ${ARCHIVE_ROOT}\` piped straight into \`gzip -1 > /dev/null\` (two processes, one pipe, no
  shell), timed until gzip exits.
- A fresh store for every Kura run: the bench moves \`<KURA_DATA_DIR>/store/blobs\` out of the store before each run, so
  no run finds blobs of an earlier one (dedup would otherwise make runs 2 and 3 nearly free). Moved, not deleted: this
  disk's ext4 has no journal and avoids reusing an inode for 30 s after it is freed, so creating files right after
  deleting 10,000 was several times slower (a cost of the bench's clean-up, not of archiving). The files were synced to disk after
  they were made, and every run reads them from the page cache (both sides alike).
- Runs alternate Kura, baseline, Kura, baseline, ...; no warm-up.

| run | Kura wall | Kura job (server) | Kura MB/s | dashboard CPU | stored | \`tar \\| gzip -1\` | baseline MB/s | ratio |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${throughput.kura
  .map((run, index) => {
    const base = throughput.baseline[index];
    return `| ${index + 1} | ${(run.ms / 1000).toFixed(1)} s | ${(run.jobMs / 1000).toFixed(1)} s | ${mbps(throughput.bytes, run.ms).toFixed(1)} | ${run.cpu.toFixed(1)} s | ${mb(run.storedBytes)} | ${(base.ms / 1000).toFixed(1)} s | ${mbps(throughput.bytes, base.ms).toFixed(1)} | ${(base.ms / run.ms).toFixed(2)}x |`;
  })
  .join("\n")}

"dashboard CPU" is the user + system time of the \`next start\` processes during the run; dividing it by the wall time
gives how many of the ${os.cpus().length} cores the dashboard kept busy.

## Stored size

The Samba scenario (e2e/harness/samba-image.mjs, the same service as e2e/fixtures/samba.ts): \`${SAMBA_TAG}\` (Debian 12 +
\`apt-get install samba smbclient\`), user alice (uid 1500) with a Samba password, share [archive] at /srv/share holding
report.txt, smbd started and the file fetched once with smbclient. Archived by Kura with the default rule set into an
empty store, then \`docker commit\` of the same container and \`docker save <image> | wc -c\` (committed image removed after).

| | bytes |
| --- | --- |
| Kura: stored on disk (\`storedBytes\`: the blobs of ${size.files} files + the manifest, gzipped) | ${size.storedBytes.toLocaleString("en")} |
| of which the manifest (${size.entries} entries, ${size.manifestJson.toLocaleString("en")} bytes of JSON) | ${size.manifestStored.toLocaleString("en")} |
| Kura: the archived files' own size (${size.files} files) | ${size.bytes.toLocaleString("en")} |
| \`docker save\` of the committed container (every layer, base image included) | ${size.savedBytes.toLocaleString("en")} |
| for scale: the container's writable layer alone (\`SizeRw\`) | ${size.layerBytes.toLocaleString("en")} |

Kura stores ${percent.toFixed(4)} % of what \`docker commit\` + \`docker save\` produces (${((size.storedBytes / size.layerBytes) * 100).toFixed(2)} % of the writable layer alone).
`;
  writeFileSync(path.join(root, "e2e", "bench", "archive.md"), report);
  process.stdout.write(`\n${report}\n`);
}
