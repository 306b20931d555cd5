// Pure helpers behind the restore pages: the form's checks, the request it sends, the steps a
// restore goes through. Plain data in, plain data out.
import type { RestoreStep, RestoreView, StartRestoreInput } from "@/lib/restores/types";

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_CONTAINER_NAME = 128;

/** Why a container name cannot be used, or null when it can (Docker's own rule). */
export function containerNameProblem(name: string): string | null {
  if (!name) return "Give the restored container a name.";
  if (!CONTAINER_NAME.test(name)) return "Use letters, digits, '_', '.' or '-', starting with a letter or digit.";
  if (name.length > MAX_CONTAINER_NAME) return `At most ${MAX_CONTAINER_NAME} characters.`;
  return null;
}

export function defaultContainerName(archivedName: string): string {
  return `${archivedName.replace(/^\/+/, "")}-restored`;
}

/** The check command is one line run with `sh -c`: pasted line breaks become spaces. */
export function toOneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

export type RestoreForm = {
  engineId: string;
  baseImage: string;
  containerName: string;
  generatedDockerfile: string;
  dockerfile: string;
  buildArgNames: string[];
  buildArgs: Record<string, string>;
  checkCommand: string;
  network: "none" | "default";
  /** false: skip the configuration checkers (absent: they run). */
  configChecks?: boolean;
};

/** The POST body: the Dockerfile only when edited, only the build args given, no empty check. */
export function toStartRestoreInput(form: RestoreForm): StartRestoreInput {
  const input: StartRestoreInput = {
    engineId: form.engineId,
    baseImage: form.baseImage,
    containerName: form.containerName.trim(),
    network: form.network,
  };
  if (form.dockerfile !== form.generatedDockerfile) input.dockerfile = form.dockerfile;
  const given = form.buildArgNames.flatMap((name) => {
    const value = form.buildArgs[name] ?? "";
    return value === "" ? [] : [[name, value] as const];
  });
  if (given.length) input.buildArgs = Object.fromEntries(given);
  const check = form.checkCommand.trim();
  if (check) input.checkCommand = check;
  if (form.configChecks === false) input.configChecks = false;
  return input;
}

export type StepStatus = "done" | "running" | "failed" | "cancelled" | "pending" | "skipped";

export const RESTORE_STEPS: { step: Exclude<RestoreStep, "done">; label: string }[] = [
  { step: "plan", label: "Plan" },
  { step: "build", label: "Build the image" },
  { step: "merge", label: "Merge the configuration" },
  { step: "config-check", label: "Check the configuration" },
  { step: "run", label: "Start the container" },
  { step: "verify", label: "Verify files and accounts" },
  { step: "check", label: "Run the check command" },
];

export function stepLabel(step: RestoreStep): string {
  return RESTORE_STEPS.find((entry) => entry.step === step)?.label ?? "Done";
}

/** Each step's status: those before the current one are done; the current one runs or failed. */
export function stepStatuses(
  restore: Pick<RestoreView, "state" | "step" | "check"> & Partial<Pick<RestoreView, "configChecks">>,
): { step: RestoreStep; label: string; status: StepStatus }[] {
  const current = RESTORE_STEPS.findIndex((entry) => entry.step === restore.step);
  return RESTORE_STEPS.map((entry, index) => {
    let status: StepStatus;
    if (restore.state === "succeeded" || current === -1 || index < current) status = "done";
    else if (index > current) status = "pending";
    else if (restore.state === "running") status = "running";
    else status = restore.state === "cancelled" ? "cancelled" : "failed";
    if (entry.step === "check" && status === "done") status = restore.check ? (restore.check.ok ? "done" : "failed") : "skipped";
    if (entry.step === "config-check" && status === "done" && restore.configChecks?.length === 0) status = "skipped";
    return { ...entry, status };
  });
}
