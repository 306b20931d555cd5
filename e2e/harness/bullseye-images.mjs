// Debian 11 scenarios (issue 13), each an image built once and cached by tag, FROM debian:bullseye:
//   kura-test/postfix:bullseye  postfix installed with non-default debconf answers (mailname, mailer type):
//                               what the install decided lives only in debconf's database, in the image.
//   kura-test/sshd:bullseye     openssh-server with its host keys removed from the image; the container
//                               makes them when it first starts (ssh-keygen -A), as many real images do,
//                               so they live in the container's writable layer.
// Issue 14's release-jump scenarios (Debian 11 -> 13): the packages only, as apt installs them. The admin's edits
// (vhost, php.ini, users, dovecot and redis settings) are made by the tests in the running container, like a real admin.
//   kura-test/apache-php:bullseye  apache2 + libapache2-mod-php (PHP 7.4) + apache2-utils (htpasswd) + curl (the client).
//   kura-test/mail:bullseye        dovecot-imapd + postfix (debconf preseeded) + curl (its IMAP client).
//   kura-test/redis:bullseye       redis-server (redis-cli comes with it).
// Plain Node (the harness runs before node_modules exists). Docker is called with argv arrays only.
import { ensureImageFromDockerfile } from "./engine.mjs";

export const POSTFIX_TAG = "kura-test/postfix:bullseye";
export const POSTFIX_MAILNAME = "mail.example.org";

const POSTFIX_DOCKERFILE = [
  "FROM debian:bullseye",
  `RUN echo "postfix postfix/mailname string ${POSTFIX_MAILNAME}" | debconf-set-selections \\`,
  ' && echo "postfix postfix/main_mailer_type select Internet Site" | debconf-set-selections \\',
  " && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix \\",
  " && rm -rf /var/lib/apt/lists/*",
  "",
].join("\n");

export const SSHD_TAG = "kura-test/sshd:bullseye";
/** The container's command: host keys made at first start (kept when they exist), then it stays up. */
export const SSHD_COMMAND = ["sh", "-c", "ssh-keygen -A && exec sleep infinity"];

const SSHD_DOCKERFILE = [
  "FROM debian:bullseye",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server \\",
  " && rm -rf /var/lib/apt/lists/* && rm -f /etc/ssh/ssh_host_*",
  `CMD ${JSON.stringify(SSHD_COMMAND)}`,
  "",
].join("\n");

/** A Dockerfile FROM debian:bullseye that installs `packages` without recommends, after `preseed` debconf lines. */
function bullseyePackagesDockerfile(packages, preseed = []) {
  const selections = preseed.map((line) => `echo "${line}" | debconf-set-selections && `).join("");
  return [
    "FROM debian:bullseye",
    `RUN ${selections}apt-get update \\`,
    ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(" ")} \\`,
    " && rm -rf /var/lib/apt/lists/*",
    'CMD ["sleep", "infinity"]',
    "",
  ].join("\n");
}

export const APACHE_PHP_TAG = "kura-test/apache-php:bullseye";
export const MAIL_TAG = "kura-test/mail:bullseye";
export const MAIL_MAILNAME = "mail.example.org";
export const REDIS_TAG = "kura-test/redis:bullseye";

/** Builds kura-test/apache-php:bullseye when the tag is missing (about a minute). */
export function ensureApachePhpImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: APACHE_PHP_TAG,
    dockerfile: bullseyePackagesDockerfile(["apache2", "libapache2-mod-php", "apache2-utils", "curl"]),
    what: "apt-get install apache2 libapache2-mod-php (PHP 7.4) apache2-utils curl, about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/mail:bullseye when the tag is missing (about a minute). */
export function ensureMailImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: MAIL_TAG,
    dockerfile: bullseyePackagesDockerfile(
      ["dovecot-imapd", "postfix", "curl"],
      [`postfix postfix/mailname string ${MAIL_MAILNAME}`, "postfix postfix/main_mailer_type select Local only"],
    ),
    what: "apt-get install dovecot-imapd postfix curl with preseeded debconf answers, about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/redis:bullseye when the tag is missing (about a minute). */
export function ensureRedisImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: REDIS_TAG,
    dockerfile: bullseyePackagesDockerfile(["redis-server"]),
    what: "apt-get install redis-server, about a minute",
    suite: "bullseye",
  });
}

// Issue 14's "pristine from the old package" scenario: cron's .deb files (and the dependencies debian:bullseye lacks)
// downloaded to /root/debs WITHOUT installing them, and /root/local-debs/kura-demo_1.0_all.deb, a package built here
// that no repository has (one conffile, /etc/kura-demo.conf). A test container installs them with `dpkg -i`: their
// conffiles then exist only in its writable layer, so the image holds no pristine version of them.
export const CRON_DEBS_TAG = "kura-test/cron-debs:bullseye";

const CRON_DEBS_DOCKERFILE = [
  "FROM debian:bullseye",
  "RUN mkdir -p /root/debs/partial /root/local-debs/kura-demo/DEBIAN /root/local-debs/kura-demo/etc && apt-get update \\",
  " && DEBIAN_FRONTEND=noninteractive apt-get install -y --download-only --no-install-recommends -o Dir::Cache::archives=/root/debs cron \\",
  " && rm -rf /root/debs/partial /root/debs/lock \\",
  " && cd /root/local-debs \\",
  " && printf 'Package: kura-demo\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: Kura tests <kura@example.org>\\n' > kura-demo/DEBIAN/control \\",
  " && printf 'Description: a package no repository has\\n' >> kura-demo/DEBIAN/control \\",
  " && printf '/etc/kura-demo.conf\\n' > kura-demo/DEBIAN/conffiles \\",
  " && printf 'greeting = hello\\ncolour = blue\\n' > kura-demo/etc/kura-demo.conf \\",
  " && dpkg-deb --root-owner-group --build kura-demo kura-demo_1.0_all.deb && rm -rf kura-demo \\",
  " && rm -rf /var/lib/apt/lists/*",
  'CMD ["sleep", "infinity"]',
  "",
].join("\n");

/** Builds kura-test/cron-debs:bullseye when the tag is missing (apt-get download of cron, about half a minute). */
export function ensureCronDebsImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: CRON_DEBS_TAG,
    dockerfile: CRON_DEBS_DOCKERFILE,
    what: "cron's .deb files downloaded to /root/debs, not installed, and a local package, about half a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/postfix:bullseye when the tag is missing (about a minute). */
export function ensurePostfixImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: POSTFIX_TAG,
    dockerfile: POSTFIX_DOCKERFILE,
    what: "apt-get install postfix with preseeded debconf answers, about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/sshd:bullseye when the tag is missing (about a minute). */
export function ensureSshdImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: SSHD_TAG,
    dockerfile: SSHD_DOCKERFILE,
    what: "apt-get install openssh-server, host keys made at first start, about a minute",
    suite: "bullseye",
  });
}

// Issue 15's data-conversion scenarios (Debian 11 -> 13): each service's packages as apt installs them, started by
// the container's command with the distribution's own init script (version-agnostic, as an admin would write it).
// The data (roles, rows, accounts, a virtual environment) is made by the tests in the running container.
//   kura-test/postgres:bullseye  postgresql (13): cluster 13/main made by the package's postinst.
//   kura-test/mariadb:bullseye   mariadb-server (10.5) + mariadb-client.
//   kura-test/slapd:bullseye     slapd (OpenLDAP 2.4, mdb backend) + ldap-utils, suffix dc=example,dc=org preseeded.
//   kura-test/pyapp:bullseye     python3 (3.9) + python3-venv + python3-pip: a venv under /opt/app is made by the test.
export const POSTGRES_TAG = "kura-test/postgres:bullseye";
export const MARIADB_TAG = "kura-test/mariadb:bullseye";
export const SLAPD_TAG = "kura-test/slapd:bullseye";
export const SLAPD_ADMIN_PASSWORD = "kura-ldap-admin";
export const PYAPP_TAG = "kura-test/pyapp:bullseye";

/** bullseyePackagesDockerfile with a command that starts `service` with its init script, then stays up. */
function bullseyeServiceDockerfile(packages, service, preseed = []) {
  return bullseyePackagesDockerfile(packages, preseed).replace(
    'CMD ["sleep", "infinity"]',
    `CMD ${JSON.stringify(["sh", "-c", `service ${service} start && exec sleep infinity`])}`,
  );
}

/** Builds kura-test/postgres:bullseye when the tag is missing (about a minute). */
export function ensurePostgresImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: POSTGRES_TAG,
    dockerfile: bullseyeServiceDockerfile(["postgresql"], "postgresql"),
    what: "apt-get install postgresql (13), about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/mariadb:bullseye when the tag is missing (about a minute). */
export function ensureMariadbImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: MARIADB_TAG,
    dockerfile: bullseyeServiceDockerfile(["mariadb-server", "mariadb-client"], "mariadb"),
    what: "apt-get install mariadb-server (10.5), about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/slapd:bullseye when the tag is missing (about a minute). */
export function ensureSlapdImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: SLAPD_TAG,
    dockerfile: bullseyeServiceDockerfile(["slapd", "ldap-utils"], "slapd", [
      "slapd slapd/domain string example.org",
      "slapd shared/organization string Example",
      `slapd slapd/password1 password ${SLAPD_ADMIN_PASSWORD}`,
      `slapd slapd/password2 password ${SLAPD_ADMIN_PASSWORD}`,
    ]),
    what: "apt-get install slapd ldap-utils with a preseeded suffix, about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/pyapp:bullseye when the tag is missing (about a minute). */
export function ensurePyappImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: PYAPP_TAG,
    dockerfile: bullseyePackagesDockerfile(["python3", "python3-venv", "python3-pip"]),
    what: "apt-get install python3 (3.9) python3-venv python3-pip, about a minute",
    suite: "bullseye",
  });
}
