import type { Manifest } from "../archives/manifest";

// The README.md inside an exported bundle: what it is and how to rebuild it with plain Docker.
// Pure: text from the manifest and the plan's facts.

export type BundleReadmeInput = {
  manifest: Manifest;
  baseImage: string;
  /** true when the Dockerfile targets the image the service originally ran on */
  originalBase: boolean;
  buildArgs: string[];
  warnings: { message: string }[];
  install: string[];
  appliedRules: { id: string; description: string }[];
};

export function bundleReadme(input: BundleReadmeInput): string {
  const { manifest } = input;
  const slug = manifest.container.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-") || "restored";
  const buildArgs = input.buildArgs.map((name) => ` --build-arg ${name}=...`).join("");
  const lines = [
    `# ${manifest.archive.name}`,
    "",
    `A Kura archive bundle of the container **${manifest.container.name}** (image \`${manifest.image.reference}\`${manifest.os ? `, ${manifest.os.prettyName}` : ""}),`,
    `archived ${manifest.archive.createdAt} by ${manifest.archive.createdBy}.${manifest.archive.note ? ` Note: ${manifest.archive.note}` : ""}`,
    "",
    `It holds only the service's mutable data (${manifest.totals.files} files, ${manifest.totals.bytes} bytes): the operating system and the packages`,
    "are installed again from the distribution's repositories when the image is built.",
    "",
    "## Rebuild it (no Kura needed)",
    "",
    `This bundle's Dockerfile builds on **${input.baseImage}**${input.originalBase ? " (the image the service ran on)" : " (a newer base than the original)"}.`,
    "",
    "```sh",
    `docker build -t ${slug}-restored${buildArgs} - < bundle.tar.gz`,
    `docker run -d --name ${slug}-restored ${slug}-restored`,
    "```",
    "",
    "or unpack it and build the folder: `mkdir b && tar -xzf bundle.tar.gz -C b && docker build -t " + `${slug}-restored${buildArgs} b\`.`,
    input.install.length
      ? `\nThe build runs \`apt-get install ${input.install.join(" ")}\`, so it needs the base's package repositories (on a machine without a default bridge network add \`--network host\`).`
      : "",
    input.buildArgs.length
      ? `\nSecret environment values were left out of the archive: pass them with ${input.buildArgs.map((name) => `\`--build-arg ${name}=...\``).join(", ")} (they become ENV values of the image).`
      : "",
    "",
    "## On a newer base",
    "",
    "Ask Kura for a bundle built for another base (Archive page, Restore…, or `GET /api/archives/<id>/bundle?base=debian:trixie`):",
    "the Dockerfile then installs the same hand-installed packages by name on that base, reports renamed or missing",
    "packages, and the restore script applies the migration rules for the new package versions. Changing only the FROM",
    "line of this Dockerfile also works when the packages keep their names and paths.",
    "",
    "## What is inside",
    "",
    "- `Dockerfile`: three stages. `kura-packages` installs the packages on the base (the only step that needs the network).",
    "  `kura-restore` copies the payload to a staging folder, /kura/stage, never to /, and runs the restore script there with the",
    "  base's own tools, so nothing archived runs while the image is built. The last stage applies the recorded deletions to the",
    "  base, copies the staged files to / after the last RUN, then sets the original CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE,",
    "  VOLUME and labels.",
    "- `kura/restore.sh` (with `kura/restore-plan.sh`, the part written for this archive): gives every archived file its owner, group, mode and time, recreates symlinks, merges the archived accounts into the new base's (never overwriting its system accounts; uid collisions are reported in /kura/restore-report.txt) and applies migration rules.",
    "- `kura/manifest.json`: the archive manifest (format kura-archive v1): the container's config, OS, packages and every archived entry with its SHA-256.",
    "- `payload/`: the archived files, laid out at their paths.",
    "- `accounts/`: the archived /etc/passwd, group, shadow and gshadow (merged, not copied).",
    "",
    input.appliedRules.length
      ? "## Migration rules applied\n\n" + input.appliedRules.map((rule) => `- ${rule.id}: ${rule.description}`).join("\n") + "\n"
      : "",
    input.warnings.length ? "## Read before building\n\n" + input.warnings.map((warning) => `- ${warning.message}`).join("\n") + "\n" : "",
  ];
  return `${lines
    .filter((line, index, all) => !(line === "" && all[index - 1] === ""))
    .join("\n")
    .trim()}\n`;
}
