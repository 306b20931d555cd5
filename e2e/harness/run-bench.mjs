#!/usr/bin/env node
// `npm run bench`: the performance targets of the issues, measured on the real engine and in
// Chromium, written to e2e/bench/*.md. Ratios against the baseline each issue names; nothing here
// is a pass/fail test.
//
// Parts (KURA_BENCH, default "all"; a comma list works too):
//   detection  docker diff vs GET .../changes, and the curation tree in Chromium -> e2e/bench/detection.md
//   archive    archive throughput vs `tar | gzip -1`, and stored size vs `docker commit` + `docker save`
//              -> e2e/bench/archive.md
//   restore    Kura's whole restore of the Samba scenario vs docker build of a hand-written Dockerfile
//              -> e2e/bench/restore.md
//   service    detection of a whole service image (its own layers) vs `docker export`, cold and on a second container
//              of the same image -> e2e/bench/service.md
//   million    detection of 1,000,000 changed files vs `docker diff` -> e2e/bench/million.md
//   postgres   Kura's restore of the PostgreSQL 13 -> 17 scenario (the data converted) vs a hand-written Dockerfile
//              loading the same dump -> e2e/bench/postgres.md
//   load       20 signed-in clients for 60 s browsing containers, changes and archives -> e2e/bench/load.md
//   chunks     a 1 GiB file archived, 1% of it rewritten in place, archived again: the bytes the second archive adds,
//              with the store's chunking on and off -> e2e/bench/chunks.md (about 5-10 minutes here)
//   s3         archive throughput into Ceph RGW (KURA_STORE=s3://…) vs `tar | gzip -1` uploaded to the same bucket
//              with the SDK -> e2e/bench/s3.md
// e.g. `KURA_BENCH=archive npm run bench` runs only the archive part (about 6-8 minutes here).
import { artifacts, root, servers, signIn, startServer } from "./bench-common.mjs";
import { deleteSetAside, runArchiveBench } from "./bench-archive.mjs";
import { runChunksBench } from "./bench-chunks.mjs";
import { runDetectionBench } from "./bench-detection.mjs";
import { runLoadBench } from "./bench-load.mjs";
import { runMillionBench } from "./bench-million.mjs";
import { runPostgresBench } from "./bench-postgres.mjs";
import { runRestoreBench } from "./bench-restore.mjs";
import { runS3Bench } from "./bench-s3.mjs";
import { runServiceBench } from "./bench-service.mjs";
import { cleanUp, prepare } from "./prepare.mjs";

process.chdir(root);

const PARTS = new Set(
  (process.env.KURA_BENCH ?? "all")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean),
);
const runs = (part) => PARTS.has("all") || PARTS.has(part);

async function main() {
  let prepared;
  let exitCode = 0;
  try {
    prepared = await prepare({ artifacts });
    await startServer();
    await signIn();
    for (const [part, bench] of [
      ["detection", runDetectionBench],
      ["archive", runArchiveBench],
      ["restore", runRestoreBench],
      ["service", runServiceBench],
      ["million", runMillionBench],
      ["postgres", runPostgresBench],
      ["load", runLoadBench],
      ["s3", runS3Bench],
      ["chunks", runChunksBench],
    ]) {
      if (!runs(part)) continue;
      try {
        await bench(servers.current);
      } catch (error) {
        process.stderr.write(
          `[kura-bench] ${part} failed: ${error.stack ?? error.message}${error.cause ? `\ncaused by: ${error.cause.stack ?? error.cause}` : ""}\n`,
        );
        exitCode = 1;
      }
    }
  } catch (error) {
    process.stderr.write(`[kura-bench] failed: ${error.stack ?? error.message}\n`);
    exitCode = 1;
  } finally {
    if (servers.current) process.kill(-servers.current.pid, "SIGTERM");
    if (prepared) deleteSetAside();
    await cleanUp(prepared);
  }
  process.exit(exitCode);
}

main();
