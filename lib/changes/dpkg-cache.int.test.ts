import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { ensureNginxAppImage, NGINX_APP_TAG } from "@/e2e/harness/nginx-app-image.mjs";
import { detectContainerChanges, touchesDpkgDatabase } from "./detect-container-changes";

// dpkg's database of a container that never touched it is its image's: read once per image, reused for the next
// container of the same image. A container that changed it (apt, apt-mark) is read on its own.

const untouched = [uniqueName("kura-it-dpkg-a"), uniqueName("kura-it-dpkg-b")];
const marked = uniqueName("kura-it-dpkg-marked");

describe("dpkg's database, per image", () => {
  beforeAll(() => {
    ensureNginxAppImage(process.env.DOCKER_HOST!);
    for (const name of [...untouched, marked]) runContainer({ name, image: NGINX_APP_TAG });
    // apt would mark it so after `apt-get install` of something that depends on it.
    exec(marked, ["sh", "-c", "printf 'Package: nginx\\nArchitecture: amd64\\nAuto-Installed: 1\\n\\n' >> /var/lib/apt/extended_states"]);
  }, 600_000);
  afterAll(() => {
    for (const name of [...untouched, marked]) removeContainer(name);
  });

  it("knows which listings touch it", () => {
    expect(touchesDpkgDatabase(["/srv/a", "/var/lib/apt/lists/x"])).toBe(false);
    expect(touchesDpkgDatabase(["/var/lib/dpkg/status"])).toBe(true);
    expect(touchesDpkgDatabase(["/var/lib/apt/extended_states"])).toBe(true);
  });

  it("gives a second container of the same image the same package facts, and a container that changed them its own", async () => {
    const [a, b] = [await detectContainerChanges("local", untouched[0]!), await detectContainerChanges("local", untouched[1]!)];
    const facts = (detected: typeof a) => ({
      packages: detected.packages.map((pkg) => `${pkg.name} ${pkg.version} ${pkg.manual}`),
      classified: detected.entries.map((entry) => `${entry.path} ${entry.category} ${entry.selected}`),
    });
    expect(facts(b)).toEqual(facts(a));
    expect(a.packages.find((pkg) => pkg.name === "nginx")?.manual).toBe(true);
    const changed = await detectContainerChanges("local", marked);
    expect(changed.packages.find((pkg) => pkg.name === "nginx")?.manual).toBe(false);
  }, 120_000);
});
