import { describe, expect, it } from "vitest";
import {
  packageNameOfInfoFile,
  parseDpkgList,
  parseDpkgStatus,
  parseExtendedStates,
  parseMd5sums,
  parseRelationNames,
} from "@/lib/changes/packages/parse-dpkg";

const STATUS = `Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Version: 12.4+deb12u5
Conffiles:
 /etc/debian_version 5e0b6f6e1a2a3b0d4b8c2e3b9e5b8f51
 /etc/host.conf 4eb63731c9f5e30903ac4fc07a7fe3d6
 /etc/issue 3aa23ab2d3fb9e1e4f6f9a1b9d9e8b2c
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system.
 .
 It also contains several important miscellaneous files.

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Architecture: amd64
Multi-Arch: same
Version: 2.36-9+deb12u7
Description: GNU C Library: Shared libraries

Package: samba-common
Status: install ok installed
Priority: optional
Section: net
Architecture: all
Source: samba
Version: 2:4.17.12+dfsg-0+deb12u1
Conffiles:
 /etc/dhcp/dhclient-enter-hooks.d/samba 0bd1cc3b3a0d3f5e6a2b79e5cdb8a9d0
 /etc/samba/gdbcommands 92cd7e3d3f4a6e9e2b8c7b3d1a5f4e6d obsolete
 /etc/samba/old file.conf d41d8cd98f00b204e9800998ecf8427e remove-on-upgrade
Description: common files used by both the Samba server and client

Package: samba
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 2:4.17.12+dfsg-0+deb12u1
Pre-Depends: init-system-helpers (>= 1.54~)
Depends: adduser, libpam-modules, libc6 (>= 2.34),
 samba-common (= 2:4.17.12+dfsg-0+deb12u1), python3:any | python3-minimal
Recommends: attr, samba-dsdb-modules
Provides: samba-server

Package: oldpkg
Status: deinstall ok config-files
Priority: optional
Architecture: amd64
Version: 1.0
Conffiles:
 /etc/oldpkg.conf 11111111111111111111111111111111

Package: pinned
Status: hold ok installed
Priority: optional
Architecture: amd64
Version: 3.1

Package: bash
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 5.2.15-2+b7

Package: apt
Status: install ok installed
Priority: important
Architecture: amd64
Version: 2.6.1
`;

describe("parseDpkgStatus", () => {
  const status = parseDpkgStatus(STATUS);
  it("keeps installed packages only (held ones included)", () => {
    expect([...status.keys()]).toEqual(["base-files", "libc6", "samba-common", "samba", "pinned", "bash", "apt"]);
  });
  it("reads the fields Kura needs", () => {
    expect(status.get("base-files")).toMatchObject({
      name: "base-files",
      version: "12.4+deb12u5",
      architecture: "amd64",
      status: "install ok installed",
      priority: "required",
      essential: true,
    });
    expect(status.get("libc6")).toMatchObject({ priority: "optional", essential: false, architecture: "amd64" });
    expect(status.get("samba-common")?.version).toBe("2:4.17.12+dfsg-0+deb12u1");
  });
  it("reads the names in Pre-Depends and Depends (continuation lines, alternatives), Recommends and Provides", () => {
    expect(status.get("samba")).toMatchObject({
      depends: ["init-system-helpers", "adduser", "libpam-modules", "libc6", "samba-common", "python3", "python3-minimal"],
      recommends: ["attr", "samba-dsdb-modules"],
      provides: ["samba-server"],
    });
    expect(status.get("bash")).toMatchObject({ depends: [], recommends: [], provides: [] });
    expect(parseRelationNames("cron | anacron | cron-daemon, libc6 (>= 2.14) [amd64], libpopt0:any")).toEqual([
      "cron",
      "anacron",
      "cron-daemon",
      "libc6",
      "libpopt0",
    ]);
  });
  it("reads conffiles, dropping the obsolete / remove-on-upgrade flags", () => {
    expect(status.get("base-files")?.conffiles).toEqual(
      new Map([
        ["/etc/debian_version", "5e0b6f6e1a2a3b0d4b8c2e3b9e5b8f51"],
        ["/etc/host.conf", "4eb63731c9f5e30903ac4fc07a7fe3d6"],
        ["/etc/issue", "3aa23ab2d3fb9e1e4f6f9a1b9d9e8b2c"],
      ]),
    );
    expect(status.get("samba-common")?.conffiles.get("/etc/samba/gdbcommands")).toBe("92cd7e3d3f4a6e9e2b8c7b3d1a5f4e6d");
    expect(status.get("samba-common")?.conffiles.get("/etc/samba/old file.conf")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(status.get("samba")?.conffiles.size).toBe(0);
  });
  it("strips an architecture qualifier and copes with CRLF and empty input", () => {
    const parsed = parseDpkgStatus("Package: libfoo:amd64\r\nStatus: install ok installed\r\nVersion: 1\r\nArchitecture: amd64\r\n");
    expect(parsed.get("libfoo")?.version).toBe("1");
    expect(parseDpkgStatus("").size).toBe(0);
  });
});

describe("parseMd5sums", () => {
  it("maps absolute paths to hashes", () => {
    const text =
      "0f343b0931126a20f133d67c2b018a3b  usr/bin/smbstatus\n2c6e7d1a0f6b5b3c9d8e7f6a5b4c3d2e  usr/share/doc/samba/my file.txt\n\nnot a line\n";
    expect(parseMd5sums(text)).toEqual(
      new Map([
        ["/usr/bin/smbstatus", "0f343b0931126a20f133d67c2b018a3b"],
        ["/usr/share/doc/samba/my file.txt", "2c6e7d1a0f6b5b3c9d8e7f6a5b4c3d2e"],
      ]),
    );
  });
});

describe("parseDpkgList", () => {
  it("lists paths, folders included, with /. as /", () => {
    expect(parseDpkgList("/.\n/etc\n/etc/samba\n/etc/samba/smb.conf\n/usr/sbin/smbd\n\n")).toEqual([
      "/",
      "/etc",
      "/etc/samba",
      "/etc/samba/smb.conf",
      "/usr/sbin/smbd",
    ]);
  });
});

describe("packageNameOfInfoFile", () => {
  it("names the package of a dpkg info file", () => {
    expect(packageNameOfInfoFile("libc6:amd64.list")).toBe("libc6");
    expect(packageNameOfInfoFile("/var/lib/dpkg/info/samba-common.md5sums")).toBe("samba-common");
    expect(packageNameOfInfoFile("libgtk2.0-0:amd64.conffiles")).toBe("libgtk2.0-0");
    expect(packageNameOfInfoFile("format")).toBeNull();
  });
});

// Which packages count as installed by hand (extended_states against the base's own list) is decide-packages.test.ts.
describe("parseExtendedStates", () => {
  const EXTENDED = `Package: libc6
Architecture: amd64
Auto-Installed: 1

Package: samba-common:amd64
Architecture: all
Auto-Installed: 1

Package: pinned
Architecture: amd64
Auto-Installed: 0
`;
  it("reads auto-installed names (without ':arch'), not those marked 0", () => {
    expect(parseExtendedStates(EXTENDED)).toEqual(new Set(["libc6", "samba-common"]));
    expect(parseExtendedStates("")).toEqual(new Set());
  });
});
