// Small process helpers for the harness scripts (plain Node, no dependencies: these run
// before node_modules exists).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export function log(message) {
  process.stdout.write(`[kura-test] ${message}\n`);
}

/** Run argv to completion, inheriting output; throws on a non-zero exit. */
export function run(argv, options = {}) {
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd, args, {
    stdio: options.quiet ? "pipe" : "inherit",
    env: options.env ?? process.env,
    cwd: options.cwd,
    input: options.input,
  });
  if (result.status !== 0) {
    const detail = options.quiet ? `\n${result.stderr?.toString() ?? ""}` : "";
    throw new Error(`${argv.join(" ")} exited with ${result.status ?? result.signal}${detail}`);
  }
  return result.stdout?.toString() ?? "";
}

/** Run argv and resolve with its exit code (output inherited). */
export function runAsync(argv, options = {}) {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: options.env ?? process.env, cwd: options.cwd });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function which(name) {
  const result = spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "pipe" });
  return result.status === 0 ? result.stdout.toString().trim() : null;
}

export function isRootOnDebian() {
  return process.getuid?.() === 0 && existsSync("/etc/debian_version");
}

let aptUpdated = false;
export function aptInstall(packages) {
  if (!isRootOnDebian()) throw new Error(`missing ${packages.join(", ")}: install them (apt-get install ${packages.join(" ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    run(["apt-get", "update", "-qq"], { env });
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(" ")}`);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages], { env });
}

export function readPid(pidfile) {
  try {
    return Number.parseInt(readFileSync(pidfile, "utf8").trim(), 10) || null;
  } catch {
    return null;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
