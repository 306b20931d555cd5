import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, docker, dockerHost, uniqueName } from "@/e2e/fixtures/containers";
import { getEngine } from "@/lib/engines/engine-registry";
import { exportImageLayers } from "./export-image-layers";
import { walkLayerDirectory } from "./read-layer-directly";

// A remote engine's image layers come through its export (docker save); the local engine's from its
// overlay2 folders. Both must say the same about the same layer: files, folders, links, owners,
// modes, sizes, and what the layer deleted.

const image = `kura-test/export-layers:${uniqueName("x").toLowerCase()}`;
const DOCKERFILE = `FROM ${BUSYBOX}
RUN mkdir -p /opt/app/sub /srv/www && echo hello > /opt/app/a.txt && ln -s a.txt /opt/app/link && echo x > /opt/app/sub/old && \\
    chmod 640 /opt/app/a.txt && chown 33:33 /srv/www && echo page > /srv/www/index.html
RUN rm /bin/vi && rm -rf /opt/app/sub && mkdir /opt/app/sub && echo new > /opt/app/sub/new && \\
    printf '%s\\n' '-----BEGIN PRIVATE KEY-----' > /opt/app/key && rm /srv/www/index.html
`;

type Layers = { diffIds: string[]; dirs: string[] };
let layers: Layers;

describe("image layers through the engine's export", () => {
  beforeAll(() => {
    execFileSync("docker", ["-H", dockerHost(), "build", "--network", "none", "-q", "-t", image, "-"], { input: DOCKERFILE });
    const inspected = JSON.parse(docker(["image", "inspect", image]))[0] as {
      RootFS: { Layers: string[] };
      GraphDriver: { Name: string; Data: { UpperDir: string; LowerDir?: string } };
    };
    // Folders top first: the image's own top layer, then those below it.
    const dirs = [inspected.GraphDriver.Data.UpperDir, ...(inspected.GraphDriver.Data.LowerDir ?? "").split(":").filter(Boolean)];
    layers = { diffIds: inspected.RootFS.Layers, dirs: dirs.reverse() };
  }, 120_000);

  afterAll(() => {
    docker(["rmi", "-f", image]);
  });

  it("reads the layers asked for, with deletions and opaque folders, and agrees with the overlay2 folders", async () => {
    const engine = await getEngine("local");
    const [base, first, second] = layers.diffIds;
    const read = await exportImageLayers(engine, image, {
      layers: new Set([first!, second!]),
      headBytes: 32,
      hash: (file) => file === "/opt/app/a.txt",
    });
    expect([...read.keys()].sort()).toEqual([first, second].sort());
    expect(read.has(base!)).toBe(false);

    const top = read.get(second!)!;
    expect(top.deleted.sort()).toEqual(["/bin/vi", "/srv/www/index.html"]);
    expect(top.opaque).toEqual(["/opt/app/sub"]);
    expect(top.headers.find((h) => h.path === "/opt/app/key")?.head?.toString()).toContain("BEGIN PRIVATE KEY");

    const lower = read.get(first!)!;
    const file = lower.headers.find((h) => h.path === "/opt/app/a.txt")!;
    expect(file).toMatchObject({ type: "file", size: 6, mode: 0o640, uid: 0 });
    expect(file.digest).toBe(createHash("md5").update("hello\n").digest("hex"));
    expect(lower.headers.find((h) => h.path === "/opt/app/link")).toMatchObject({ type: "symlink", linkTarget: "a.txt" });
    expect(lower.headers.find((h) => h.path === "/srv/www")).toMatchObject({ type: "dir", uid: 33, gid: 33 });

    // The same layers read from the engine's folders (this engine is local).
    for (const [index, diffId] of layers.diffIds.entries()) {
      const exported = read.get(diffId);
      if (!exported) continue;
      const walked = await walkLayerDirectory(layers.dirs[index]!);
      const fromFolder = [...walked.headers.values()];
      // overlay2 writes a deletion as a character device 0/0 where the file was.
      const folderDeleted = fromFolder.filter((h) => h.type === "other").map((h) => h.path);
      expect(folderDeleted.sort()).toEqual([...exported.deleted].sort());
      const shape = (h: { path: string; type: string; size: number; mode: number; uid: number; gid: number; linkTarget: string | null }) =>
        `${h.path} ${h.type} ${h.type === "file" ? h.size : 0} ${h.mode.toString(8)} ${h.uid}:${h.gid} ${h.linkTarget ?? ""}`;
      expect(exported.headers.map(shape).sort()).toEqual(
        fromFolder
          .filter((h) => h.type !== "other")
          .map(shape)
          .sort(),
      );
    }
  }, 120_000);

  it("answers 404 for an image the engine does not have, without pulling it", async () => {
    const engine = await getEngine("local");
    await expect(exportImageLayers(engine, "sha256:" + "0".repeat(64), { layers: new Set() })).rejects.toMatchObject({ status: 404 });
  });
});
