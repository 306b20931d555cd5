import { parseDpkgStatus } from "@/lib/changes/packages/parse-dpkg";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { ContainerFileTooLarge, readContainerFile } from "@/lib/docker/read-container-file";
import { getEngine } from "@/lib/engines/engine-registry";
import { listCaptureRecipes } from "./capture-recipe-store";
import { matchCaptureRecipes } from "./match-capture-recipes";

// What an archive of this container would capture (for the archive form, before anything runs): the recipes that
// match its installed packages (read from dpkg's status file, through the engine), and the default way to hold it.

const DPKG_STATUS = "/var/lib/dpkg/status";
const DPKG_STATUS_MAX_BYTES = 32 * 1024 * 1024;

export type CapturePlan = {
  running: boolean;
  defaultQuiesce: "live" | "pause" | "stop";
  /** One sentence: why that default. */
  advice: string;
  recipes: {
    id: string;
    service: string;
    package: string;
    packageVersion: string;
    argv: string[];
    user: string;
    format: "sql" | "ldif" | "none";
    perItem: boolean;
    builtIn: boolean;
  }[];
};

export async function planCaptures(engineId: string, containerRef: string): Promise<CapturePlan> {
  const engine = await getEngine(engineId);
  const container = await inspectContainer(engine, containerRef);
  let text = "";
  try {
    text = (await readContainerFile(engine, container.id, DPKG_STATUS, DPKG_STATUS_MAX_BYTES))?.toString("utf8") ?? "";
  } catch (error) {
    if (!(error instanceof ContainerFileTooLarge)) throw error;
  }
  const packages = [...parseDpkgStatus(text).values()].map((pkg) => ({ name: pkg.name, version: pkg.version }));
  const matched = matchCaptureRecipes(await listCaptureRecipes(), packages);
  const running = container.state === "running";
  const recipes = matched.map(({ recipe, package: pkg }) => ({
    id: recipe.id,
    service: recipe.service,
    package: pkg.name,
    packageVersion: pkg.version,
    argv: recipe.argv,
    user: recipe.user,
    format: recipe.format,
    perItem: recipe.eachArgv !== null,
    builtIn: recipe.builtIn,
  }));
  const services = [...new Set(recipes.map((recipe) => recipe.service))].join(", ");
  const advice = !running
    ? "The container is not running: its files do not change, so they are copied as they are (no capture recipe runs)."
    : recipes.length
      ? `${services}: live, with the capture recipe (the dump is the consistent copy, made while the service runs); pause or stop also keeps the raw files still while they are copied.`
      : "No recognised database: live (the files are copied while it runs; a static site needs nothing more).";
  return { running, defaultQuiesce: "live", advice, recipes };
}
