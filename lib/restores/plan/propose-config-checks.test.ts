import { describe, expect, it } from "vitest";
import { configCheckArgv, proposeConfigChecks } from "@/lib/restores/plan/propose-config-checks";

describe("proposeConfigChecks", () => {
  it("proposes each service's own checker from the installed packages, once per service", () => {
    const checks = proposeConfigChecks(["openssh-server", "dovecot-imapd", "dovecot-core", "postfix", "nginx-light", "bind9", "samba"]);
    expect(checks.map((check) => [check.service, check.package, check.command])).toEqual([
      ["OpenSSH", "openssh-server", "sshd -t"],
      ["nginx", "nginx-light", "nginx -t"],
      ["BIND", "bind9", "named-checkconf"],
      ["Dovecot", "dovecot-imapd", "doveconf -n >/dev/null"],
      ["Postfix", "postfix", "postfix check"],
      ["Samba", "samba", "testparm -s >/dev/null"],
    ]);
    expect(proposeConfigChecks(["apache2", "libapache2-mod-php"]).map((check) => check.command)).toEqual(["apache2ctl configtest"]);
  });
  it("proposes nothing for packages without a checker (redis-server has none)", () => {
    expect(proposeConfigChecks(["redis-server", "cron", "bash"])).toEqual([]);
  });
  it("runs a fixed line that says when the checker is missing", () => {
    const argv = configCheckArgv({ program: "sshd", command: "sshd -t" });
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv[2]).toContain("command -v sshd");
    expect(argv[2]).toContain("exit 127");
    expect(argv[2]?.endsWith("sshd -t 2>&1")).toBe(true);
  });
});
