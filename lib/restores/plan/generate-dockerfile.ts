// The Dockerfile of a restore's build context (layout in plan-restore.ts), in three stages:
//   kura-packages  the new base and the packages: the only step that needs a network (Kura builds
//                  this stage on the build network, KURA_BUILD_NETWORK, and the rest without one)
//   kura-restore   the payload and account files copied to /kura/stage and /kura/accounts, never to
//                  /, and the restore script run there with the base's own tools
//   (last)         the deletions run on the base, then the staged result copied over / with
//                  COPY --from (owners, modes and times kept), then the original configuration.
// So nothing archived runs while the image is built, and no archived ENV reaches a build step.
// Every value is quoted for Dockerfile syntax; what cannot be written safely is left out with a
// warning.

import type { Manifest } from "@/lib/archives/manifest";
import { printable } from "@/lib/restores/plan/quote-shell";
import type { RestoreWarning } from "@/lib/restores/plan/types";
import type { ConversionStage } from "@/lib/restores/plan/conversions/types";

export type GenerateDockerfileOptions = {
  baseImage: string;
  manifest: Pick<Manifest, "archive" | "container" | "image" | "config">;
  /** Package names for apt-get install (already validated and sorted); empty: no install step. */
  install: readonly string[];
  hasPayload: boolean;
  hasAccountFiles: boolean;
  /** Run `restore.sh delete` on the base in the last stage. */
  hasDeletions: boolean;
  /** The build context's debconf selections file (plan-debconf.ts), preseeded before the install; absent: none. */
  debconfSelections?: string;
  /** Data conversions (issue 15): stages placed before the image's, and lines run after the restored files are copied. */
  conversions?: { stages: readonly ConversionStage[]; finalLines: readonly string[]; firstStart?: readonly string[] };
};

/** The stage Kura builds on the build network; every other step is built without network. */
export const PACKAGES_STAGE = "kura-packages";
export const RESTORE_STAGE = "kura-restore";

export type GeneratedDockerfile = { dockerfile: string; buildArgs: string[]; warnings: RestoreWarning[] };

/** A Dockerfile double-quoted word: \, " and $ escaped (the characters the parser treats specially there). */
export function dockerfileQuote(value: string): string {
  return `"${value.replace(/[\\"$]/g, (ch) => `\\${ch}`)}"`;
}

/** Quoted only when needed (spaces, quotes, $, \ or an empty value). */
function dockerfileWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+,=-]+$/.test(value) ? value : dockerfileQuote(value);
}

const hasLineBreak = (value: string) => /[\r\n]/.test(value);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME = /^[^\s="'$\\]+$/;
const PORT = /^\d{1,5}(\/(tcp|udp|sctp))?$/;

export function checkBaseImage(baseImage: string): string | null {
  if (baseImage.trim() === "") return "The base image is empty.";
  if (/\s/.test(baseImage)) return `"${printable(baseImage)}" is not an image reference (it contains a space or line break).`;
  if (baseImage.startsWith("-")) return `"${baseImage}" is not an image reference.`;
  return null;
}

export function generateDockerfile(options: GenerateDockerfileOptions): GeneratedDockerfile {
  const { baseImage, manifest, install } = options;
  const problem = checkBaseImage(baseImage);
  if (problem) throw new Error(problem);
  const { config } = manifest;
  const warnings: RestoreWarning[] = [];
  const buildArgs: string[] = [];
  const lines: string[] = [];

  lines.push(
    `# Rebuilds the container "${printable(manifest.container.name)}" from the Kura archive "${printable(manifest.archive.name)}" (${printable(manifest.archive.id)}).`,
    `# It ran ${printable(manifest.image.reference)}; this rebuilds its data on ${printable(baseImage)}.`,
    "# Build it from this folder with plain Docker: docker build -t NAME .",
    `# Three stages: ${PACKAGES_STAGE} (the base and its packages, the only step that needs a network), ${RESTORE_STAGE} (the`,
    "# restore script works on a copy of the archived files outside /, with the base's own tools), and the image: the",
    "# deletions, then the restored files copied over /. Nothing archived runs while the image is built.",
    `FROM ${baseImage} AS ${PACKAGES_STAGE}`,
  );
  if (options.debconfSelections) {
    // The archived debconf answers, from a file (no value is ever written into this Dockerfile), before any install.
    const file = `/${options.debconfSelections}`;
    lines.push(`COPY ${options.debconfSelections} ${file}`, `RUN ["debconf-set-selections", "${file}"]`);
  }
  if (install.length) {
    const installCommand = `DEBIAN_FRONTEND=noninteractive apt-get install -y -- ${install.join(" ")}`;
    lines.push(`RUN apt-get update && ${installCommand} && rm -rf /var/lib/apt/lists/*`);
  }
  lines.push("", `FROM ${PACKAGES_STAGE} AS ${RESTORE_STAGE}`, "COPY kura/ /kura/");
  if (options.hasPayload) lines.push("COPY payload/ /kura/stage/");
  if (options.hasAccountFiles) lines.push("COPY accounts/ /kura/accounts/");
  lines.push('RUN ["/bin/sh", "/kura/restore.sh"]');
  for (const stage of options.conversions?.stages ?? []) lines.push("", ...stage.lines);
  lines.push("", `FROM ${PACKAGES_STAGE}`, "COPY kura/ /kura/");
  if (options.hasDeletions) lines.push('RUN ["/bin/sh", "/kura/restore.sh", "delete"]');
  lines.push(
    `COPY --from=${RESTORE_STAGE} /kura/restore-report.txt /kura/restore-report.txt`,
    `COPY --from=${RESTORE_STAGE} /kura/stage/ /`,
  );
  if (options.conversions?.finalLines.length) lines.push(...options.conversions.finalLines);

  for (const variable of config.env) {
    if (!ENV_NAME.test(variable.name)) {
      warnings.push({
        kind: "other",
        message: `The environment variable "${printable(variable.name)}" has a name a Dockerfile cannot hold, so it was left out: set it when starting the container (docker run -e).`,
      });
      continue;
    }
    if (variable.redacted) {
      if (!IDENTIFIER.test(variable.name)) {
        warnings.push({
          kind: "secret-left-out",
          message: `The value of ${variable.name} was left out of the archive as a secret, and its name cannot be a build argument: set it when starting the container (docker run -e ${variable.name}=...).`,
        });
        continue;
      }
      buildArgs.push(variable.name);
      lines.push(`ARG ${variable.name}`, `ENV ${variable.name}="\${${variable.name}}"`);
      warnings.push({
        kind: "secret-left-out",
        message: `The value of ${variable.name} was left out of the archive as a secret: pass it with docker build --build-arg ${variable.name}=... (it is then stored in the image's configuration), or set it when starting the container (docker run -e ${variable.name}=...).`,
      });
      continue;
    }
    const value = variable.value ?? "";
    if (hasLineBreak(value)) {
      warnings.push({
        kind: "other",
        message: `The value of ${variable.name} spans several lines, which a Dockerfile ENV cannot hold, so it was left out: set it when starting the container (docker run -e).`,
      });
      continue;
    }
    lines.push(`ENV ${variable.name}=${dockerfileQuote(value)}`);
  }

  if (config.workingDir !== "") {
    if (hasLineBreak(config.workingDir))
      warnings.push({
        kind: "other",
        message: "The working directory spans several lines and was left out: set WORKDIR in the Dockerfile by hand.",
      });
    else lines.push(`WORKDIR ${dockerfileWord(config.workingDir)}`);
  }

  const ports = config.exposedPorts.filter((port) => PORT.test(port));
  const badPorts = config.exposedPorts.filter((port) => !PORT.test(port));
  if (badPorts.length)
    warnings.push({
      kind: "other",
      message: `Exposed port(s) ${badPorts.map(printable).join(", ")} are not of the form 80 or 80/tcp and were left out of EXPOSE.`,
    });
  if (ports.length) lines.push(`EXPOSE ${ports.join(" ")}`);

  // VOLUME expands variables and quotes even in its JSON form, so odd paths are left out.
  const volumes = config.volumes.filter((volume) => volume.startsWith("/") && !/[\r\n"'$\\]/.test(volume));
  const badVolumes = config.volumes.filter((volume) => !volumes.includes(volume));
  if (badVolumes.length)
    warnings.push({
      kind: "other",
      message: `Volume(s) ${badVolumes.map(printable).join(", ")} contain characters a Dockerfile VOLUME cannot hold and were left out: mount them with docker run -v.`,
    });
  if (volumes.length) lines.push(`VOLUME ${JSON.stringify(volumes)}`);

  for (const [key, value] of Object.entries(config.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key === "" || hasLineBreak(key) || hasLineBreak(value)) {
      warnings.push({
        kind: "other",
        message: `The label "${printable(key)}" spans several lines, which a Dockerfile LABEL cannot hold, so it was left out.`,
      });
      continue;
    }
    lines.push(`LABEL ${dockerfileQuote(key)}=${dockerfileQuote(value)}`);
  }

  // USER last: the restore script above runs as root.
  if (config.user !== "") {
    if (hasLineBreak(config.user))
      warnings.push({
        kind: "other",
        message: "The container's user spans several lines and was left out: set USER in the Dockerfile by hand.",
      });
    else lines.push(`USER ${dockerfileWord(config.user)}`);
  }
  // Upgrade steps at first start (issue 15) run before the container's own entrypoint and command, once.
  const firstStart = (options.conversions?.firstStart?.length ?? 0) > 0 && (config.entrypoint?.length || config.cmd?.length);
  if (firstStart) lines.push(`ENTRYPOINT ${JSON.stringify(["/bin/sh", "/kura/first-start.sh", ...(config.entrypoint ?? [])])}`);
  else if (config.entrypoint?.length) lines.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd?.length) lines.push(`CMD ${JSON.stringify(config.cmd)}`);

  if (buildArgs.length)
    lines.splice(
      3,
      0,
      `# Pass the secrets left out of the archive: docker build ${buildArgs.map((name) => `--build-arg ${name}=...`).join(" ")} -t NAME .`,
    );
  return { dockerfile: `${lines.join("\n")}\n`, buildArgs, warnings };
}
