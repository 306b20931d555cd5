import { Transform, type Readable } from "node:stream";
import { bundleReadme } from "@/lib/bundles/bundle-readme";
import { store } from "@/lib/store/store";
import { writeBundle } from "@/lib/bundles/write-bundle";
import { recordEvent } from "@/lib/audit/record-event";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import type { MigrationAction } from "@/lib/restores/plan/migration-rule-schema";

// Export: one .tar.gz that rebuilds the service with plain `docker build - < bundle.tar.gz`. By
// default its Dockerfile targets the image the service ran on; `base` asks for a newer one.

function describeAction(action: MigrationAction): string {
  if (action.kind === "upgrade") return `upgrade ${action.data} (${action.when}): ${action.run.join("; ")}`;
  if (action.kind === "move") return `move ${action.from} to ${action.to}`;
  if (action.kind === "rename-key") return `rename ${action.from} to ${action.to} in ${action.file}`;
  if (action.kind === "rewrite") return `rewrite lines matching ${action.match} to ${action.replace} in ${action.file}`;
  if (action.kind === "set") return `set ${action.key}${action.separator}${action.value} in ${action.file}`;
  return `delete ${action.path}`;
}

export async function exportBundle(
  archiveId: string,
  options: { base?: string; actor: string },
): Promise<{ stream: Readable; fileName: string }> {
  const { plan, manifest, manifestJson, view } = await makeRestorePlan(archiveId, {
    baseImage: options.base,
    originalImage: !options.base,
    checkRepositories: false,
  });
  const readme = bundleReadme({
    manifest,
    baseImage: view.baseImage,
    originalBase: view.baseImage === manifest.image.reference,
    buildArgs: plan.buildArgs,
    warnings: view.warnings,
    install: plan.packages.install,
    appliedRules: plan.migrationRules
      .filter((match) => match.status !== "not-applicable")
      .map((match) => ({ id: match.rule.id, description: describeAction(match.rule.action) })),
  });
  const bundle = writeBundle(
    {
      manifestJson,
      manifest,
      dockerfile: plan.dockerfile,
      readme,
      contextFiles: plan.contextFiles,
      payloadEntries: plan.payloadEntries,
      accountFiles: plan.accountFiles,
    },
    store,
  );

  // Count what leaves, and record the export once the last byte is out (or it failed).
  const target = `archive:${archiveId}`;
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      done(null, chunk);
    },
    flush(done) {
      void recordEvent({ actor: options.actor, action: "archive.export", target, detail: { baseImage: view.baseImage, bytes } }).catch(
        () => undefined,
      );
      done();
    },
  });
  bundle.once("error", (error) => {
    void recordEvent({
      actor: options.actor,
      action: "archive.export",
      target,
      result: "failed",
      detail: { baseImage: view.baseImage, error: error.message },
    }).catch(() => undefined);
    counted.destroy(error);
  });
  bundle.pipe(counted);
  const slug =
    manifest.archive.name
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "archive";
  return { stream: counted, fileName: `kura-${slug}.tar.gz` };
}
