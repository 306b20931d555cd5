// Migration rules Kura ships. Each one is a documented upstream or Debian change; the note says
// where it comes from. People can disable them but not edit them (builtIn: true).

import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { MARIADB_DUMP_RULE, MARIADB_RULE } from "@/lib/restores/plan/conversions/plan-mariadb-upgrade";
import { OPENLDAP_RULE } from "@/lib/restores/plan/conversions/plan-openldap";
import { POSTGRESQL_RULE } from "@/lib/restores/plan/conversions/plan-postgresql-major";

const builtIn = (rule: Omit<MigrationRule, "builtIn" | "enabled">): MigrationRule => ({ ...rule, builtIn: true, enabled: true });

const SAMBA_NOTE =
  "Samba 3 on Debian kept its private databases in /var/lib/samba; Samba 4 reads them from /var/lib/samba/private. " +
  "Debian's samba-libs preinst moves passdb.tdb, secrets.tdb, schannel_store.tdb and idmap2.tdb there on upgrade " +
  '("Move files to private subdir now fhs patch is finally gone", Debian bug #726472). A rebuild skips that upgrade, so Kura does the move.';

const SSH_NOTE =
  "OpenSSH 8.7 release notes (https://www.openssh.com/txt/release-8.7): ChallengeResponseAuthentication is replaced by " +
  "KbdInteractiveAuthentication (SSHv2, RFC 4256); the old name remains only as a deprecated alias. Debian's sshd_config " +
  "uses the new name from 1:8.7p1 (bookworm) on.";

const APACHE_NOTE =
  "Apache 2.4 on Debian: /etc/apache2/conf.d is obsolete, its successor is /etc/apache2/conf-available, enabled with a2enconf " +
  "(Debian Apache maintainers' 2.4 transition, bug #661958). Files moved there must end in .conf and be enabled with a2enconf NAME.";

const MYSQL_NOTE =
  "MySQL 5.5.3 renamed myisam-recover to myisam-recover-options and MySQL 5.7 removed the old name (mysqld then refuses to start " +
  'with "unknown variable"); MariaDB accepts it only as an error-prone option prefix with a warning. Debian\'s MySQL 5.5 my.cnf ' +
  '(wheezy, jessie) set "myisam-recover = BACKUP".';

const MYSQL_KEY_BUFFER_NOTE =
  'key_buffer is the old, prefix-only name of key_buffer_size: MySQL 5.7 refuses it and MariaDB warns "Using unique option prefix ' +
  'key_buffer instead of key_buffer_size is deprecated". Debian\'s MySQL 5.5 my.cnf (wheezy, jessie) set "key_buffer = 16M".';

const REDIS_BIND_NOTE =
  'Redis 6.2 added optional bind addresses: a "-" before an address lets the server start when that address is not ' +
  "available (redis.conf of 6.2 and later: \"bind 127.0.0.1 -::1\", as Debian's 5:7 and 5:8 redis.conf ship it). Debian 11's " +
  'redis.conf (5:6.0.16) has "bind 127.0.0.1 ::1", with which Redis 8 (Debian 13) aborts at start where IPv6 is off ' +
  '("Could not create server TCP listening socket ::1:6379", issue 14). Checked: the rewritten Debian 11 redis.conf starts ' +
  "redis-server 5:8.0.2-3 of trixie.";

const DOVECOT_UPGRADE = "https://doc.dovecot.org/2.4.0/installation/upgrade/2.3-to-2.4.html";
const DOVECOT_NEWS =
  'Debian\'s dovecot-core NEWS.Debian (1:2.4.1+dfsg1-1): "Dovecot 2.4 ... introduces an incompatible configuration language"; ' +
  `upstream's upgrade guide ${DOVECOT_UPGRADE}.`;
const DOVECOT_VERSION_NOTE =
  `${DOVECOT_NEWS} "The first setting in dovecot.conf MUST now be dovecot_config_version", and dovecot_storage_version is ` +
  'required too (doveconf 2.4.1: "dovecot_storage_version setting must be set"). Debian 13\'s dovecot.conf sets both to 2.4.0.';
const DOVECOT_MAIL_NOTE =
  `${DOVECOT_NEWS} mail_location is split into mail_driver, mail_path and, for mbox, mail_inbox_path; the one-letter %u is ` +
  "%{user} and ~/ is written %{home}/ (Debian 13's 10-mail.conf: mail_driver = mbox, mail_path = %{home}/mail, " +
  "mail_inbox_path = /var/mail/%{user}). Only the forms Debian documents in 10-mail.conf are rewritten.";
const DOVECOT_AUTH_NOTE =
  `${DOVECOT_NEWS} disable_plaintext_auth is replaced by auth_allow_cleartext with the opposite meaning ` +
  "(disable_plaintext_auth = no is auth_allow_cleartext = yes).";
const DOVECOT_SSL_NOTE =
  `${DOVECOT_NEWS} ssl_cert, ssl_key, ssl_ca and ssl_dh are renamed ssl_server_cert_file, ssl_server_key_file, ` +
  'ssl_server_ca_file, ssl_server_dh_file and take a path, not "<path" (Debian 13\'s 10-ssl.conf).';

const DOVECOT = { package: "dovecot-core", fromVersions: "< 1:2.4", toVersions: ">= 1:2.4" } as const;

/** Dovecot 2.3 -> 2.4: the settings Debian's own configuration files use. Order matters: specific forms first. */
const DOVECOT_RULES: MigrationRule[] = [
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-config-version",
    action: {
      kind: "set",
      file: "/etc/dovecot/dovecot.conf",
      key: "dovecot_config_version",
      value: "2.4.0",
      separator: " = ",
      where: "start",
    },
    note: DOVECOT_VERSION_NOTE,
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-storage-version",
    action: {
      kind: "set",
      file: "/etc/dovecot/dovecot.conf",
      key: "dovecot_storage_version",
      value: "2.4.0",
      separator: " = ",
      where: "end",
    },
    note: DOVECOT_VERSION_NOTE,
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-dict-server",
    action: { kind: "rewrite", file: "/etc/dovecot/dovecot.conf", match: "dict {", replace: "dict_server {" },
    note:
      `${DOVECOT_NEWS} The dict server's section is dict_server { } in 2.4; Debian 11's dovecot.conf has an empty "dict {", ` +
      'which doveconf 2.4.1 refuses ("dict { } is missing section name") and accepts as "dict_server {".',
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-mail-location-mbox-debian",
    action: {
      kind: "rewrite",
      file: "/etc/dovecot/conf.d/10-mail.conf",
      match: "*mail_location = mbox:~/mail:INBOX=/var/mail/%u",
      replace: "\\1mail_driver = mbox\\n\\1mail_path = %{home}/mail\\n\\1mail_inbox_path = /var/mail/%{user}",
    },
    note: DOVECOT_MAIL_NOTE,
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-mail-location-maildir-home",
    action: {
      kind: "rewrite",
      file: "/etc/dovecot/conf.d/10-mail.conf",
      match: "*mail_location = maildir:~/*",
      replace: "\\1mail_driver = maildir\\n\\1mail_path = %{home}/\\2",
    },
    note: DOVECOT_MAIL_NOTE,
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-disable-plaintext-auth-no",
    action: {
      kind: "rewrite",
      file: "/etc/dovecot/conf.d/10-auth.conf",
      match: "*disable_plaintext_auth*=*no",
      replace: "\\1auth_allow_cleartext\\2=\\3yes",
    },
    note: DOVECOT_AUTH_NOTE,
  }),
  builtIn({
    ...DOVECOT,
    id: "builtin-dovecot-disable-plaintext-auth-yes",
    action: {
      kind: "rewrite",
      file: "/etc/dovecot/conf.d/10-auth.conf",
      match: "*disable_plaintext_auth*=*yes",
      replace: "\\1auth_allow_cleartext\\2=\\3no",
    },
    note: DOVECOT_AUTH_NOTE,
  }),
  ...(
    [
      ["cert", "ssl_server_cert_file"],
      ["key", "ssl_server_key_file"],
      ["ca", "ssl_server_ca_file"],
      ["dh", "ssl_server_dh_file"],
    ] as const
  ).map(([old, name]) =>
    builtIn({
      ...DOVECOT,
      id: `builtin-dovecot-ssl-${old}`,
      action: { kind: "rewrite", file: "/etc/dovecot/conf.d/10-ssl.conf", match: `*ssl_${old} = <*`, replace: `\\1${name} = \\2` },
      note: DOVECOT_SSL_NOTE,
    }),
  ),
];

export const BUILTIN_MIGRATION_RULES: MigrationRule[] = [
  builtIn({
    id: "builtin-samba-passdb",
    package: "samba",
    fromVersions: "< 4",
    toVersions: ">= 4",
    action: { kind: "move", from: "/var/lib/samba/passdb.tdb", to: "/var/lib/samba/private/passdb.tdb" },
    note: SAMBA_NOTE,
  }),
  builtIn({
    id: "builtin-samba-secrets",
    package: "samba",
    fromVersions: "< 4",
    toVersions: ">= 4",
    action: { kind: "move", from: "/var/lib/samba/secrets.tdb", to: "/var/lib/samba/private/secrets.tdb" },
    note: SAMBA_NOTE,
  }),
  builtIn({
    id: "builtin-samba-schannel-store",
    package: "samba",
    fromVersions: "< 4",
    toVersions: ">= 4",
    action: { kind: "move", from: "/var/lib/samba/schannel_store.tdb", to: "/var/lib/samba/private/schannel_store.tdb" },
    note: SAMBA_NOTE,
  }),
  builtIn({
    id: "builtin-openssh-kbdinteractive",
    package: "openssh-server",
    fromVersions: "< 1:8.7",
    toVersions: ">= 1:8.7",
    action: {
      kind: "rename-key",
      file: "/etc/ssh/sshd_config",
      from: "ChallengeResponseAuthentication",
      to: "KbdInteractiveAuthentication",
    },
    note: SSH_NOTE,
  }),
  builtIn({
    id: "builtin-apache2-conf-d",
    package: "apache2",
    fromVersions: "< 2.4",
    toVersions: ">= 2.4",
    action: { kind: "move", from: "/etc/apache2/conf.d", to: "/etc/apache2/conf-available" },
    note: APACHE_NOTE,
  }),
  builtIn({
    id: "builtin-mysql-myisam-recover",
    package: "mysql-server",
    fromVersions: "< 5.7",
    toVersions: "*",
    action: { kind: "rename-key", file: "/etc/mysql/my.cnf", from: "myisam-recover", to: "myisam-recover-options" },
    note: MYSQL_NOTE,
  }),
  builtIn({
    id: "builtin-mysql-key-buffer",
    package: "mysql-server",
    fromVersions: "< 5.7",
    toVersions: "*",
    action: { kind: "rename-key", file: "/etc/mysql/my.cnf", from: "key_buffer", to: "key_buffer_size" },
    note: MYSQL_KEY_BUFFER_NOTE,
  }),
  builtIn({
    id: "builtin-redis-bind-optional-ipv6",
    package: "redis-server",
    fromVersions: "< 6.2",
    toVersions: ">= 6.2",
    action: { kind: "rewrite", file: "/etc/redis/redis.conf", match: "bind * ::1", replace: "bind \\1 -::1" },
    note: REDIS_BIND_NOTE,
  }),
  ...DOVECOT_RULES,
  // Data conversions (issue 15): upgrade rules, run in the image by their planners (plan/conversions/).
  POSTGRESQL_RULE,
  MARIADB_RULE,
  MARIADB_DUMP_RULE,
  OPENLDAP_RULE,
];
