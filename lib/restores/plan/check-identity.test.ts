import { describe, expect, it } from "vitest";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import { checkIdentity } from "./check-identity";

const pkg = (name: string) => ({ name, version: "1", architecture: "amd64", manual: true });

describe("checkIdentity", () => {
  it("lists the secrets that come back", () => {
    const manifest = makeManifest({
      packages: [pkg("openssh-server")],
      entries: [
        makeEntry("/etc/ssh/ssh_host_ed25519_key", "file", { category: "secret-candidate" }),
        makeEntry("/etc/ssh/ssh_host_ed25519_key.pub", "file", { category: "config" }),
        makeEntry("/etc/ssl/private/site.key", "file", { category: "secret-candidate" }),
      ],
    });
    expect(checkIdentity(manifest)).toEqual({ secretsKept: ["/etc/ssh/ssh_host_ed25519_key", "/etc/ssl/private/site.key"], warnings: [] });
  });

  it("says before the build when sshd's host keys or Samba's secrets will not come back", () => {
    const manifest = makeManifest({
      packages: [pkg("openssh-server"), pkg("samba")],
      entries: [makeEntry("/etc/ssh/ssh_host_ed25519_key.pub", "file", { category: "config" })],
    });
    const { warnings } = checkIdentity(manifest);
    expect(warnings.map((warning) => warning.kind)).toEqual(["identity-changes", "identity-changes"]);
    expect(warnings[0]?.message).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    expect(warnings[1]?.message).toContain("secrets.tdb");
  });

  it("says that a DSA host key comes back but a newer sshd cannot use it", () => {
    const manifest = makeManifest({
      packages: [pkg("openssh-server")],
      entries: [
        makeEntry("/etc/ssh/ssh_host_dsa_key", "file", { category: "secret-candidate" }),
        makeEntry("/etc/ssh/ssh_host_ed25519_key", "file", { category: "secret-candidate" }),
      ],
    });
    const { warnings } = checkIdentity(manifest);
    expect(warnings).toEqual([
      expect.objectContaining({ kind: "identity-changes", message: expect.stringContaining("no longer support DSA") }),
    ]);
  });

  it("says nothing for services it does not know", () => {
    expect(checkIdentity(makeManifest({ packages: [pkg("nginx")], entries: [] })).warnings).toEqual([]);
  });
});
