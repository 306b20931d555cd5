import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript } from "@/e2e/fixtures/release-jump";
import { APACHE_PHP_TAG, ensureApachePhpImage } from "@/e2e/harness/bullseye-images.mjs";

// Issue 14: a Debian 11 apache2 + PHP 7.4 site, set up by its admin in the running container: a name-based vhost
// enabled with a2ensite, mod_headers enabled with a2enmod (the vhost sets a header with it), an htpasswd-protected
// PHP page printing memory_limit, and `memory_limit = 256M` in /etc/php/7.4/apache2/php.ini. Archived with the
// default selection and restored onto Debian 13 (PHP 8.4, which reads /etc/php/8.4/) with no hand edit: curl with
// the password gets the page and it prints 256M (the admin's edit followed its package); 401 without.
// Before issue 14 the php.ini edit was restored to /etc/php/7.4/, which PHP 8.4 never reads: the page printed 128M.
// What brings it back: /etc/php/7.4/ follows php7.4-common to /etc/php/8.4/, and the edit is merged onto 8.4's php.ini.

const source = uniqueName("kura-it-apache-php");
const restored = uniqueName("kura-it-apache-php-restored");
const SITE = "kura.example.org";
const USER = "alice";
const PASSWORD = "alice-secret-1";
let archiveId = "";

const SETUP = `
mkdir -p /var/www/kura/private
printf '%s\\n' '<?php echo ini_get("memory_limit"), "\\n";' > /var/www/kura/private/index.php
printf '%s\\n' 'public page' > /var/www/kura/index.html
htpasswd -cb /etc/apache2/kura.htpasswd ${USER} '${PASSWORD}'
cat > /etc/apache2/sites-available/kura.conf <<'CONF'
<VirtualHost *:80>
    ServerName ${SITE}
    DocumentRoot /var/www/kura
    Header set X-Kura-Site "kura vhost"
    <Directory /var/www/kura/private>
        AuthType Basic
        AuthName "Kura private"
        AuthUserFile /etc/apache2/kura.htpasswd
        Require valid-user
    </Directory>
</VirtualHost>
CONF
a2enmod headers
a2ensite kura
sed -i 's/^memory_limit = .*/memory_limit = 256M/' /etc/php/7.4/apache2/php.ini
`;

/** Starts apache2 (unless it runs) and waits until it answers on 127.0.0.1:80. */
const START = [
  "pgrep -x apache2 >/dev/null || apache2ctl start",
  "for i in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1/ && break; sleep 0.2; done",
].join("\n");
const curl = (...args: string[]) => `curl -sS -H 'Host: ${SITE}' ${args.join(" ")} http://127.0.0.1/private/`;
const WITH_PASSWORD = curl("-u", `${USER}:${PASSWORD}`);
const STATUS_WITHOUT = curl("-o /dev/null", "-w '%{http_code}'");
const HEADER = `curl -sS -I -H 'Host: ${SITE}' http://127.0.0.1/ | tr -d '\\r' | sed -n 's/^X-Kura-Site: //p'`;
/** The restore's check command: apache starts, the page answers with the password and refuses without. */
const CHECK = `set -e\n${START}\n${WITH_PASSWORD}\n${STATUS_WITHOUT}`;

describe("a Debian 11 apache2 + PHP 7.4 site restored onto Debian 13 (issue 14)", () => {
  beforeAll(async () => {
    ensureApachePhpImage(dockerHost());
    runContainer({ name: source, image: APACHE_PHP_TAG });
    runScript(source, SETUP);
    // The scenario works on the original.
    runScript(source, START);
    expect(runScript(source, WITH_PASSWORD)).toBe("256M");
    expect(runScript(source, STATUS_WITHOUT)).toBe("401");
    expect(runScript(source, HEADER)).toBe("kura vhost");
    runScript(source, "apache2ctl graceful-stop; for i in $(seq 1 50); do pgrep -x apache2 >/dev/null || exit 0; sleep 0.2; done");
    archiveId = await archiveService(source, "apache php it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("with no hand edit: the vhost answers, the PHP page prints 256M with the password, 401 without", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    runScript(restored, START);
    expect.soft(runScript(restored, WITH_PASSWORD)).toBe("256M");
    expect.soft(runScript(restored, STATUS_WITHOUT)).toBe("401");
    expect.soft(runScript(restored, HEADER)).toBe("kura vhost");
    expect.soft(runScript(restored, "grep -c '^memory_limit = 256M' /etc/php/8.4/apache2/php.ini || true")).toBe("1");
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 900_000);
});
