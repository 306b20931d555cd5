// Python virtual environments (issue 15): a venv is tied to the interpreter that made it (lib/python3.9/site-packages
// is only looked at by Python 3.9), so on a newer base its bin/python no longer finds its own distributions. Found by
// a kept pyvenv.cfg whose folder holds lib/pythonX.Y/site-packages. Converted in the image's last stage, without
// network, by kura/convert/python-venv.py run with the new base's python3: the venv is recreated over itself
// (`python3 -m venv --upgrade`, pip from the new Python's ensurepip), the pure-Python distributions it held are moved
// to the new lib/pythonX.Y/site-packages with their metadata (their console scripts keep working: they start
// bin/python, now the new interpreter; setuptools' old "easy-install" scripts, which need the old pkg_resources, are
// rewritten to import their entry point directly), and the others (compiled for the old Python, or whose file list
// was not archived) are named in a warning and left where they were. The venv's own tools (setuptools, wheel) are
// taken from the new release's wheels rather than carried. Pure: the archived texts it reads (pyvenv.cfg, RECORD,
// WHEEL, entry_points.txt, installed-files.txt, bin/ scripts) are read by the caller (pythonVenvTextsWanted).

import type { ManifestEntry } from "@/lib/archives/manifest";
import { parseDebianVersion } from "@/lib/restores/plan/compare-debian-versions";
import { PYTHON_VENV_SCRIPT } from "./python-venv-script";
import type { ConversionInput, ConversionPlan, PlannedConversion } from "./types";

export const PYTHON_VENV_ID = "python-venv";
export const PYTHON_VENV_SCRIPT_FILE = "kura/convert/python-venv.py";
export const PYTHON_VENV_SPEC_FILE = "kura/convert/python-venvs.json";
const SOURCE = "built-in: Python virtual environments";
/** The venv's own tools: never carried (an old pip or setuptools does not run on a newer Python), taken anew. */
const TOOLS = new Set(["pip", "setuptools", "wheel", "pkg-resources", "distribute"]);
/** Texts larger than this are not read (a RECORD of a big distribution is a few hundred KiB). */
export const PYTHON_VENV_TEXT_MAX_BYTES = 1024 * 1024;

const SITE_PACKAGES = /^(.*)\/lib\/python(\d+\.\d+)\/site-packages(?:\/|$)/;
const DIST_FOLDER = /^([^/]+?)-([^/-]+)(?:-[^/]*)?\.(dist-info|egg-info)$/;
const COMPILED_FILE = /\.(so(\.\d+)*|pyd|dylib)$/;
const SCRIPT_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]*$/;
const DOTTED = "[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*";
const ENTRY_POINT = new RegExp(`^(${DOTTED})\\s*:\\s*(${DOTTED})\\s*(?:\\[[^\\]]*\\])?$`);

const dirname = (file: string) => file.slice(0, Math.max(file.lastIndexOf("/"), 0)) || "/";
const basename = (file: string) => file.slice(file.lastIndexOf("/") + 1);
/** Joins a relative path onto a folder; null when it leaves the root or is absolute. */
function resolveUnder(folder: string, relative: string): string | null {
  if (relative.startsWith("/") || relative.includes("\0")) return null;
  const parts = folder.split("/").filter(Boolean);
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) return null;
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
const isUnder = (child: string, parent: string) => child.startsWith(`${parent}/`);

type FoundVenv = { dir: string; cfgPath: string; pythonVersion: string; sitePackages: string };

/** Kept pyvenv.cfg files whose folder holds lib/pythonX.Y/site-packages (the configured version's, else the newest). */
function findVenvs(entries: readonly ManifestEntry[], kept: readonly ManifestEntry[], cfgVersions: (dir: string) => string | null) {
  const versions = new Map<string, Set<string>>();
  for (const entry of entries) {
    const match = SITE_PACKAGES.exec(entry.path);
    if (!match) continue;
    const found = versions.get(match[1]!) ?? new Set<string>();
    found.add(match[2]!);
    versions.set(match[1]!, found);
  }
  const venvs: FoundVenv[] = [];
  for (const entry of kept) {
    if (entry.type !== "file" || basename(entry.path) !== "pyvenv.cfg") continue;
    const dir = dirname(entry.path);
    const held = [...(versions.get(dir) ?? [])].sort(compareVersions);
    if (!held.length) continue;
    const configured = cfgVersions(dir);
    const pythonVersion = configured && held.includes(configured) ? configured : held[held.length - 1]!;
    venvs.push({ dir, cfgPath: entry.path, pythonVersion, sitePackages: `${dir}/lib/python${pythonVersion}/site-packages` });
  }
  return venvs.sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** pyvenv.cfg's "key = value" lines (venv and virtualenv write them so). */
function parseCfg(text: string | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of (text ?? "").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return values;
}
const majorMinor = (version: string | undefined) => /^(\d+\.\d+)(?:\.|$)/.exec(version ?? "")?.[1] ?? null;

/** The first field of each RECORD line (CSV: a quoted field doubles its quotes). */
function recordPaths(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if (!line.startsWith('"')) {
      paths.push(line.split(",")[0]!);
      continue;
    }
    let value = "";
    for (let index = 1; index < line.length; index += 1) {
      if (line[index] !== '"') value += line[index];
      else if (line[index + 1] === '"') {
        value += '"';
        index += 1;
      } else break;
    }
    paths.push(value);
  }
  return paths.filter(Boolean);
}

/** Console and GUI scripts of an entry_points.txt: name -> "module:attr". */
function scriptEntryPoints(text: string | undefined): Map<string, string> {
  const scripts = new Map<string, string>();
  let section = "";
  for (const raw of (text ?? "").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) section = line.replace(/^\[|\]$/g, "").trim();
    else if ((section === "console_scripts" || section === "gui_scripts") && line.includes("=")) {
      const at = line.indexOf("=");
      scripts.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return scripts;
}

/** Whether a WHEEL file says pure Python for any interpreter (py3-none-any, py2.py3-none-any). */
function wheelIsPure(text: string): boolean {
  const fields = text.split(/\r?\n/).map((line) => line.split(":").map((part) => part.trim()));
  const purelib = fields.find(([key]) => key?.toLowerCase() === "root-is-purelib")?.[1]?.toLowerCase();
  const tags = fields.filter(([key]) => key?.toLowerCase() === "tag").map(([, value]) => value ?? "");
  return purelib !== "false" && tags.every((tag) => /^py[0-9.]*(\.py[0-9]*)*-none-any$/.test(tag));
}

/** A setuptools "easy-install" entry script: it needs the old pkg_resources, which newer Pythons cannot import. */
const isEasyInstallScript = (text: string) =>
  text.includes("EASY-INSTALL-ENTRY-SCRIPT") || /from pkg_resources import load_entry_point/.test(text);

/** pip's own console-script template: imports the entry point, nothing else. */
function consoleScript(shebang: string, module: string, attr: string): string {
  const head = attr.split(".")[0]!;
  return [
    shebang,
    "# -*- coding: utf-8 -*-",
    "# Rewritten by Kura's Python virtual environment conversion (the old script needed the old pkg_resources).",
    "import re",
    "import sys",
    `from ${module} import ${head}`,
    "if __name__ == '__main__':",
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])",
    `    sys.exit(${attr}())`,
    "",
  ].join("\n");
}

type Distribution = {
  name: string;
  version: string;
  folder: string;
  /** Archived files and links it holds (absolute), the folder's content included; null when its file list is unknown. */
  files: string[] | null;
  compiled: string[];
  pure: boolean;
  entryPoints: Map<string, string>;
};

function readDistribution(
  folderPath: string,
  texts: Readonly<Record<string, string>>,
  archived: ReadonlySet<string>,
  inFolder: readonly string[],
): Distribution | null {
  const folder = basename(folderPath);
  const match = DIST_FOLDER.exec(folder);
  if (!match) return null;
  const [, name = "", version = "", kind] = match;
  const listText = kind === "dist-info" ? texts[`${folderPath}/RECORD`] : texts[`${folderPath}/installed-files.txt`];
  const base = kind === "dist-info" ? dirname(folderPath) : folderPath;
  const listed =
    listText === undefined
      ? null
      : (kind === "dist-info" ? recordPaths(listText) : listText.split(/\r?\n/).filter(Boolean))
          .map((relative) => resolveUnder(base, relative))
          .filter((file): file is string => file !== null && archived.has(file));
  const files = listed === null ? null : [...new Set([...listed, ...inFolder])].sort();
  const compiled = (files ?? []).filter((file) => COMPILED_FILE.test(file)).map(basename);
  const wheel = kind === "dist-info" ? texts[`${folderPath}/WHEEL`] : undefined;
  const pure = files !== null && compiled.length === 0 && (wheel === undefined || wheelIsPure(wheel));
  return { name, version, folder, files, compiled, pure, entryPoints: scriptEntryPoints(texts[`${folderPath}/entry_points.txt`]) };
}

const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/**
 * The moves (relative to site-packages) that carry a distribution: a top-level folder whose archived content is all
 * the distribution's moves whole; otherwise (a namespace folder shared with others) its files move one by one.
 */
function movesOf(dist: Distribution, sitePackages: string, archivedUnder: (top: string) => string[]): string[] {
  const inside = (dist.files ?? []).filter((file) => isUnder(file, sitePackages));
  const byTop = new Map<string, string[]>();
  for (const file of inside) {
    const top = file.slice(sitePackages.length + 1).split("/")[0]!;
    const list = byTop.get(top);
    if (list) list.push(file);
    else byTop.set(top, [file]);
  }
  const owned = new Set(inside);
  const moves: string[] = [];
  for (const [top, files] of [...byTop].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const all = archivedUnder(top);
    if (all.every((file) => owned.has(file))) moves.push(top);
    else moves.push(...files.map((file) => file.slice(sitePackages.length + 1)));
  }
  return moves;
}

export type PythonVenvSpec = {
  venvs: {
    dir: string;
    fromVersion: string;
    systemSitePackages: boolean;
    withPip: boolean;
    /** The venv's tools to take from the new release's wheels (/usr/share/python-wheels), e.g. setuptools. */
    tools: string[];
    /** Paths relative to site-packages, moved from the old lib/pythonX.Y/site-packages to the new one. */
    moves: string[];
    /** Scripts in bin/ rewritten whole (absolute paths). */
    rewrites: { path: string; content: string }[];
  }[];
};

/** The archived texts the planner reads, by path: pyvenv.cfg, the distributions' metadata and the bin/ scripts. */
export function pythonVenvTextsWanted(entries: readonly ManifestEntry[]): string[] {
  const files = entries.filter((entry) => entry.type === "file" && entry.size <= PYTHON_VENV_TEXT_MAX_BYTES);
  const venvs = findVenvs(entries, files, () => null);
  const wanted: string[] = [];
  for (const venv of venvs) {
    wanted.push(venv.cfgPath);
    const dists = `${venv.dir}/lib/python`;
    for (const entry of files) {
      const match = SITE_PACKAGES.exec(entry.path);
      if (entry.path.startsWith(dists) && match?.[1] === venv.dir) {
        const [folder, file] = entry.path.slice(match[0].length).split("/");
        const kind = folder ? /\.(dist-info|egg-info)$/.exec(folder)?.[1] : undefined;
        if (kind === "dist-info" && (file === "RECORD" || file === "WHEEL" || file === "entry_points.txt")) wanted.push(entry.path);
        if (kind === "egg-info" && (file === "installed-files.txt" || file === "entry_points.txt")) wanted.push(entry.path);
      } else if (dirname(entry.path) === `${venv.dir}/bin` && entry.size <= 64 * 1024) wanted.push(entry.path);
    }
  }
  return [...new Set(wanted)];
}

/** The upstream part of a Debian version ("3.13.5-1" -> "3.13.5"). */
const upstreamOf = (version: string | null | undefined) => (version ? (parseDebianVersion(version)?.upstream ?? null) : null);

export function planPythonVenv(input: ConversionInput): ConversionPlan | null {
  const texts = input.archivedTexts ?? {};
  const entries = input.manifest.entries;
  const venvs = findVenvs(entries, input.payloadEntries, (dir) => majorMinor(parseCfg(texts[`${dir}/pyvenv.cfg`]).version));
  if (!venvs.length) return null;
  const newVersion = upstreamOf(input.newPackages.python3);
  const newMajorMinor = majorMinor(newVersion ?? undefined);
  const archived = new Set(entries.filter((entry) => entry.type === "file" || entry.type === "symlink").map((entry) => entry.path));

  const plan: ConversionPlan = { conversions: [], stages: [], finalLines: [], contextFiles: [], install: [], warnings: [] };
  const spec: PythonVenvSpec = { venvs: [] };
  for (const venv of venvs) {
    const cfg = parseCfg(texts[venv.cfgPath]);
    const fromVersion = cfg.version ?? cfg.version_info?.split(".").slice(0, 3).join(".") ?? venv.pythonVersion;
    const { sitePackages } = venv;
    // The archived files and links under site-packages, by their top-level name there.
    const byTop = new Map<string, string[]>();
    for (const path of archived) {
      if (!isUnder(path, sitePackages)) continue;
      const top = path.slice(sitePackages.length + 1).split("/")[0]!;
      const list = byTop.get(top);
      if (list) list.push(path);
      else byTop.set(top, [path]);
    }
    const archivedUnder = (top: string) => byTop.get(top) ?? [];
    const dists = entries
      .filter((entry) => entry.type === "dir" && dirname(entry.path) === sitePackages)
      .map((entry) => readDistribution(entry.path, texts, archived, archivedUnder(basename(entry.path))))
      .filter((dist): dist is Distribution => dist !== null)
      .sort((a, b) => (a.folder < b.folder ? -1 : 1));
    const tools = dists.filter((dist) => TOOLS.has(normalizeName(dist.name)));
    const carried = dists.filter((dist) => !TOOLS.has(normalizeName(dist.name)) && dist.pure);
    const left = dists.filter((dist) => !TOOLS.has(normalizeName(dist.name)) && !dist.pure);
    const withPip = tools.some((dist) => normalizeName(dist.name) === "pip");
    const moves = carried.flatMap((dist) => movesOf(dist, sitePackages, archivedUnder));

    // Scripts setuptools wrote for the carried distributions import the old pkg_resources: they are rewritten.
    const rewrites: { path: string; content: string }[] = [];
    const unrewritable: string[] = [];
    for (const dist of carried)
      for (const [name, value] of dist.entryPoints) {
        const path = `${venv.dir}/bin/${name}`;
        const text = texts[path];
        if (!SCRIPT_NAME.test(name) || text === undefined || !isEasyInstallScript(text)) continue;
        const entryPoint = ENTRY_POINT.exec(value);
        if (!entryPoint) {
          unrewritable.push(name);
          continue;
        }
        const first = text.split("\n")[0] ?? "";
        const shebang = first.startsWith(`#!${venv.dir}/bin/python`) ? first : `#!${venv.dir}/bin/python`;
        rewrites.push({ path, content: consoleScript(shebang, entryPoint[1]!, entryPoint[2]!) });
      }
    const toolNames = [...new Set(tools.map((dist) => normalizeName(dist.name)))].filter(
      (name) => name === "setuptools" || name === "wheel",
    );
    spec.venvs.push({
      dir: venv.dir,
      fromVersion: venv.pythonVersion,
      systemSitePackages: (cfg["include-system-site-packages"] ?? "").toLowerCase() === "true",
      withPip,
      tools: withPip ? toolNames : [],
      moves,
      rewrites,
    });

    // Known to be the same Python: the script finds nothing to do, the plan says nothing.
    if (newMajorMinor === venv.pythonVersion) continue;
    const toFolder = newMajorMinor ? `lib/python${newMajorMinor}/site-packages` : "the new Python's lib/pythonX.Y/site-packages";
    const newPython = newMajorMinor ? `Python ${newMajorMinor}` : "the new base's python3";
    const describe = (list: Distribution[]) => list.map((dist) => `${dist.name} ${dist.version}`).join(", ");
    const method = [
      `recreated over itself with ${newPython} (python3 -m venv --upgrade${withPip ? ", pip from its ensurepip" : ""}) in the image build`,
      carried.length
        ? `then ${carried.length} pure-Python distribution(s) moved from lib/python${venv.pythonVersion}/site-packages ` +
          `to ${toFolder} with their metadata: ${describe(carried)}`
        : "no pure-Python distribution to carry",
      rewrites.length
        ? `console script(s) ${rewrites.map((item) => basename(item.path)).join(", ")} rewritten to import their entry point ` +
          "(they needed the old pkg_resources)"
        : "",
      toolNames.length && withPip
        ? `${toolNames.join(", ")} not carried: installed from the new release's wheels (/usr/share/python-wheels) when it has them`
        : "",
      left.length ? `${left.length} distribution(s) left for a person (see the warnings)` : "",
    ]
      .filter(Boolean)
      .join("; ");
    const restoredChanges = newMajorMinor
      ? {
          moves: moves.map((relative) => ({
            from: `${sitePackages}/${relative}`,
            to: `${venv.dir}/lib/python${newMajorMinor}/site-packages/${relative}`,
          })),
          removed: [],
          // venv rewrites its configuration; ensurepip and pip rewrite their own scripts.
          rewritten: [
            venv.cfgPath,
            ...rewrites.map((item) => item.path),
            ...tools.flatMap((dist) => (dist.files ?? []).filter((file) => dirname(file) === `${venv.dir}/bin`)),
          ],
        }
      : undefined;
    const conversion: PlannedConversion = {
      id: PYTHON_VENV_ID,
      what: `Python virtual environment ${venv.dir}`,
      data: venv.dir,
      package: "python3",
      fromVersion,
      toVersion: newVersion,
      method,
      source: SOURCE,
      status: "planned",
      ...(restoredChanges ? { restoredChanges } : {}),
    };
    plan.conversions.push(conversion);
    if (left.length) {
      const why = (dist: Distribution) =>
        dist.files === null
          ? "its file list was not archived"
          : dist.compiled.length
            ? `compiled: ${dist.compiled.slice(0, 3).join(", ")}${dist.compiled.length > 3 ? ", …" : ""}`
            : "its wheel is not pure Python";
      plan.warnings.push({
        kind: "other",
        message:
          `The Python virtual environment ${venv.dir} (Python ${fromVersion}) holds ${left.length} distribution(s) ` +
          `Kura cannot carry to ${newPython}: ${left.map((dist) => `${dist.name} ${dist.version} (${why(dist)})`).join("; ")}. ` +
          `They stay in ${sitePackages}; reinstall them with the new interpreter (${venv.dir}/bin/pip install …) and check the app.`,
      });
    }
    if (unrewritable.length)
      plan.warnings.push({
        kind: "other",
        message:
          `In ${venv.dir}/bin, ${unrewritable.join(", ")} need the old pkg_resources and their entry point could not be read: ` +
          "check them after the restore.",
      });
  }
  // The new python3 and its ensurepip (a base without dpkg must bring its own python3: the build says so if it does not).
  if (input.manifest.packageManager === "dpkg") plan.install.push("python3", "python3-venv");
  plan.finalLines.push(
    "# Python virtual environments (issue 15): recreated with the new python3, their pure-Python distributions carried over.",
    `RUN ["python3", "/${PYTHON_VENV_SCRIPT_FILE}", "/${PYTHON_VENV_SPEC_FILE}"]`,
  );
  plan.contextFiles.push(
    { path: PYTHON_VENV_SCRIPT_FILE, content: PYTHON_VENV_SCRIPT, mode: 0o644 },
    { path: PYTHON_VENV_SPEC_FILE, content: `${JSON.stringify(spec, null, 2)}\n`, mode: 0o644 },
  );
  return plan;
}
