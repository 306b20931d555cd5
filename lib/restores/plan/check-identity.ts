// A restored service is the same service only with its identity: SSH host keys, Samba's secrets,
// TLS keys, password hashes. The plan lists the secrets that come back and says, before the build,
// when one the service needs is missing (a restored sshd with new host keys is refused by every
// client that knew it). Pure.

import type { Manifest } from "@/lib/archives/manifest";
import type { RestoreWarning } from "@/lib/restores/plan/types";

export type IdentityCheck = { secretsKept: string[]; warnings: RestoreWarning[] };

const SSH_HOST_KEY = /^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/;
const SAMBA_SECRETS = ["/var/lib/samba/private/secrets.tdb", "/var/lib/samba/secrets.tdb"];

/** The archive's secrets (kept, marked as such), and warnings when a service's identity will not come back. */
export function checkIdentity(manifest: Pick<Manifest, "entries" | "packages">): IdentityCheck {
  const paths = new Set(manifest.entries.filter((entry) => entry.type === "file").map((entry) => entry.path));
  const secretsKept = manifest.entries
    .filter((entry) => entry.type === "file" && entry.category === "secret-candidate")
    .map((entry) => entry.path)
    .sort();
  const installed = new Set(manifest.packages.map((pkg) => pkg.name));
  const warnings: RestoreWarning[] = [];
  if (installed.has("openssh-server") && ![...paths].some((path) => SSH_HOST_KEY.test(path)))
    warnings.push({
      kind: "identity-changes",
      message:
        "The archive holds no SSH host key (/etc/ssh/ssh_host_*_key): the restored sshd makes new ones, and every client that knew " +
        "this server refuses it (REMOTE HOST IDENTIFICATION HAS CHANGED) until its known_hosts entry is replaced. Archive again with " +
        "the host keys ticked to keep the server's identity.",
    });
  if (installed.has("samba") && !SAMBA_SECRETS.some((path) => paths.has(path)))
    warnings.push({
      kind: "identity-changes",
      message:
        "The archive holds no Samba secrets.tdb: the restored server gets a new machine identity, and a domain it had joined must " +
        "be joined again. Archive again with /var/lib/samba/private/secrets.tdb ticked to keep it.",
    });
  // OpenSSH 9.8 (Debian 13) dropped DSA: the key comes back but the new sshd cannot use it.
  if (paths.has("/etc/ssh/ssh_host_dsa_key"))
    warnings.push({
      kind: "identity-changes",
      message:
        "The archive holds a DSA host key (/etc/ssh/ssh_host_dsa_key). OpenSSH 9.8 and later (Debian 13) no longer support DSA: the " +
        "restored sshd serves its other host keys, clients that knew this server only by its DSA key are asked to accept another, and " +
        "a HostKey line naming the DSA key in sshd_config stops sshd from starting (remove that line).",
    });
  return { secretsKept, warnings };
}
