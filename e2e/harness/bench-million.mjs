// Benchmark part "million": detection of a container with 1,000,000 changed files against `docker diff`
// in the same run (issue 13's scale target), with the size of the changes API's answer, then the paged
// tree over it: the summary and a folder page from the kept detection, and in Chromium the tree's first
// paint and a tick of the folder holding all 1,000,000 files.
// -> e2e/bench/million.md
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { call, auth, BASE, docker, median, ms, root, time } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const FOLDERS = 20;
const FILES_PER_FOLDER = 50_000;
const RUNS = 2;
const BROWSER_RUNS = 3;

// The paged API, as the page asks for it (package checks on, the default): the first summary detects
// and keeps the detection, later summaries and folder pages answer from it.
async function benchPagedApi(name) {
  const changes = `/api/engines/local/containers/${name}/changes`;
  const get = async (url) => {
    const response = await call("GET", url, { headers: auth.headers });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${response.text.slice(0, 300)}`);
    return { body: JSON.parse(response.text), bytes: Buffer.byteLength(response.text) };
  };
  let summary;
  const first = await time(async () => (summary = await get(`${changes}/summary?fresh=true`)));
  const kept = [];
  for (let run = 0; run < 3; run++) kept.push(await time(async () => (summary = await get(`${changes}/summary`))));
  let folder;
  const folderTimes = [];
  for (let run = 0; run < 3; run++)
    folderTimes.push(await time(async () => (folder = await get(`${changes}/folder?path=/srv/d7&offset=25000&limit=500`))));
  const searchTimes = [];
  for (let run = 0; run < 2; run++) searchTimes.push(await time(async () => get(`${changes}/folder?path=/srv&search=f049999-${run}`)));
  return {
    first,
    kept: median(kept),
    folder: median(folderTimes),
    search: Math.max(...searchTimes),
    summaryBytes: summary.bytes,
    detectedAt: summary.body.detectedAt,
    folderBytes: folder.bytes,
    entries: summary.body.totals.entries,
    timings: summary.body.timings,
  };
}

// Chromium on the container's Mutable data view. First paint: from the start of the navigation
// (performance.now() is 0 there) to the first animation frame after the /srv row is in the DOM,
// the summary having arrived first. Tick: the /srv folder holds all 1,000,000 files (the root's only
// folder with changes below it); from the click to the next frame painted with its new state, and on
// to the server's recounted totals (save after the 400 ms debounce, then summary and pages refetched).
async function benchPagedBrowser(name) {
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({
    executablePath: process.env.KURA_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const paints = [];
  const arrivals = [];
  const htmls = [];
  const detections = [];
  const serverTimings = [];
  const ticks = [];
  const recounts = [];
  try {
    for (let run = 0; run < BROWSER_RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addCookies(auth.cookies);
      const page = await context.newPage();
      const summary = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith("/changes/summary"), {
        timeout: 600_000,
      });
      await page.goto(`${BASE}/engines/local/containers/${name}?view=data`);
      const summaryResponse = await summary;
      await summaryResponse.finished();
      detections.push((await summaryResponse.json()).detectedAt);
      serverTimings.push(summaryResponse.headers()["server-timing"] ?? "");
      arrivals.push(await page.evaluate(() => performance.now()));
      // When the server's HTML (it inspects the container and reads its os-release) began to arrive.
      htmls.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.responseStart ?? 0));
      await page.waitForSelector('[data-testid=tree-row][data-path="/srv"]', { timeout: 120_000 });
      paints.push(await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))));
      await page.waitForSelector('[data-testid=tree-row][data-path="/srv/d1"]', { timeout: 120_000 });
      const measured = await page.evaluate(async () => {
        const row = () => document.querySelector('[data-testid=tree-row][data-path="/srv"]');
        const totals = () => document.querySelector("[data-testid=selection-totals]")?.getAttribute("data-selected-entries");
        const before = row()?.getAttribute("data-selected");
        const totalsBefore = totals();
        const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
        const start = performance.now();
        document.querySelector('[aria-label="Select /srv"]').click();
        while (row()?.getAttribute("data-selected") === before) await frame();
        await frame();
        const tick = performance.now() - start;
        while (totals() === totalsBefore) await frame();
        return { tick, recount: performance.now() - start };
      });
      ticks.push(measured.tick);
      recounts.push(measured.recount);
      // Put the tick back so the next run starts from the same selection.
      await page.click('[aria-label="Select /srv"]');
      await page.waitForSelector("[data-testid=save-state]:text('saved')");
      await page.waitForTimeout(1500);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return {
    paint: median(paints),
    arrived: median(arrivals),
    tick: median(ticks),
    recount: median(recounts),
    raw: { paints, arrivals, htmls, ticks, recounts, detections, serverTimings },
  };
}

function makeContainer(name) {
  try {
    docker(["rm", "-f", name]);
  } catch {
    // not there yet
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, "debian:bookworm", "sleep", "infinity"]);
  const script = [
    "set -e",
    `for d in $(seq 1 ${FOLDERS}); do mkdir -p /srv/d$d && (cd /srv/d$d && seq -f 'f%06g.txt' 1 ${FILES_PER_FOLDER} | xargs touch); done`,
  ].join("\n");
  docker(["exec", name, "bash", "-c", script]);
}

export async function runMillionBench() {
  const name = "kura-bench-1m";
  log(`creating a container with ${(FOLDERS * FILES_PER_FOLDER).toLocaleString("en")} changed files`);
  makeContainer(name);
  const changes = `/api/engines/local/containers/${name}/changes?packageChecks=false`;
  const diffTimes = [];
  const apiTimes = [];
  let diffCount = 0;
  let entries = 0;
  let bytes = 0;
  let status = 0;
  let timings = {};
  docker(["diff", name]); // warm-up
  for (let run = 0; run < RUNS; run++) {
    diffTimes.push(await time(async () => (diffCount = docker(["diff", name]).split("\n").filter(Boolean).length)));
    apiTimes.push(
      await time(async () => {
        const response = await call("GET", changes, { headers: auth.headers });
        status = response.status;
        bytes = Buffer.byteLength(response.text);
        if (status === 200) {
          const body = JSON.parse(response.text);
          entries = body.entries.length;
          timings = body.timings;
        }
      }),
    );
  }
  log("paged tree API: summary (detects once, then kept) and folder pages");
  const paged = await benchPagedApi(name);
  log("paged tree in Chromium: first paint and a tick of /srv");
  const browser = await benchPagedBrowser(name);
  const diff = median(diffTimes);
  const detected = median(apiTimes);
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  const report = `# Benchmark: one million changed files (issue 13)

Measured by \`npm run bench\` on ${new Date().toISOString()} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Docker Engine ${engineVersion}, Node ${process.version}). Medians of ${RUNS} runs after one warm-up of \`docker diff\`.
Container: Debian 12 with ${FOLDERS} folders of ${FILES_PER_FOLDER.toLocaleString("en")} new empty files (${diffCount.toLocaleString("en")} paths in \`docker diff\`).

| measure | result | baseline | ratio | target |
| --- | --- | --- | --- | --- |
| changes API (whole list, no package checks) | ${ms(detected)} | \`docker diff\` ${ms(diff)} | ${(detected / diff).toFixed(2)}x | at most 1.0x |
| paged tree: first paint (navigation start -> first rows painted, summary arrived) | ${ms(browser.paint)} | | | under 1500 ms |
| paged tree: tick /srv, all 1,000,000 files (click -> next frame with the new state) | ${ms(browser.tick)} | | | under 200 ms |
| paged tree: tick /srv -> server's recounted totals on screen (400 ms save debounce included) | ${ms(browser.recount)} | | | |
| summary, first (detects with package checks, builds the kept tree) | ${ms(paged.first)} | | | |
| summary from the kept detection | ${ms(paged.kept)} (${(paged.summaryBytes / 1e3).toFixed(1)} kB) | | | |
| folder page (500 children of /srv/d7 from offset 25,000) | ${ms(paged.folder)} (${(paged.folderBytes / 1e3).toFixed(1)} kB) | | | |
| folder with a search over all 1,000,000 paths (a new search each time) | ${ms(paged.search)} | | | |

The whole-list API answered HTTP ${status} with ${(bytes / 1e6).toFixed(0)} MB of JSON for ${entries.toLocaleString("en")} entries. Server-side split (ms):
${JSON.stringify(timings)}. Raw runs (ms): docker diff ${diffTimes.map(Math.round).join(", ")}; API ${apiTimes.map(Math.round).join(", ")}.

The paged tree (used above 20,000 entries) answers from the detection the server keeps after the first summary
(${paged.entries.toLocaleString("en")} entries; its split in ms: ${JSON.stringify(paged.timings)}). First paint is measured in Chromium from the start of
the navigation to the Mutable data view (performance.now() = 0) to the first frame after the \`/srv\` row is in the page; the
summary (${ms(browser.arrived)} after navigation start, median) and the root's folder page arrive before it. Medians of ${BROWSER_RUNS} page loads;
raw (ms): paint ${browser.raw.paints.map(Math.round).join(", ")}; page HTML began ${browser.raw.htmls.map(Math.round).join(", ")};
summary arrived ${browser.raw.arrivals.map(Math.round).join(", ")} (its Server-Timing: ${browser.raw.serverTimings.join("; ")};
detected at ${browser.raw.detections.join(", ")}, the API's kept one ${paged.detectedAt}); tick ${browser.raw.ticks.map(Math.round).join(", ")}; recount ${browser.raw.recounts.map(Math.round).join(", ")}.
`;
  writeFileSync(path.join(root, "e2e", "bench", "million.md"), report);
  process.stdout.write(`\n${report}\n`);
  docker(["rm", "-f", name]);
}
