import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The pure cores take plain data and return plain data (STYLE.md): no files, no database, no engine.
// A module in one of these folders that imports node built-ins, Prisma, dockerode, better-sqlite3 or
// an impure module of the app fails here, so the layering cannot drift silently.

const root = path.resolve(import.meta.dirname, "..");
const PURE_FOLDERS = ["lib/changes/classify", "lib/changes/packages", "lib/rules/language", "lib/restores/plan"];
/** Pure modules that live beside impure ones in their domain's folder. */
const PURE_FILES = [
  "lib/api/app-error.ts",
  "lib/archives/manifest.ts",
  "lib/archives/parse-debconf-answers.ts",
  "lib/archives/saving.ts",
  "lib/auth/password-rules.ts",
  "lib/auth/roles.ts",
  "lib/auth/safe-next-path.ts",
  "lib/containers/mask-env.ts",
  "lib/containers/parse-os-release.ts",
  "lib/engines/parse-endpoint.ts",
  "lib/restores/package-stage/types.ts",
  "lib/restores/package-stage/parse-stage-packages.ts",
];
const FORBIDDEN_PACKAGES = ["dockerode", "better-sqlite3", "@prisma/", "prisma", "tar-stream", "ssh2"];
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function sourcesUnder(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, folder))) {
    const relative = `${folder}/${name}`;
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourcesUnder(relative));
    else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(relative);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? "",
  );
}

/** The repository-relative file an app import names, or null for packages. */
function resolveLocal(specifier: string, from: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    try {
      if (statSync(path.join(root, candidate)).isFile()) return candidate;
    } catch {}
  }
  return base;
}

const isPure = (file: string) => PURE_FILES.includes(file) || PURE_FOLDERS.some((folder) => file.startsWith(`${folder}/`));
const pureModules = [...PURE_FOLDERS.flatMap(sourcesUnder), ...PURE_FILES];

describe("pure cores", () => {
  it.each(pureModules)("%s imports only pure code and libraries without I/O", (file) => {
    const problems: string[] = [];
    for (const specifier of importsOf(file)) {
      if (BUILTINS.has(specifier)) problems.push(`${specifier} (a Node built-in)`);
      else if (FORBIDDEN_PACKAGES.some((name) => specifier === name || specifier.startsWith(name.endsWith("/") ? name : `${name}/`)))
        problems.push(`${specifier} (does I/O)`);
      else {
        const local = resolveLocal(specifier, file);
        if (local && !isPure(local)) problems.push(`${specifier} (${local} is not a pure module)`);
      }
    }
    expect(problems, `${file} must stay pure`).toEqual([]);
  });

  it("finds the folders it guards", () => {
    for (const folder of PURE_FOLDERS) expect(sourcesUnder(folder).length, folder).toBeGreaterThan(0);
  });
});
