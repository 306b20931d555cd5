// Configuration is checked before the service runs (issue 14): where the new packages ship a checker
// that parses the service's configuration and fails on what the service would refuse, the restore runs
// it on the built image, after the restore script, and stops at the "config-check" step with the
// checker's own message. A built-in table by package, like propose-service-checks.ts. Pure.
//
// Each command was tried on debian:trixie's packages, on the packaged configuration (passes) and on
// one with an unknown keyword or a broken line (fails, non-zero, with the file and line):
//   sshd -t                "Bad configuration option: Bogus" (255)
//   apache2ctl configtest  "AH00526: Syntax error on line 226 ... Invalid command 'BogusDirective'" (1)
//   nginx -t               "[emerg] unknown directive "bogus" in /etc/nginx/nginx.conf:85" (1)
//   named-checkconf        "/etc/bind/named.conf:12: unknown option 'bogus'" (1)
//   doveconf -n            "doveconf: Fatal: ... 10-logging.conf line 87: Unknown section name: plugin" (89)
//   postfix check          "postfix: fatal: /etc/postfix/main.cf, line 90: missing '=' ..." (1)
//   testparm -s            "Error loading services." (1) on a broken section; an unknown parameter only warns, as smbd does
// Redis has none: redis-server offers --test-memory and --check-system, neither reads the configuration.

export type ConfigCheck = {
  /** What is checked, for the plan: "OpenSSH", "Apache". */
  service: string;
  /** The installed package that made Kura propose it. */
  package: string;
  /** The checker's program (looked up on the image's PATH; a missing one is said, not failed). */
  program: string;
  /** One fixed shell line (nothing archived in it); exit status 0 means the configuration parses. */
  command: string;
  /** What a pass proves, in a sentence. */
  proves: string;
};

type Recipe = Omit<ConfigCheck, "package"> & { packages: RegExp };

const RECIPES: Recipe[] = [
  {
    service: "OpenSSH",
    packages: /^openssh-server$/,
    program: "sshd",
    command: "sshd -t",
    proves: "sshd accepts sshd_config and finds its host keys",
  },
  {
    service: "Apache",
    packages: /^apache2$/,
    program: "apache2ctl",
    command: "apache2ctl configtest",
    proves: "Apache parses its configuration, enabled sites and modules included",
  },
  {
    service: "nginx",
    packages: /^nginx(-core|-full|-light|-extras)?$/,
    program: "nginx",
    command: "nginx -t",
    proves: "nginx parses its configuration",
  },
  {
    service: "BIND",
    packages: /^bind9$/,
    program: "named-checkconf",
    command: "named-checkconf",
    proves: "named.conf and the files it includes parse",
  },
  {
    service: "Dovecot",
    packages: /^dovecot-(core|imapd|pop3d|lmtpd)$/,
    program: "doveconf",
    // The whole configuration goes to stdout; only the errors are wanted.
    command: "doveconf -n >/dev/null",
    proves: "Dovecot parses its configuration",
  },
  {
    service: "Postfix",
    packages: /^postfix$/,
    program: "postfix",
    command: "postfix check",
    proves: "Postfix parses main.cf and master.cf and finds its files",
  },
  {
    service: "Samba",
    packages: /^samba$/,
    program: "testparm",
    command: "testparm -s >/dev/null",
    proves: "smb.conf loads (unknown parameters are only warned about, as smbd does)",
  },
];

/** The checkers Kura proposes for these installed packages, in the table's order (one per service). */
export function proposeConfigChecks(packages: readonly string[]): ConfigCheck[] {
  const checks: ConfigCheck[] = [];
  for (const { packages: pattern, ...recipe } of RECIPES) {
    const found = packages.find((name) => pattern.test(name));
    if (found) checks.push({ ...recipe, package: found });
  }
  return checks;
}

/** Exit status of the wrapper when the checker's program is not on the image. */
export const CHECKER_MISSING = 127;

/**
 * The argv that runs one check: sbin folders on PATH (the restored image keeps the archived PATH),
 * a missing checker exits 127 with a sentence, stderr and stdout together.
 */
export function configCheckArgv(check: Pick<ConfigCheck, "program" | "command">): string[] {
  return [
    "sh",
    "-c",
    `PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"; ` +
      `command -v ${check.program} >/dev/null 2>&1 || { echo "${check.program} is not installed in the image"; exit ${CHECKER_MISSING}; }; ` +
      `${check.command} 2>&1`,
  ];
}
