import { describe, expect, it } from "vitest";
import { classifyImagePath, generatedReason } from "./classify-image-path";

const entry = (path: string, type: "file" | "dir" | "symlink" = "file", linkTarget: string | null = null) => ({
  path,
  type,
  kind: "added" as const,
  linkTarget,
});

describe("classifyImagePath", () => {
  it("leaves out what the packages' scripts and triggers make again", () => {
    expect(generatedReason(entry("/etc/ssl/certs/4042bcee.0", "symlink"))).toMatch(/update-ca-certificates/);
    expect(generatedReason(entry("/etc/ssl/certs/ca-certificates.crt"))).toMatch(/update-ca-certificates/);
    expect(generatedReason(entry("/usr/bin/mailx", "symlink", "/etc/alternatives/mailx"))).toMatch(/update-alternatives/);
    expect(generatedReason(entry("/etc/systemd/user/sockets.target.wants/gpg-agent.socket", "symlink"))).toMatch(/deb-systemd-helper/);
    expect(generatedReason(entry("/var/lib/systemd/deb-systemd-user-helper-enabled/x.dsh-also"))).toMatch(/deb-systemd-helper/);
    expect(generatedReason(entry("/var/lib/dbus/machine-id"))).toMatch(/machine identity/);
    expect(generatedReason(entry("/etc/nginx/conf.d/site.conf"))).toBeNull();
    expect(generatedReason(entry("/usr/local/bin/tool"))).toBeNull();
  });

  it("decides package folders, links and unchanged files by their package, and keeps the rest to the general rules", () => {
    expect(classifyImagePath(entry("/usr/share/nginx", "dir"), { owner: "nginx-common", unchanged: null })).toEqual({
      category: "package-unchanged",
      reason: "folder of package nginx-common",
    });
    expect(
      classifyImagePath(entry("/usr/bin/python3", "symlink", "python3.11"), { owner: "python3-minimal", unchanged: null })?.category,
    ).toBe("package-unchanged");
    // A package's example key is the package's, not a secret of the service.
    expect(classifyImagePath(entry("/usr/share/doc/x/server.key"), { owner: "python3-h2", unchanged: true })?.category).toBe(
      "package-unchanged",
    );
    expect(classifyImagePath(entry("/etc/nginx/nginx.conf"), { owner: "nginx-common", unchanged: false })).toBeNull();
    expect(classifyImagePath(entry("/opt/app", "dir"), null)).toBeNull();
    expect(classifyImagePath(entry("/var/spool/exim4", "dir"), null, true)?.category).toBe("package-unchanged");
    // Written by dovecot-imapd's postinst into dovecot-core's folder: Dovecot 2.4's own version replaces it.
    expect(classifyImagePath(entry("/usr/share/dovecot/protocols.d/imapd.protocol"), null, false, "dovecot-core")).toEqual({
      category: "package-unchanged",
      reason:
        "written into package dovecot-core's folder while packages were installed, by their install scripts " +
        "(made again when the packages are installed)",
    });
    expect(classifyImagePath(entry("/usr/share/dovecot/protocols.d/imapd.protocol"), null, false, null)).toBeNull();
    expect(
      classifyImagePath({ ...entry("/usr/share/nginx/html/index.html"), kind: "deleted" }, { owner: "nginx-common", unchanged: null }),
    ).toEqual({
      category: "config",
      reason: "file of package nginx-common, deleted by an image layer",
    });
  });
});
