// The static programs of a restore's build context: real files in lib/restores/scripts/, read by
// the caller (read-restore-scripts.ts) and handed to the pure planner, which ships them as kura/<name>.

export const RESTORE_SCRIPT_FILES = [
  "restore.sh",
  "apply-metadata.pl",
  "accounts-lib.awk",
  "merge-groups.awk",
  "merge-users.awk",
  "rename-key.awk",
  "rewrite.awk",
  "set-key.awk",
  // Data conversions (issue 15, plan/conversions/): run by the Dockerfile's conversion steps only.
  "postgresql-dump.sh",
  "postgresql-load.sh",
  "mariadb-upgrade.sh",
  "openldap-dump.sh",
  "openldap-load.sh",
  "openldap-config.awk",
  "mariadb-dump-load.sh",
] as const;
export type RestoreScriptFile = (typeof RESTORE_SCRIPT_FILES)[number];
/** File name -> its text. */
export type RestoreScripts = Record<RestoreScriptFile, string>;
