import { parseDebconfAnswers, type DebconfAnswer } from "@/lib/archives/parse-debconf-answers";
import { ContainerFileTooLarge, readContainerFile } from "@/lib/docker/read-container-file";
import { formatBytes, type ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";

// The archive's debconf answers (issue 13): debconf's database read from the container (running or
// stopped, through the engine's archive API, with a size limit) and parsed by parse-debconf-answers.ts.
// What it could not read or refused becomes a warning in the manifest, never a silent gap.

export const DEBCONF_CONFIG = "/var/cache/debconf/config.dat";
export const DEBCONF_TEMPLATES = "/var/cache/debconf/templates.dat";
/** config.dat holds one short record per question: a few hundred KiB on a large server. */
export const DEBCONF_CONFIG_MAX_BYTES = 8 * 1024 * 1024;
/** templates.dat holds every translation of every question: several MiB on a large server. */
export const DEBCONF_TEMPLATES_MAX_BYTES = 32 * 1024 * 1024;

async function readLimited(
  engine: EngineConnection,
  containerId: string,
  file: string,
  maxBytes: number,
  warnings: ReadWarning[],
): Promise<string | null> {
  try {
    return (await readContainerFile(engine, containerId, file, maxBytes))?.toString("utf8") ?? null;
  } catch (error) {
    if (!(error instanceof ContainerFileTooLarge)) throw error;
    warnings.push({
      code: "file-too-large",
      path: file,
      message:
        `${file} is ${formatBytes(error.size)}, over the ${formatBytes(error.limit)} Kura reads of it: ` +
        "the packages' debconf answers are not kept, so a restore installs them with their defaults.",
    });
    return null;
  }
}

/** The debconf answers of `packages` in the container; [] when it has no debconf database (not Debian, or none yet). */
export async function readDebconfAnswers(
  engine: EngineConnection,
  containerId: string,
  packages: readonly string[],
  warnings: ReadWarning[],
): Promise<DebconfAnswer[]> {
  if (packages.length === 0) return [];
  const config = await readLimited(engine, containerId, DEBCONF_CONFIG, DEBCONF_CONFIG_MAX_BYTES, warnings);
  if (config === null) return [];
  const templates = await readLimited(engine, containerId, DEBCONF_TEMPLATES, DEBCONF_TEMPLATES_MAX_BYTES, warnings);
  if (templates === null) {
    if (!warnings.some((warning) => warning.path === DEBCONF_TEMPLATES))
      warnings.push({
        code: "package-database-refused",
        path: DEBCONF_TEMPLATES,
        message:
          `${DEBCONF_TEMPLATES} is missing, so the types of the debconf answers are unknown: ` +
          "they are not kept, and a restore installs the packages with their defaults.",
      });
    return [];
  }
  const parsed = parseDebconfAnswers({ config, templates, packages });
  for (const refused of parsed.refused)
    warnings.push({ code: "package-database-refused", path: DEBCONF_CONFIG, message: `Debconf: ${refused.reason}.` });
  return parsed.answers;
}
