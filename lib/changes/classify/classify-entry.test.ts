import { describe, expect, it } from "vitest";
import { classifyEntry, looksLikePrivateKey, type ClassifyFacts } from "@/lib/changes/classify/classify-entry";
import type { RawEntry } from "@/lib/changes/classify/types";

function entry(path: string, extra: Partial<RawEntry> = {}): RawEntry {
  return {
    path,
    kind: "modified",
    source: "layer",
    type: "file",
    size: 10,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: "2024-05-01T10:00:00Z",
    ...extra,
  };
}

function classify(path: string, extra: Partial<RawEntry> = {}, facts: ClassifyFacts = {}) {
  return classifyEntry(entry(path, extra), facts);
}

describe("classifyEntry", () => {
  it("puts engine-written files first", () => {
    expect(classify("/etc/hosts", {}, { engineManaged: true, pkg: { owner: "netbase", conffile: true, unchanged: false } })).toEqual({
      category: "runtime",
      reason: "written by the Docker engine",
    });
  });
  it("recognises runtime trees, pid files, sockets, caches and backups", () => {
    expect(classify("/run/samba/smbd.pid")).toEqual({ category: "runtime", reason: "runtime state under /run" });
    expect(classify("/run", { type: "dir" })).toEqual({ category: "runtime", reason: "runtime state under /run" });
    expect(classify("/tmp/x")).toMatchObject({ category: "runtime", reason: "temporary file under /tmp" });
    expect(classify("/var/cache/apt/pkgcache.bin").reason).toBe("cache under /var/cache");
    expect(classify("/var/lib/apt/lists/deb.debian.org_InRelease").category).toBe("runtime");
    expect(classify("/srv/app/worker.pid")).toEqual({
      category: "runtime",
      reason: "pid file: the service writes a new one when it starts",
    });
    expect(classify("/srv/app/app.sock", { type: "other" })).toEqual({
      category: "runtime",
      reason: "socket: the service recreates it when it starts",
    });
    expect(classify("/root/.cache/pip/http/x").category).toBe("runtime");
    expect(classify("/home/ann/.cache/thumbnails/a.png").reason).toBe("cache under a .cache folder");
    expect(classify("/etc/passwd-")).toEqual({ category: "runtime", reason: "backup copy of /etc/passwd" });
    expect(classify("/etc/gshadow-").reason).toBe("backup copy of /etc/gshadow");
    expect(classify("/etc/samba/smb.conf~").category).toBe("runtime");
    expect(classify("/etc/samba/smb.conf.bak").category).toBe("runtime");
    expect(classify("/etc/samba/smb.conf.dpkg-old").category).toBe("runtime");
    expect(classify("/etc/samba/smb.conf.dpkg-dist").category).toBe("runtime");
  });
  it("recognises account databases", () => {
    expect(classify("/etc/passwd")).toEqual({ category: "account", reason: "account database (/etc/passwd)" });
    expect(classify("/etc/shadow", {}, { pkg: { owner: "base-passwd", conffile: false, unchanged: false } }).category).toBe("account");
    expect(classify("/etc/subgid").category).toBe("account");
    expect(classify("/var/lib/samba/private/passdb.tdb")).toEqual({ category: "account", reason: "Samba account database (passdb.tdb)" });
    expect(classify("/var/lib/samba/private/secrets.tdb").category).toBe("account");
    expect(classify("/var/lib/samba/passdb.tdb").category).toBe("account");
    expect(classify("/etc/samba/smbpasswd").category).toBe("account");
    expect(classify("/usr/bin/smbpasswd", {}, { pkg: { owner: "samba-common-bin", conffile: false, unchanged: true } }).category).toBe(
      "package-unchanged",
    );
    expect(classify("/etc/sudoers").category).toBe("account");
    expect(classify("/etc/sudoers.d/ann")).toEqual({ category: "account", reason: "sudo permissions (/etc/sudoers.d/ann)" });
  });
  it("flags secret candidates by name or content", () => {
    expect(classify("/root/.ssh/id_rsa")).toEqual({ category: "secret-candidate", reason: "looks like a private key (id_rsa)" });
    expect(classify("/root/.ssh/id_ed25519").category).toBe("secret-candidate");
    expect(classify("/root/.ssh/id_rsa.pub").category).toBe("user-data");
    expect(classify("/etc/ssl/private/site.key").category).toBe("secret-candidate");
    expect(classify("/etc/ssl/private/site.pem").category).toBe("secret-candidate");
    expect(classify("/srv/app/cert.p12").category).toBe("secret-candidate");
    expect(classify("/etc/ssh/ssh_host_ed25519_key")).toEqual({
      category: "secret-candidate",
      reason: "SSH host key: the server's identity, which its clients check",
    });
    expect(classify("/etc/ssh/ssh_host_ed25519_key.pub").category).toBe("config");
    expect(classify("/etc/ssl/private/ssl-cert-snakeoil.key").reason).toMatch(/^TLS private key/);
    expect(classify("/srv/app/.env")).toMatchObject({ category: "secret-candidate" });
    expect(classify("/srv/app/.env.production").category).toBe("secret-candidate");
    expect(classify("/srv/app/.env.example").category).toBe("user-data");
    expect(classify("/srv/app/keys/app.keystore").category).toBe("secret-candidate");
    expect(classify("/srv/app/blob.bin", {}, { looksLikePrivateKey: true })).toEqual({
      category: "secret-candidate",
      reason: "file content looks like a private key",
    });
    // Links, folders and deletions carry no key material.
    expect(classify("/etc/ssl/certs/ca.pem", { type: "symlink" }).category).toBe("config");
    expect(classify("/srv/keys.pem", { type: "dir" }).category).toBe("user-data");
    expect(classify("/root/.ssh/id_rsa", { kind: "deleted", mtime: null }).category).toBe("user-data");
  });
  it("treats sockets, FIFOs and device nodes as runtime wherever they are", () => {
    // A socket in a volume, a FIFO in a bind mount, a device node in the layer: "other" to detection.
    const special = {
      category: "runtime",
      reason: "socket, FIFO or device node: the service recreates it when it starts (an archive cannot hold one)",
    };
    expect(classify("/var/spool/postfix/private/smtp", { type: "other", source: "volume" })).toEqual(special);
    expect(classify("/var/spool/postfix/public/pickup", { type: "other" })).toEqual(special);
    expect(classify("/srv/data/fifo", { type: "other", source: "bind" })).toEqual(special);
    expect(classify("/srv/app/app.sock", { type: "other", kind: "added" })).toEqual({
      category: "runtime",
      reason: "socket: the service recreates it when it starts",
    });
    // A deletion's type is unknown ("other"): it stays what its path says.
    expect(classify("/srv/data/report.pdf", { type: "other", kind: "deleted", mtime: null }).category).toBe("user-data");
  });
  it("treats pid files and the lock files of services as runtime, not a project's dependency locks", () => {
    expect(classify("/var/spool/postfix/pid/master.pid").category).toBe("runtime");
    expect(classify("/var/spool/postfix/pid/unix.cleanup")).toEqual({
      category: "runtime",
      reason: "Postfix pid and lock file: rewritten when Postfix starts",
    });
    // The pid folder itself comes back: Postfix writes into it.
    expect(classify("/var/spool/postfix/pid", { type: "dir" }).category).toBe("user-data");
    expect(classify("/var/lib/postfix/master.lock")).toEqual({
      category: "runtime",
      reason: "lock file: the service takes it again when it starts",
    });
    expect(classify("/var/lib/app/db/LOCK").category).toBe("runtime");
    expect(classify("/var/lib/dpkg/lock-frontend").category).toBe("runtime");
    expect(classify("/var/spool/exim4/db/retry.lockfile").category).toBe("runtime");
    expect(classify("/var/lock/apache2/lock.x").category).toBe("runtime");
    expect(classify("/var/lib/dovecot/instances")).toEqual({
      category: "runtime",
      reason: "Dovecot's list of running instances: rewritten when Dovecot starts",
    });
    expect(classify("/var/lib/postgresql/15/main/postmaster.opts").category).toBe("runtime");
    expect(classify("/var/lib/postgresql/15/main/postmaster.pid").category).toBe("runtime");
    for (const data of [
      "/srv/app/package-lock.json",
      "/srv/app/yarn.lock",
      "/opt/app/Gemfile.lock",
      "/var/www/site/composer.lock",
      "/home/ann/src/tool/Cargo.lock",
      "/srv/api/poetry.lock",
      "/var/lib/app/repo/Gemfile.lock",
      "/home/ann/Maildir/dovecot-uidlist.lock",
    ]) {
      expect(classify(data).category, data).toBe("user-data");
    }
  });
  it("knows a log by where it lives, not by its name", () => {
    expect(classify("/var/log/samba/log.smbd")).toEqual({ category: "log", reason: "log under /var/log" });
    expect(classify("/var/log/syslog")).toEqual({ category: "log", reason: "log under /var/log" });
    expect(classify("/var/log", { type: "dir" })).toEqual({ category: "log", reason: "log folder under /var/log" });
    expect(classify("/srv/app/logs/app.log")).toEqual({ category: "log", reason: "log file in a logs folder" });
    expect(classify("/srv/app/log/2024/app.log.1")).toEqual({ category: "log", reason: "log file in a log folder" });
    expect(classify("/srv/app/logs", { type: "dir" })).toEqual({ category: "log", reason: "log folder (logs)" });
    // Not logs: a Dovecot mailbox index, a git hook's output, git's reflogs, a .log outside a log folder.
    expect(classify("/home/u/Maildir/dovecot.index.log")).toEqual({ category: "user-data", reason: "not from any package" });
    expect(classify("/home/u/Maildir/logs/dovecot.index.log").category).toBe("user-data");
    expect(classify("/var/mail/u/dovecot.list.index.log").category).toBe("user-data");
    expect(classify("/srv/git/x.git/hooks/push.log").category).toBe("user-data");
    expect(classify("/srv/git/x.git/logs/refs/heads/main.log").category).toBe("user-data");
    expect(classify("/srv/app/.git/logs", { type: "dir" }).category).toBe("user-data");
    expect(classify("/srv/app/debug.log").category).toBe("user-data");
    expect(classify("/var/lib/mysql/tc.log").category).toBe("user-data");
    // A file a package owns is the package's, whatever its folder.
    expect(classify("/usr/share/app/logs/x.log", {}, { pkg: { owner: "app", conffile: false, unchanged: true } }).category).toBe(
      "package-unchanged",
    );
  });
  it("uses package facts", () => {
    const pkg = (unchanged: boolean | null, conffile: boolean) => ({ pkg: { owner: "samba-common", conffile, unchanged } });
    expect(classify("/usr/share/samba/setup/x", {}, pkg(true, false))).toEqual({
      category: "package-unchanged",
      reason: "owned by package samba-common, unchanged",
    });
    expect(classify("/etc/samba/smb.conf", {}, pkg(false, true))).toEqual({
      category: "config",
      reason: "edited conffile of package samba-common",
    });
    expect(classify("/usr/lib/x.so", {}, pkg(false, false))).toEqual({
      category: "config",
      reason: "file of package samba-common modified after install",
    });
    expect(classify("/usr/lib/x.so", {}, pkg(null, false))).toEqual({
      category: "config",
      reason: "owned by package samba-common (content not checked)",
    });
    expect(classify("/usr/lib/x.so", { kind: "deleted", mtime: null }, pkg(true, false))).toEqual({
      category: "config",
      reason: "file of package samba-common, deleted after install",
    });
  });
  it("falls back to /etc configuration, then user data", () => {
    expect(classify("/etc/myapp/app.ini")).toEqual({ category: "config", reason: "configuration under /etc" });
    expect(classify("/etc/myapp", { type: "dir" })).toEqual({ category: "config", reason: "configuration folder under /etc" });
    expect(classify("/srv/data/report.pdf")).toEqual({ category: "user-data", reason: "not from any package" });
    expect(classify("/var/lib/mysql/ibdata1", { source: "volume" })).toEqual({ category: "user-data", reason: "data in a volume" });
    expect(classify("/srv/share", { source: "bind", type: "dir" })).toEqual({ category: "user-data", reason: "folder in a bind mount" });
    expect(classify("/usr/share/doc/samba", { type: "dir" }, { pkg: { owner: "samba", conffile: false, unchanged: null } }).category).toBe(
      "user-data",
    );
  });
});

describe("looksLikePrivateKey", () => {
  it("recognises private key headers", () => {
    for (const head of [
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA",
      "-----BEGIN EC PRIVATE KEY-----",
      "-----BEGIN DSA PRIVATE KEY-----",
      "-----BEGIN PRIVATE KEY-----",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----",
      "Bag Attributes\n    friendlyName: x\n-----BEGIN PRIVATE KEY-----",
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none",
    ]) {
      expect(looksLikePrivateKey(head), head).toBe(true);
    }
  });
  it("ignores certificates, public keys and ordinary text", () => {
    for (const head of [
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN PUBLIC KEY-----",
      "ssh-ed25519 AAAAC3Nza ann@host",
      "[global]\nworkgroup = WORKGROUP",
      "",
    ]) {
      expect(looksLikePrivateKey(head), head).toBe(false);
    }
  });
});
