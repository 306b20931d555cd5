import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensureSlapdImage, SLAPD_ADMIN_PASSWORD, SLAPD_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { db } from "@/lib/db";
import { makeRestorePlan } from "./make-restore-plan";

// Issue 15: a Debian 11 OpenLDAP 2.4 (slapd 2.4.57, mdb, suffix dc=example,dc=org) set up by its admin: a password
// policy as 2.4 did it (the ppolicy schema loaded into cn=config, the ppolicy module and its overlay on the directory,
// hashing cleartext passwords), an ou and a user with a password, and olcSizeLimit 77 on the frontend (ldapmodify -Y
// EXTERNAL). Archived once running (the slapcat capture: one LDIF per database) and once stopped (the raw slapd.d and
// mdb files), restored onto Debian 13 (slapd 2.6) with no hand edit: the configuration and the directory are loaded
// with slapadd, the configuration converted on the way, in the build.
// Before: the archived cn=config was restored as it was, and slapd 2.6 refuses it (its ppolicy overlay defines the
// ppolicy schema itself: "Duplicate attributeType"), so the directory did not answer.

const source = uniqueName("kura-it-slapd");
const restoredRunning = uniqueName("kura-it-slapd-running-restored");
const restoredStopped = uniqueName("kura-it-slapd-stopped-restored");
const USER_DN = "uid=alice,ou=people,dc=example,dc=org";
const USER_PASSWORD = "alice-secret-15";
let runningArchive = "";
let stoppedArchive = "";

const SETUP = `
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<'LDIF'
dn: olcDatabase={-1}frontend,cn=config
changetype: modify
replace: olcSizeLimit
olcSizeLimit: 77
LDIF
ldapadd -Q -Y EXTERNAL -H ldapi:/// -f /etc/ldap/schema/ppolicy.ldif
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<'LDIF'
dn: cn=module{0},cn=config
changetype: modify
add: olcModuleLoad
olcModuleLoad: ppolicy

dn: olcOverlay=ppolicy,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: ppolicy
olcPPolicyHashCleartext: TRUE
LDIF
ldapadd -x -H ldap://127.0.0.1 -D cn=admin,dc=example,dc=org -w '${SLAPD_ADMIN_PASSWORD}' <<'LDIF'
dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ${USER_DN}
objectClass: inetOrgPerson
uid: alice
cn: Alice Example
sn: Example
userPassword: ${USER_PASSWORD}
LDIF
`;

/** Waits for the server the container's command starts; starts it with its init script when it does not come up. */
const START = [
  "up() { ldapsearch -x -H ldap://127.0.0.1 -b '' -s base >/dev/null 2>&1; }",
  "for i in $(seq 1 50); do up && exit 0; sleep 0.2; done",
  "service slapd start >&2 || true",
  "for i in $(seq 1 100); do up && exit 0; sleep 0.2; done",
  "slaptest -u -F /etc/ldap/slapd.d >&2 || true",
  "exit 1",
].join("\n");
/** The user's own bind: it finds its entry only when its password survived. */
const FIND_USER = `ldapsearch -x -LLL -H ldap://127.0.0.1 -D '${USER_DN}' -w '${USER_PASSWORD}' -b dc=example,dc=org '(uid=alice)' dn`;
const WRONG_PASSWORD = `ldapsearch -x -LLL -H ldap://127.0.0.1 -D '${USER_DN}' -w wrong-password -b dc=example,dc=org '(uid=alice)' dn`;
const SIZE_LIMIT =
  "ldapsearch -Q -LLL -Y EXTERNAL -H ldapi:/// -b 'olcDatabase={-1}frontend,cn=config' -s base olcSizeLimit | sed -n 's/^olcSizeLimit: //p'";
const OVERLAY = "ldapsearch -Q -LLL -Y EXTERNAL -H ldapi:/// -b cn=config '(objectClass=olcPPolicyConfig)' dn";
const CHECK = `set -e\n(${START})\n${FIND_USER}\n${SIZE_LIMIT}`;

/** What the restored directory answers: the user's bind and entry, a wrong password refused, the admin's settings. */
function expectRestored(container: string) {
  expect(exec(container, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
  const started = tryScript(container, START);
  expect.soft(started.exitCode, started.output).toBe(0);
  expect.soft(tryScript(container, "slapd -VV 2>&1 | head -n 1").output).toMatch(/slapd 2\.6\./);
  expect.soft(tryScript(container, FIND_USER).output).toBe(`dn: ${USER_DN}`);
  const wrong = tryScript(container, WRONG_PASSWORD);
  expect.soft(wrong.exitCode).toBe(49);
  expect.soft(wrong.output).toMatch(/Invalid credentials/);
  expect.soft(tryScript(container, SIZE_LIMIT).output).toBe("77");
  expect.soft(tryScript(container, OVERLAY).output).toBe("dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config");
  // The files are slapd's own, and only its loaded database is there.
  expect
    .soft(tryScript(container, "stat -c '%U:%G' /etc/ldap/slapd.d /var/lib/ldap/data.mdb").output)
    .toBe("openldap:openldap\nopenldap:openldap");
}

describe("a Debian 11 OpenLDAP 2.4 restored onto Debian 13 (slapd 2.6, issue 15)", () => {
  beforeAll(async () => {
    ensureSlapdImage(dockerHost());
    runContainer({ name: source, image: SLAPD_TAG, command: ["sh", "-c", "service slapd start && exec sleep infinity"] });
    runScript(source, START);
    runScript(source, SETUP);
    // The scenario works on the original.
    expect(runScript(source, FIND_USER)).toBe(`dn: ${USER_DN}`);
    expect(tryScript(source, WRONG_PASSWORD).exitCode).toBe(49);
    expect(runScript(source, SIZE_LIMIT)).toBe("77");
    expect(runScript(source, "slapd -VV 2>&1 | head -n 1")).toMatch(/slapd 2\.4\./);
    // Archived running (slapcat captures each database while slapd serves), then stopped (the raw files).
    runningArchive = await archiveService(source, "slapd it running");
    runScript(source, "service slapd stop >/dev/null");
    docker(["stop", "-t", "5", source]);
    stoppedArchive = await archiveService(source, "slapd it stopped");
  }, 600_000);

  afterAll(() => {
    removeContainer(restoredRunning);
    removeContainer(restoredStopped);
    removeContainer(source);
  });

  it("archived running: the slapcat capture is loaded with slapadd, no old-release stage; the user binds, the settings hold", async () => {
    // The plan preview says it before anything runs.
    const { view } = await makeRestorePlan(runningArchive, { engineId: "local", baseImage: TRIXIE });
    expect(view.conversions).toEqual([
      expect.objectContaining({ id: "builtin-openldap-reload", status: "planned", method: expect.stringMatching(/slapcat capture/) }),
    ]);
    expect(view.dockerfile).toContain('RUN ["/bin/sh", "/kura/openldap-load.sh", "/kura/convert/openldap"]');
    const { error, restore } = await restoreOntoTrixie(runningArchive, restoredRunning, CHECK);
    expectRestored(restoredRunning);
    expect(restore.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-openldap-reload",
        data: "/var/lib/ldap",
        fromVersion: expect.stringMatching(/^2\.4\./),
        toVersion: expect.stringMatching(/^2\.6\./),
        status: "planned",
        method: expect.stringMatching(/^take the archive's slapcat capture \(.*cn=config and 1 database\(s\)\)/),
      }),
    ]);
    // The capture made the old slapd's stage unneeded: nothing was installed from the old release.
    expect(restore.dockerfile).not.toContain("FROM debian:bullseye");
    expect(restore.dockerfile).toContain("COPY captures/slapcat-0.ldif captures/slapcat-1.ldif /kura/convert/openldap/");
    expect(restore.log).toContain("kura openldap config: dropped the ppolicy schema (cn={4}ppolicy,cn=schema,cn=config)");
    expect(restore.log).toMatch(/kura openldap load: database 1 loaded: 3 entries/);
    expect(restore.log).toContain("config file testing succeeded");
    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", detail: { contains: restore.id } } });
    expect(JSON.parse(event?.detail ?? "{}").conversions).toEqual([
      expect.stringMatching(/^planned: OpenLDAP configuration \(cn=config\) and databases \(slapd 2\.4\..* -> 2\.6\./),
    ]);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_200_000);

  it("archived stopped: slapd 2.4 from the old release dumps the archived files in a stage, 2.6 loads them; the same answers", async () => {
    const { error, restore } = await restoreOntoTrixie(stoppedArchive, restoredStopped, CHECK);
    expectRestored(restoredStopped);
    expect(restore.conversions).toEqual([
      expect.objectContaining({
        id: "builtin-openldap-reload",
        status: "planned",
        method: expect.stringMatching(
          /^dump the archived configuration and databases with slapd 2\.4's own slapcat \(slapd from debian:bullseye's repository/,
        ),
      }),
    ]);
    expect(restore.dockerfile).toContain("FROM debian:bullseye AS kura-openldap-old");
    expect(restore.log).toMatch(/kura openldap dump: database 1: 3 entries/);
    expect(restore.log).toMatch(/kura openldap load: database 1 loaded: 3 entries/);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 1_200_000);
});
