// Benchmark part "detection": docker diff vs GET .../changes, and the curation tree in Chromium
// -> e2e/bench/detection.md
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { api, auth, BASE, docker, median, ms, root, RUNS, time } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const FILES_PER_FOLDER = 50_000;

/** A Debian 12 container with 100,000 new files and a few hundred touched package files. */
function makeContainer(name) {
  try {
    docker(["rm", "-f", name]);
  } catch {
    // not there yet
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, "debian:bookworm", "sleep", "infinity"]);
  const script = [
    "set -e",
    `mkdir -p /srv/a /srv/b`,
    `cd /srv/a && seq -f 'f%06g.txt' 1 ${FILES_PER_FOLDER} | xargs touch`,
    `cd /srv/b && seq -f 'f%06g.txt' 1 ${FILES_PER_FOLDER} | xargs touch`,
    // Package files touched but not changed: what package checks must hash.
    "touch /usr/bin/*",
  ].join("\n");
  docker(["exec", name, "bash", "-c", script]);
}

async function benchDetection(name) {
  const diffTimes = [];
  const plainTimes = [];
  const packageTimes = [];
  let diffCount = 0;
  let entries = 0;
  let timings = {};
  const changes = `/api/engines/local/containers/${name}/changes`;
  // One warm-up each so neither side pays first-call costs in the measurement.
  docker(["diff", name]);
  await api("GET", `${changes}?packageChecks=false`);
  for (let run = 0; run < RUNS; run++) {
    diffTimes.push(await time(async () => (diffCount = docker(["diff", name]).split("\n").filter(Boolean).length)));
    plainTimes.push(await time(async () => (entries = (await api("GET", `${changes}?packageChecks=false`)).entries.length)));
    packageTimes.push(
      await time(async () => {
        const body = await api("GET", changes);
        timings = body.timings;
      }),
    );
  }
  return {
    diff: median(diffTimes),
    plain: median(plainTimes),
    withPackages: median(packageTimes),
    diffCount,
    entries,
    timings,
    raw: { diffTimes, plainTimes, packageTimes },
  };
}

async function benchBrowser(name) {
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
  const renders = [];
  const ticks = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addCookies(auth.cookies);
      const page = await context.newPage();
      const url = `/engines/local/containers/${name}?view=data`;
      const response = page.waitForResponse((candidate) => candidate.url().includes("/changes"), { timeout: 300_000 });
      await page.goto(BASE + url);
      await (await response).finished();
      // From the moment the data has arrived to the first rows on screen.
      const arrived = await page.evaluate(() => performance.now());
      await page.waitForSelector('[data-testid=tree-row][data-path="/srv/a"]', { timeout: 120_000 });
      const shown = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
      renders.push(shown - arrived);
      // Untick a folder with 50,000 entries below it: from the click to the next painted frame.
      ticks.push(
        await page.evaluate(async () => {
          const box = document.querySelector('[aria-label="Select /srv/a"]');
          const start = performance.now();
          box.click();
          await new Promise((resolve) => {
            const check = () =>
              document.querySelector('[data-testid=tree-row][data-path="/srv/a"]')?.getAttribute("data-selected") === "false"
                ? resolve()
                : requestAnimationFrame(check);
            check();
          });
          await new Promise((resolve) => requestAnimationFrame(() => resolve()));
          return performance.now() - start;
        }),
      );
      // Put the tick back so the next run starts from the same selection.
      await page.click('[aria-label="Select /srv/a"]');
      await page.waitForTimeout(800);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { render: median(renders), tick: median(ticks), raw: { renders, ticks } };
}

export async function runDetectionBench() {
  const name = "kura-bench-100k";
  log(`creating a container with ${2 * FILES_PER_FOLDER} changed files`);
  makeContainer(name);
  log("detection: docker diff vs GET .../changes");
  const detection = await benchDetection(name);
  log("curation tree in Chromium");
  const browser = await benchBrowser(name);
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  const report = `# Benchmark: detection and curation (issue 3)

Measured by \`npm run bench\` on ${new Date().toISOString()} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Docker Engine ${engineVersion}, Node ${process.version}). Medians of ${RUNS} runs after one warm-up.
Container: Debian 12 with ${detection.diffCount.toLocaleString("en")} paths in \`docker diff\` (2 folders of ${FILES_PER_FOLDER.toLocaleString("en")} new
files, plus \`touch /usr/bin/*\` so package checks have package files to hash).

| measure | result | baseline | ratio | target |
| --- | --- | --- | --- | --- |
| changes API, no package checks | ${ms(detection.plain)} | \`docker diff\` ${ms(detection.diff)} | ${(detection.plain / detection.diff).toFixed(2)}x | within 1.5x |
| changes API, with package checks | ${ms(detection.withPackages)} | \`docker diff\` ${ms(detection.diff)} | ${(detection.withPackages / detection.diff).toFixed(2)}x | within 2x |
| render the tree (data arrived -> rows painted) | ${ms(browser.render)} | | | under 1500 ms |
| tick a folder of ${FILES_PER_FOLDER.toLocaleString("en")} entries (click -> next frame) | ${ms(browser.tick)} | | | under 100 ms |

Entries returned by the changes API: ${detection.entries.toLocaleString("en")} (the diff's paths, without the mount-point noise
and with the same files). Server-side split of the last run with package checks (ms): ${JSON.stringify(detection.timings)}.

Raw runs (ms): docker diff ${detection.raw.diffTimes.map(Math.round).join(", ")}; API without checks ${detection.raw.plainTimes.map(Math.round).join(", ")};
API with checks ${detection.raw.packageTimes.map(Math.round).join(", ")}; render ${browser.raw.renders.map(Math.round).join(", ")}; tick ${browser.raw.ticks.map(Math.round).join(", ")}.
`;
  writeFileSync(path.join(root, "e2e", "bench", "detection.md"), report);
  process.stdout.write(`\n${report}\n`);
  docker(["rm", "-f", name]);
}
