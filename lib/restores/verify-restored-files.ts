import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import { readContainerFile } from "@/lib/docker/read-container-file";
import { streamArchive } from "@/lib/docker/stream-archive";
import type { EngineConnection } from "@/lib/docker/types";
import { isAccountFile } from "@/lib/restores/plan/restore-paths";
import type { RestoreVerification } from "@/lib/restores/types";

// After a restore: read every archived file back from the new container through the engine's
// archive API and compare content hash, owner and mode with the manifest; check the accounts the
// archive brought are there with their uid and that the base's own accounts are untouched.

export type Move = { from: string; to: string };

/** Where an archived path should be after the plan's move rules. */
export function expectedPath(entryPath: string, moves: Move[]): string {
  for (const move of moves) {
    if (entryPath === move.from) return move.to;
    if (entryPath.startsWith(`${move.from}/`)) return move.to + entryPath.slice(move.from.length);
  }
  return entryPath;
}

/** The fewest paths whose tar streams cover every wanted path. */
function coveringRoots(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const roots: string[] = [];
  for (const candidate of sorted) {
    const last = roots[roots.length - 1];
    if (last && (candidate === last || candidate.startsWith(last === "/" ? "/" : `${last}/`))) continue;
    roots.push(candidate);
  }
  return roots;
}

function drain(content: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    content.on("end", resolve);
    content.on("error", reject);
    content.resume();
  });
}

function hashStream(content: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    content.on("data", (chunk: Buffer) => hash.update(chunk));
    content.on("end", () => resolve(hash.digest("hex")));
    content.on("error", reject);
  });
}

// Debian's adduser.conf: FIRST_UID=1000; 65534 is nobody.
const FIRST_USER_UID = 1000;
const NOBODY_UID = 65534;

const parsePasswd = (text: string) =>
  new Map(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => line.split(":"))
      .filter((fields) => fields.length >= 3)
      .map((fields) => [fields[0]!, Number(fields[2])] as const),
  );

export async function verifyRestoredFiles(input: {
  engine: EngineConnection;
  containerId: string;
  manifest: Manifest;
  moves: Move[];
  /** Archived paths a rule deleted or that are expected to be gone. */
  skip?: Set<string>;
  /** Archived files a rule edits (a renamed key): their content is expected to differ. */
  edited?: Set<string>;
  archivedPasswd: string | null;
  basePasswd: string | null;
  signal?: AbortSignal;
  onProgress?: (checked: number, total: number) => void;
}): Promise<RestoreVerification> {
  const { engine, containerId, manifest, moves } = input;
  const checks = new Map<string, ManifestEntry>();
  for (const entry of manifest.entries) {
    if (entry.type === "other" || isAccountFile(entry.path) || input.skip?.has(entry.path)) continue;
    checks.set(expectedPath(entry.path, moves), entry);
  }
  const seen = new Set<string>();
  const mismatches: RestoreVerification["mismatches"] = [];
  let ok = 0;
  const total = checks.size;
  for (const root of coveringRoots([...checks.keys()])) {
    input.signal?.throwIfAborted();
    await streamArchive(
      engine,
      containerId,
      root,
      async (header, content) => {
        const entry = checks.get(header.path);
        if (!entry || seen.has(header.path)) return drain(content);
        seen.add(header.path);
        const problems: string[] = [];
        if (header.type !== entry.type) problems.push(`is a ${header.type}, the archive has a ${entry.type}`);
        if (entry.type === "file" && header.type === "file") {
          const actual = await hashStream(content);
          if (entry.sha256 && actual !== entry.sha256 && !input.edited?.has(entry.path))
            problems.push(`content differs (sha256 ${actual.slice(0, 12)}…, archived ${entry.sha256.slice(0, 12)}…)`);
        } else await drain(content);
        if (entry.type === "symlink" && header.linkTarget !== entry.linkTarget)
          problems.push(`points to ${header.linkTarget ?? "nothing"}, archived ${entry.linkTarget ?? "nothing"}`);
        if (entry.type !== "symlink" && header.mode !== entry.mode)
          problems.push(`mode ${header.mode.toString(8)}, archived ${entry.mode.toString(8)}`);
        const sameOwner = entry.user && header.uname ? header.uname === entry.user : header.uid === entry.uid;
        const sameGroup = entry.group && header.gname ? header.gname === entry.group : header.gid === entry.gid;
        if (!sameOwner || !sameGroup)
          problems.push(
            `owner ${header.uname || header.uid}:${header.gname || header.gid}, archived ${entry.user || entry.uid}:${entry.group || entry.gid}`,
          );
        if (problems.length) mismatches.push({ path: header.path, problem: problems.join("; ") });
        else ok += 1;
        input.onProgress?.(seen.size, total);
      },
      input.signal,
    );
  }
  for (const [expected, entry] of checks) {
    if (!seen.has(expected))
      mismatches.push({ path: expected, problem: expected === entry.path ? "missing" : `missing (archived at ${entry.path})` });
  }

  const restoredPasswd = await readContainerFile(engine, containerId, "/etc/passwd");
  const now = parsePasswd(restoredPasswd?.toString("utf8") ?? "");
  const archived = parsePasswd(input.archivedPasswd ?? "");
  const base = parsePasswd(input.basePasswd ?? "");
  const accounts: RestoreVerification["accounts"] = [];
  for (const [name, uid] of archived) {
    if (base.has(name)) continue; // the base's own account stays as it is
    const actual = now.get(name);
    if (actual === uid) {
      accounts.push({ name, uid, ok: true, problem: null });
      continue;
    }
    // System accounts (uid < 1000) belong to packages: the new base's packages create their own, with
    // their own uids, and the restore script reports any it could not add. People's accounts must match.
    const system = uid < FIRST_USER_UID || uid === NOBODY_UID;
    const problem = actual === undefined ? "missing from /etc/passwd" : `has uid ${actual}`;
    accounts.push({
      name,
      uid,
      ok: system,
      problem: system ? `${problem}: a system account, the new base's packages decide it (see /kura/restore-report.txt)` : problem,
    });
  }
  for (const [name, uid] of base) {
    const actual = now.get(name);
    if (actual !== uid)
      accounts.push({
        name,
        uid,
        ok: false,
        problem: actual === undefined ? "a base account disappeared" : `a base account's uid changed to ${actual}`,
      });
  }
  mismatches.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { filesChecked: total, filesOk: ok, mismatches, accounts };
}
