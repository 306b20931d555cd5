import { captureRecipeInputSchema, type CaptureRecipe } from "./capture-recipe-schema";

// The capture recipes Kura ships (issue 15). Each runs inside the archived container while the service runs; the
// dump is the consistent copy of the data (the raw files copied beside it may be mid-write). Where a command needs a
// choice made in the container (mariadb-dump or the older mysqldump; slapd's configured databases), a fixed shell
// program decides, with the arguments passed as "$@": nothing from the container or from a person is put into it.

const FIRST_OF = 'p="$1"; shift; for c in $p; do command -v "$c" >/dev/null 2>&1 && exec "$c" "$@"; done; echo "none of $p" >&2; exit 127';

const BUILT_IN = [
  {
    id: "postgresql-dumpall",
    service: "PostgreSQL",
    packages: "^postgresql-\\d+$",
    user: "postgres",
    argv: ["pg_dumpall", "--clean", "--if-exists"],
    versionArgv: ["psql", "-XAtc", "SELECT version()"],
    format: "sql",
    note: "Every database, role (with its password) and setting of the cluster, as the cluster's owner, in one transaction per database.",
  },
  {
    id: "mariadb-dump",
    service: "MariaDB/MySQL",
    packages: "^(?:mariadb-server(?:-\\d+(?:\\.\\d+)*)?|mysql-server(?:-\\d+(?:\\.\\d+)*)?|default-mysql-server)$",
    user: "root",
    argv: ["sh", "-c", FIRST_OF, "dump", "mariadb-dump mysqldump", "--all-databases", "--routines", "--events", "--single-transaction"],
    versionArgv: ["sh", "-c", FIRST_OF, "version", "mariadb mysql", "-NBe", "SELECT VERSION()"],
    format: "sql",
    note: "All databases with their routines and events, and the accounts (the mysql database), in one transaction (InnoDB).",
  },
  {
    id: "slapcat",
    service: "OpenLDAP",
    packages: "^slapd$",
    user: "root",
    // The configured databases that slapcat can read: {0}config and the data ones (mdb, hdb, bdb), not frontend or monitor.
    eachArgv: ["sh", "-c", "slapcat -n 0 | sed -n 's/^olcDatabase: {\\([0-9]\\{1,3\\}\\)}\\(config\\|mdb\\|hdb\\|bdb\\)$/\\1/p'"],
    argv: ["slapcat", "-n", "{item}"],
    versionArgv: ["sh", "-c", "slapd -VV 2>&1 | head -n 1"],
    format: "ldif",
    note: "Each database (slapcat -n N): 0 is cn=config, 1 and up the data; slapcat reads an mdb database safely while slapd runs.",
  },
  {
    id: "redis-save",
    service: "Redis",
    packages: "^redis-server$",
    user: "root",
    argv: ["redis-cli", "SAVE"],
    versionArgv: ["redis-server", "--version"],
    format: "none",
    env: [{ name: "REDISCLI_AUTH", file: "/etc/redis/redis.conf", key: "requirepass" }],
    expectOutput: "^OK\\s*$",
    timeoutSeconds: 600,
    note: "SAVE writes the whole dataset to dump.rdb before it answers: the archived dump.rdb is then consistent.",
  },
] as const;

export const BUILTIN_CAPTURE_RECIPES: CaptureRecipe[] = BUILT_IN.map((recipe) => ({
  ...captureRecipeInputSchema.parse(recipe),
  builtIn: true,
  enabled: true,
}));
