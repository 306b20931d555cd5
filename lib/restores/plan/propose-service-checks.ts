// A restore is proven by the service answering, not only by its files matching. For the packages
// it recognises, the plan proposes a check that asks the service itself (its own client, or a TCP
// or HTTP request on the loopback address), which the person can edit before the restore. Pure.
//
// Every check is one shell line run inside the restored container once it has started; services
// need a moment to come up, so each step is retried for up to 30 seconds. Nothing here needs a
// tool the base image lacks: TCP and HTTP checks use perl-base's IO::Socket::INET, present on every
// Debian and Ubuntu image.

export type ServiceCheck = {
  /** What answers, for the plan: "PostgreSQL", "nginx". */
  service: string;
  /** The installed package that made Kura propose it. */
  package: string;
  /** One shell command; exit status 0 means the service answered. */
  command: string;
  /** What a pass proves, in a sentence. */
  proves: string;
};

type Recipe = { service: string; packages: RegExp; command: string; proves: string };

/** Exit 0 when something accepts a TCP connection on the loopback port. */
export const tcpCheck = (port: number) =>
  `/usr/bin/perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(PeerAddr => "127.0.0.1:${port}", Timeout => 3)'`;

// A status line below 500 means a web server parsed the request and answered (401 on a protected page counts).
export const httpCheck = (port: number) =>
  `/usr/bin/perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:${port}", Timeout => 5) or exit 1; ` +
  `print $s "GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"; $l = <$s>; exit !(defined $l && $l =~ m{^HTTP/\\S+ [1-4]\\d\\d})'`;

// In sh -c so the process list is read again at every retry.
const running = (name: string) => `sh -c 'grep -qx ${name} /proc/[0-9]*/comm'`;

const RECIPES: Recipe[] = [
  {
    service: "PostgreSQL",
    packages: /^postgresql(-\d+)?$/,
    command: `su postgres -s /bin/sh -c "psql -XAtqc 'select 1'"`,
    proves: "the database server accepts a connection and answers a query",
  },
  {
    service: "MariaDB / MySQL",
    packages: /^(mariadb-server(-[\d.]+)?|mysql-server(-[\d.]+)?|default-mysql-server)$/,
    command: `sh -c 'mariadb-admin ping || mysqladmin ping'`,
    proves: "the database server answers its admin client",
  },
  { service: "Samba", packages: /^samba$/, command: `smbclient -N -L //127.0.0.1`, proves: "smbd answers and lists its shares" },
  {
    service: "nginx",
    packages: /^nginx(-core|-full|-light|-extras)?$/,
    command: httpCheck(80),
    proves: "the web server answers an HTTP request",
  },
  { service: "Apache", packages: /^apache2$/, command: httpCheck(80), proves: "the web server answers an HTTP request" },
  { service: "lighttpd", packages: /^lighttpd$/, command: httpCheck(80), proves: "the web server answers an HTTP request" },
  {
    service: "OpenSSH",
    packages: /^openssh-server$/,
    command: `sh -c '/usr/sbin/sshd -t && ${tcpCheck(22).replace(/'/g, `'\\''`)}'`,
    proves: "sshd accepts its configuration and listens on port 22",
  },
  {
    service: "Redis",
    packages: /^redis-server$/,
    command: `sh -c 'redis-cli ping 2>&1 | grep -qE "PONG|NOAUTH"'`,
    proves: "redis answers PING (or asks for the password it was given)",
  },
  { service: "OpenLDAP", packages: /^slapd$/, command: tcpCheck(389), proves: "slapd listens on port 389" },
  { service: "Dovecot IMAP", packages: /^dovecot-imapd$/, command: tcpCheck(143), proves: "Dovecot listens on the IMAP port" },
  { service: "Dovecot POP3", packages: /^dovecot-pop3d$/, command: tcpCheck(110), proves: "Dovecot listens on the POP3 port" },
  { service: "Postfix", packages: /^postfix$/, command: tcpCheck(25), proves: "Postfix listens on the SMTP port" },
  {
    service: "BIND",
    packages: /^bind9$/,
    command: `sh -c 'named-checkconf && ${tcpCheck(53).replace(/'/g, `'\\''`)}'`,
    proves: "named accepts its configuration and listens on port 53",
  },
  { service: "memcached", packages: /^memcached$/, command: tcpCheck(11211), proves: "memcached listens on its port" },
  { service: "vsftpd", packages: /^vsftpd$/, command: tcpCheck(21), proves: "vsftpd listens on the FTP port" },
  { service: "cron", packages: /^(cron|cronie)$/, command: running("cron"), proves: "the cron daemon is running" },
];

/** The checks Kura proposes for these packages, in the table's order (one per service). */
export function proposeServiceChecks(packages: readonly string[]): ServiceCheck[] {
  const checks: ServiceCheck[] = [];
  for (const recipe of RECIPES) {
    const found = packages.find((name) => recipe.packages.test(name));
    if (found) checks.push({ service: recipe.service, package: found, command: recipe.command, proves: recipe.proves });
  }
  return checks;
}

// Retries its arguments (a command and its words) until they succeed, for up to 30 s, then prints what
// the last try said (the service's own answer, or why it did not answer).
const WAIT =
  'kura_wait() { n=0; until kura_out=$("$@" 2>&1); do n=$((n+1)); [ "$n" -ge 30 ] && { printf "%s\\n" "$kura_out"; return 1; }; sleep 1; done; ' +
  'printf "%s\\n" "$kura_out"; }';

/** The checks as one shell line for the restore's check command: each retried, all must pass; "" for none. */
export function combineServiceChecks(checks: readonly ServiceCheck[]): string {
  if (checks.length === 0) return "";
  return `${WAIT}; ${checks.map((check) => `kura_wait ${check.command}`).join(" && ")}`;
}
