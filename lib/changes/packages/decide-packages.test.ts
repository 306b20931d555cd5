import { describe, expect, it } from "vitest";
import { decidePackages } from "@/lib/changes/packages/decide-packages";
import { parseDpkgStatus, parseExtendedStates } from "@/lib/changes/packages/parse-dpkg";

// A Debian 11 container: debootstrap's minbase (bash, libc6, apt...), then `apt-get install cron logrotate`,
// which pulled in sensible-utils (a dependency of cron), libpopt0 (of logrotate) and exim4-base (recommended by
// cron's mail support through the virtual mail-transport-agent).
const STATUS = `Package: bash
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 5.1-2+deb11u1

Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 2.31-13+deb11u11

Package: apt
Status: install ok installed
Priority: required
Architecture: amd64
Version: 2.2.4
Depends: libc6 (>= 2.15)

Package: adduser
Status: install ok installed
Priority: important
Architecture: all
Version: 3.118

Package: cron
Status: install ok installed
Priority: important
Architecture: amd64
Version: 3.0pl1-137
Pre-Depends: init-system-helpers (>= 1.54~)
Depends: libc6 (>= 2.14), sensible-utils, adduser
Recommends: default-mta | mail-transport-agent

Package: logrotate
Status: install ok installed
Priority: important
Architecture: amd64
Version: 3.18.0-2+deb11u2
Depends: cron | anacron | cron-daemon, libc6 (>= 2.14), libpopt0 (>= 1.14)

Package: sensible-utils
Status: install ok installed
Priority: required
Architecture: all
Version: 0.0.14

Package: libpopt0
Status: install ok installed
Priority: important
Architecture: amd64
Version: 1.18-2

Package: exim4-base
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 4.94.2-7
Provides: mail-transport-agent

Package: hostname-essential
Essential: yes
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 1.0

Package: orphan
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 1.0
`;

const EXTENDED = ["sensible-utils", "libpopt0", "exim4-base", "orphan"]
  .map((name) => `Package: ${name}\nArchitecture: amd64\nAuto-Installed: 1\n`)
  .join("\n");

const status = parseDpkgStatus(STATUS);
const auto = parseExtendedStates(EXTENDED);
const BASE = new Set(["bash", "libc6", "apt", "adduser"]);

const reasonOf = (result: ReturnType<typeof decidePackages>, name: string) => result.packages.find((pkg) => pkg.name === name)?.reason;
const manualOf = (result: ReturnType<typeof decidePackages>) => result.packages.filter((pkg) => pkg.manual).map((pkg) => pkg.name);

describe("decidePackages", () => {
  const fromLayer = decidePackages({
    status,
    autoInstalled: auto,
    base: { source: "lowest-layer", names: BASE, image: "debian:bullseye", readVia: "layer-folder" },
  });

  it("installs what the container added to its base and apt did not pull in, whatever the priority (cron is important)", () => {
    // (hostname-essential is Essential, but not in this base: a fact beats a mark.)
    expect(manualOf(fromLayer)).toEqual(["cron", "hostname-essential", "logrotate"]);
    expect(reasonOf(fromLayer, "cron")).toEqual({
      kind: "installed-after-base",
      text: "installed with apt after the base (apt-mark manual)",
    });
  });

  it("says a base package came with the original base image, naming it", () => {
    expect(reasonOf(fromLayer, "adduser")).toEqual({
      kind: "in-base-image",
      text: "in the original base image (debian:bullseye's lowest layer)",
    });
    expect(reasonOf(fromLayer, "libc6")?.kind).toBe("in-base-image");
    expect(fromLayer.base).toEqual({
      source: "lowest-layer",
      image: "debian:bullseye",
      readVia: "layer-folder",
      description: "the packages of debian:bullseye (the container's lowest image layer), read from that layer's folder",
    });
  });

  it("names who pulled a dependency in: Depends (through alternatives), else Recommends (through a virtual name)", () => {
    expect(reasonOf(fromLayer, "sensible-utils")?.text).toBe("installed automatically as a dependency of cron");
    expect(reasonOf(fromLayer, "libpopt0")?.text).toBe("installed automatically as a dependency of logrotate");
    expect(reasonOf(fromLayer, "exim4-base")?.text).toBe("installed automatically, recommended by cron");
    expect(reasonOf(fromLayer, "orphan")).toEqual({ kind: "dependency", text: "installed automatically as a dependency" });
  });

  it("falls back to Debian's minimal set (Essential or Priority: required) when the base's own list is unknown, and says why", () => {
    const minimal = decidePackages({
      status,
      autoInstalled: auto,
      base: { source: "minimal-set", why: "the lowest layer has no dpkg status" },
    });
    // adduser (important) is not in the minimal set: counted as installed by hand, as the facts say.
    expect(manualOf(minimal)).toEqual(["adduser", "cron", "logrotate"]);
    expect(reasonOf(minimal, "apt")).toEqual({ kind: "in-minimal-set", text: "in Debian's minimal set (Priority: required)" });
    expect(reasonOf(minimal, "hostname-essential")?.text).toBe("in Debian's minimal set (Essential: yes)");
    // libc6 has priority optional, yet apt (required) depends on it: part of every minimal system.
    expect(reasonOf(minimal, "libc6")?.text).toBe("in Debian's minimal set (a dependency of apt)");
    expect(reasonOf(minimal, "sensible-utils")?.kind).toBe("in-minimal-set");
    expect(reasonOf(minimal, "cron")?.text).toBe(
      "not in Debian's minimal set, and apt did not install it as a dependency (apt-mark manual)",
    );
    expect(minimal.base.source).toBe("minimal-set");
    expect(minimal.base.description).toMatch(
      /Essential: yes or Priority: required and what they depend on.*because the lowest layer has no dpkg status$/,
    );
  });

  it("without apt's record of dependencies, counts every package the base lacks as installed by hand, and says so", () => {
    const unknown = decidePackages({
      status,
      autoInstalled: null,
      base: { source: "lowest-layer", names: BASE, image: null, readVia: "archive-api" },
    });
    expect(manualOf(unknown)).toEqual(["cron", "exim4-base", "hostname-essential", "libpopt0", "logrotate", "orphan", "sensible-utils"]);
    expect(reasonOf(unknown, "cron")?.text).toMatch(/apt's record of dependencies could not be read/);
    expect(reasonOf(unknown, "bash")?.text).toBe("in the original base image (the image's lowest layer)");
    expect(unknown.base.description).toBe(
      "the packages of the container's lowest image layer, read through the engine from a container of that image",
    );
  });

  it("lists every package once, sorted by name", () => {
    expect(fromLayer.packages.map((pkg) => pkg.name)).toEqual([...status.keys()].sort());
  });
});
