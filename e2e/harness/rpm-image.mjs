// An rpm-managed container for the detection tests (kura-test/rpmdb:bookworm, built when the tag is
// missing): Debian 12 with Debian's own rpm tools, one small package "kura-app" built with rpmbuild
// and installed into /var/lib/rpm (an rpm 4.18 SQLite database, as RHEL 9 has), and dpkg's status
// file removed so Kura sees an rpm system. No rpm-based base image is reachable here (no registry,
// only Debian's mirror), so this is the honest stand-in: a real rpm database written by rpm.
import { ensureImageFromDockerfile } from "./engine.mjs";

export const RPMDB_TAG = "kura-test/rpmdb:bookworm";
/** What the package installs (and so what its rpm database records). */
export const RPM_APP = {
  name: "kura-app",
  version: "1.0-1",
  binary: "/usr/bin/kura-app",
  binaryContent: "app binary\n",
  config: "/etc/kura-app.conf",
  configContent: "listen 80\n",
};

const SPEC = [
  "Name: kura-app",
  "Version: 1.0",
  "Release: 1",
  "Summary: a package for Kura's tests",
  "License: MIT",
  "BuildArch: noarch",
  "%description",
  "A binary and a %config file.",
  "%install",
  "mkdir -p %{buildroot}/usr/bin %{buildroot}/etc",
  "printf 'app binary\\n' > %{buildroot}/usr/bin/kura-app",
  "printf 'listen 80\\n' > %{buildroot}/etc/kura-app.conf",
  "%files",
  "/usr/bin/kura-app",
  "%config(noreplace) /etc/kura-app.conf",
];

// The spec goes in base64 so no shell quoting touches it.
const DOCKERFILE = [
  "FROM debian:bookworm",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rpm && rm -rf /var/lib/apt/lists/*",
  `RUN mkdir -p /tmp/build/SPECS && echo ${Buffer.from(`${SPEC.join("\n")}\n`).toString("base64")} | base64 -d > /tmp/build/SPECS/kura-app.spec \\`,
  " && rpmbuild --quiet --define '_topdir /tmp/build' -bb /tmp/build/SPECS/kura-app.spec \\",
  " && rpm -i --nodeps --dbpath /var/lib/rpm /tmp/build/RPMS/noarch/kura-app-1.0-1.noarch.rpm \\",
  " && rm -rf /tmp/build /var/lib/dpkg/status",
  "",
].join("\n");

/** Builds kura-test/rpmdb:bookworm when the tag is missing (apt-get install rpm: about 20 s). */
export function ensureRpmImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: RPMDB_TAG,
    dockerfile: DOCKERFILE,
    what: "apt-get install rpm, rpmbuild one package",
  });
}
