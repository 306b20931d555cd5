import { readFile } from "node:fs/promises";
import path from "node:path";
import { RESTORE_SCRIPT_FILES, type RestoreScripts } from "@/lib/restores/plan/restore-script-files";

// The restore's static programs (restore.sh, apply-metadata.pl, the awk programs), read from
// lib/restores/scripts/ at run time: real files that shellcheck, perl -c and the awks check
// (lib/restores/scripts/scripts.test.ts). Read once; they do not change while Kura runs.

const SCRIPTS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "restores", "scripts");

let loaded: Promise<RestoreScripts> | null = null;

export function readRestoreScripts(): Promise<RestoreScripts> {
  const read = async (name: string) => [name, await readFile(path.join(SCRIPTS_DIR, name), "utf8")] as const;
  loaded ??= Promise.all(RESTORE_SCRIPT_FILES.map(read)).then(
    (entries) => Object.fromEntries(entries) as RestoreScripts,
    (error: unknown) => {
      loaded = null;
      throw error;
    },
  );
  return loaded;
}
