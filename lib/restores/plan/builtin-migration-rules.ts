// Migration rules Kura ships. Each one is a documented upstream or Debian change; the note says
// where it comes from. People can disable them but not edit them (builtIn: true).

import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";

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
];
