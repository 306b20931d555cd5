import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensureMailImage, MAIL_MAILNAME, MAIL_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { db } from "@/lib/db";

// Issue 14: a Debian 11 mail server (Dovecot 2.3 IMAP + Postfix 3.5), set up by its admin in the running container:
// a local user with a password, Postfix delivering to ~/Maildir/, 10-mail.conf edited (mail_location =
// maildir:~/Maildir) and 10-auth.conf edited (disable_plaintext_auth = no), and a message delivered by Postfix.
// Archived with the default selection and restored onto Debian 13 (Dovecot 2.4, Postfix 3.10) with no hand edit:
// Dovecot starts and curl, logging in over IMAP with the user's password, fetches the message.
// Before issue 14 the restored 2.3 configuration stopped Dovecot 2.4 at start (doveconf: Fatal: ... Unknown setting).
// What brings it back: the built-in Dovecot 2.4 rules translate both the pristine and the edited conf.d files, the
// merge applies the admin's settings onto 2.4's defaults, and imapd.protocol (written by 2.3's postinst) is not kept.

const source = uniqueName("kura-it-mail");
const restored = uniqueName("kura-it-mail-restored");
const USER = "carol";
const PASSWORD = "carol-secret-1";
const BODY = "Kura delivered this before the release jump.";
let archiveId = "";

const SETUP = `
useradd -m -s /bin/bash ${USER}
echo '${USER}:${PASSWORD}' | chpasswd
postconf -e home_mailbox=Maildir/
sed -i 's|^mail_location = .*|mail_location = maildir:~/Maildir|' /etc/dovecot/conf.d/10-mail.conf
sed -i 's|^#disable_plaintext_auth = yes|disable_plaintext_auth = no|' /etc/dovecot/conf.d/10-auth.conf
newaliases
postfix start
printf 'From: root@${MAIL_MAILNAME}\\nTo: ${USER}@${MAIL_MAILNAME}\\nSubject: Kura test message\\n\\n${BODY}\\n' | /usr/sbin/sendmail -t
for i in $(seq 1 150); do ls /home/${USER}/Maildir/new/* >/dev/null 2>&1 && break; sleep 0.2; done
postfix stop
`;

/** Starts Dovecot (unless it runs) and waits until it answers on 127.0.0.1:143. */
const START = [
  "pgrep -x dovecot >/dev/null || dovecot",
  "for i in $(seq 1 50); do curl -s -o /dev/null imap://127.0.0.1/ && break; sleep 0.2; done",
].join("\n");
/** The first message of the user's INBOX, fetched over IMAP with the user's password. */
const FETCH = `curl -sS -u '${USER}:${PASSWORD}' 'imap://127.0.0.1/INBOX;UID=1'`;
const CHECK = `set -e\n${START}\n${FETCH}`;

describe("a Debian 11 Dovecot + Postfix mail server restored onto Debian 13 (issue 14)", () => {
  beforeAll(async () => {
    ensureMailImage(dockerHost());
    runContainer({ name: source, image: MAIL_TAG });
    runScript(source, SETUP);
    // The scenario works on the original (which also leaves Dovecot's index files in the Maildir, as in real use).
    runScript(source, START);
    expect(runScript(source, FETCH)).toContain(BODY);
    expect(runScript(source, "doveconf -h disable_plaintext_auth")).toBe("no");
    runScript(source, "doveadm stop");
    archiveId = await archiveService(source, "mail it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("with no hand edit: Dovecot 2.4 starts and curl fetches the delivered message over IMAP with the password", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const config = tryScript(restored, "doveconf -n >/dev/null");
    expect.soft(config.output).toBe("");
    expect.soft(config.exitCode).toBe(0);
    const started = tryScript(restored, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(restored, FETCH).output).toContain(BODY);
    // The admin's 10-auth.conf edit, in 2.4's words (disable_plaintext_auth = no is auth_allow_cleartext = yes, inverted).
    // Logins from 127.0.0.1 count as secure either way, so the client alone cannot see a wrong inversion: read it.
    expect.soft(tryScript(restored, "doveconf -h auth_allow_cleartext").output).toBe("yes");
    expect.soft(tryScript(restored, "doveconf -h mail_driver").output).toBe("maildir");
    expect.soft(tryScript(restored, "doveconf -h mail_path").output).toMatch(/^(~|%\{home\})\/Maildir$/);
    // The wrong password is refused (the user's own password came back, not an open door).
    expect.soft(tryScript(restored, `curl -sS -u '${USER}:wrong' 'imap://127.0.0.1/INBOX;UID=1'`).exitCode).not.toBe(0);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
    // Every absorbed difference is reported: the merges, the rules applied, the checker run.
    expect(restore.merges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/etc/dovecot/conf.d/10-mail.conf", status: "merged" }),
        expect.objectContaining({ path: "/etc/dovecot/conf.d/10-auth.conf", status: "merged" }),
      ]),
    );
    expect(restore.appliedRules).toEqual(
      expect.arrayContaining(["builtin-dovecot-config-version", "builtin-dovecot-disable-plaintext-auth-no"]),
    );
    expect(restore.configChecks).toEqual(
      expect.arrayContaining([expect.objectContaining({ command: expect.stringMatching(/^doveconf/), outcome: "passed" })]),
    );
    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", detail: { contains: restore.id } } });
    const detail = JSON.parse(event?.detail ?? "{}") as { merges?: string[]; rules?: string[] };
    expect(detail.merges).toEqual(expect.arrayContaining(["merged: /etc/dovecot/conf.d/10-mail.conf"]));
    expect(detail.rules).toEqual(expect.arrayContaining(["builtin-dovecot-config-version"]));
  }, 900_000);
});
