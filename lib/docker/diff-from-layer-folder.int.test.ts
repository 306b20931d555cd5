import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { detectContainerChanges } from "@/lib/changes/detect-container-changes";
import { getEngine } from "@/lib/engines/engine-registry";
import { canReadOpaqueFolders, diffFromLayerFolder } from "./diff-from-layer-folder";
import { inspectContainerWithLayer } from "./inspect-container";
import { readDiff } from "./read-diff";
import { findLayerDirectory, walkLayerDirectory } from "./read-layer-directly";

// Kura's own diff from the writable layer's folder must say exactly what `docker diff` says: added, modified, deleted
// (a whiteout), and the paths a folder replaced whole (opaque) hid.

const name = uniqueName("kura-it-folder-diff");

describe("the writable layer's diff from its folder", () => {
  beforeAll(() => {
    runContainer({ name, image: BOOKWORM });
    exec(name, [
      "sh",
      "-c",
      [
        "mkdir -p /srv/a/b && echo 1 > /srv/a/one && echo 2 > /srv/a/b/two && ln -s one /srv/a/link",
        "echo extra >> /etc/debian_version",
        "rm /etc/issue.net && rm -rf /usr/share/doc/apt",
        // Replaced whole: overlay marks /etc/apt opaque and hides what the image held in it.
        "rm -rf /etc/apt && mkdir /etc/apt && touch /etc/apt/sources.list /etc/apt/new",
        "mkfifo /srv/a/fifo",
        // Opened for writing, not written: overlay copies it up, and it is no change.
        `perl -e 'open(my $f, ">>", "/etc/debconf.conf") or die'`,
      ].join(" && "),
    ]);
  });
  afterAll(() => removeContainer(name));

  it("agrees with docker diff, path for path, and detection uses it", async () => {
    expect(canReadOpaqueFolders()).toBe(true); // the harness installs attr
    const engine = await getEngine("local");
    const inspected = await inspectContainerWithLayer(engine, name);
    const layerDir = findLayerDirectory(engine, inspected)!;
    expect(layerDir).toBeTruthy();
    const walk = await walkLayerDirectory(layerDir);
    const ours = await diffFromLayerFolder(layerDir, walk.headers, inspected.lowerDirs ?? []);
    expect(ours).not.toBeNull();
    const engineDiff = await readDiff(engine, inspected.inspection.id);
    const line = (entry: { path: string; kind: string }) => `${entry.kind} ${entry.path}`;
    expect(ours!.entries.map(line).sort()).toEqual(engineDiff.map(line).sort());
    // The cases this test is about are in both.
    const kinds = new Map(ours!.entries.map((entry) => [entry.path, entry.kind]));
    expect(kinds.get("/srv/a/b/two")).toBe("added");
    expect(kinds.get("/etc/debian_version")).toBe("modified");
    expect(kinds.get("/etc/issue.net")).toBe("deleted");
    expect(kinds.get("/usr/share/doc/apt")).toBe("deleted");
    expect(kinds.get("/etc/apt/sources.list.d")).toBe("deleted");
    expect(kinds.get("/etc/apt/new")).toBe("added");
    expect(kinds.has("/etc/debconf.conf")).toBe(false);
    expect(walk.headers.has("/etc/debconf.conf")).toBe(true); // copied up all the same
    // Only paths whose folder the layers below hold are looked up there.
    expect(ours!.lstats).toBeLessThan(200);

    const detected = await detectContainerChanges("local", name, { packageChecks: false });
    expect(detected.diffVia).toBe("layer-folder");
    const viaEngine = await detectContainerChanges("local", name, { packageChecks: false, layerAccess: "archive-api" });
    expect(viaEngine.diffVia).toBe("engine");
    const shape = (entry: { path: string; kind: string; source: string; category: string; selected: boolean }) =>
      `${entry.path} ${entry.kind} ${entry.source} ${entry.category} ${entry.selected}`;
    expect(detected.entries.map(shape)).toEqual(viaEngine.entries.map(shape));
  }, 120_000);
});
