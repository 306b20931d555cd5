// Debian packages that were renamed or replaced: when an archived package no longer exists on the
// new base, the plan proposes its successor. Only documented renames are listed; "release" is
// the Debian release that made the change, "source" where it is documented.

export type PackageRename = { from: string; to: string[]; release: string; source: string };

const T64_SOURCE =
  "Debian 13 trixie's 64-bit time_t transition renamed the libraries whose ABI uses time_t with a t64 suffix " +
  "(https://wiki.debian.org/ReleaseGoals/64bit-time, debian-devel-announce 2024-02)";

const t64 = (from: string, to: string): PackageRename => ({ from, to: [to], release: "trixie", source: T64_SOURCE });

export const PACKAGE_RENAMES: readonly PackageRename[] = [
  t64("libssl3", "libssl3t64"),
  t64("libcurl4", "libcurl4t64"),
  t64("libcurl3-gnutls", "libcurl3t64-gnutls"),
  t64("libglib2.0-0", "libglib2.0-0t64"),
  t64("libgnutls30", "libgnutls30t64"),
  t64("libreadline8", "libreadline8t64"),
  t64("libevent-2.1-7", "libevent-2.1-7t64"),
  t64("libapr1", "libapr1t64"),
  t64("libaprutil1", "libaprutil1t64"),
  t64("libasound2", "libasound2t64"),
  t64("libpng16-16", "libpng16-16t64"),
  t64("libgtk-3-0", "libgtk-3-0t64"),
  t64("libcups2", "libcups2t64"),
  t64("libnettle8", "libnettle8t64"),
  t64("libhogweed6", "libhogweed6t64"),
  t64("libgdbm6", "libgdbm6t64"),
  t64("libpsl5", "libpsl5t64"),
  {
    from: "ntp",
    to: ["ntpsec"],
    release: "bookworm",
    source: 'Debian 12: ntp became a transitional package for NTPsec, a drop-in replacement (debian-devel "The future of src:ntp", 2022)',
  },
  {
    from: "ntpdate",
    to: ["ntpsec-ntpdate"],
    release: "bookworm",
    source: "Debian 12: ntpdate replaced by ntpsec-ntpdate along with ntp -> ntpsec",
  },
  {
    from: "policykit-1",
    to: ["polkitd", "pkexec"],
    release: "bookworm",
    source:
      "Debian 12: policykit-1 split into polkitd (the daemon) and pkexec (the setuid tool); policykit-1 became transitional (debian-devel, Simon McVittie, 2022)",
  },
  {
    from: "python",
    to: ["python3"],
    release: "bullseye",
    source: "Debian 11 removed Python 2's \"python\" package; Python 3 is not a drop-in replacement, check the service's scripts",
  },
  {
    from: "mysql-server",
    to: ["default-mysql-server"],
    release: "stretch",
    source: "Debian 9 replaced MySQL with MariaDB; default-mysql-server pulls in the default server",
  },
  {
    from: "mysql-client",
    to: ["default-mysql-client"],
    release: "stretch",
    source: "Debian 9 replaced MySQL with MariaDB; default-mysql-client pulls in the default client",
  },
  { from: "libmysqlclient-dev", to: ["default-libmysqlclient-dev"], release: "stretch", source: "Debian 9 replaced MySQL with MariaDB" },
  {
    from: "netcat",
    to: ["netcat-openbsd"],
    release: "bookworm",
    source:
      '"netcat" is only a virtual name in Debian 12, provided by netcat-openbsd and netcat-traditional, so apt refuses to pick one; netcat-openbsd is Debian\'s default (priority important)',
  },
  {
    from: "php5",
    to: ["php"],
    release: "stretch",
    source: "Debian 9 moved to PHP 7 with version-less metapackages (php-defaults): php5-* became php-*",
  },
  { from: "php5-cli", to: ["php-cli"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-fpm", to: ["php-fpm"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-mysql", to: ["php-mysql"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-pgsql", to: ["php-pgsql"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-curl", to: ["php-curl"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-gd", to: ["php-gd"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-intl", to: ["php-intl"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "php5-ldap", to: ["php-ldap"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "libapache2-mod-php5", to: ["libapache2-mod-php"], release: "stretch", source: "Debian 9 php-defaults metapackages" },
  { from: "gnupg2", to: ["gnupg"], release: "stretch", source: "Debian 9: gnupg is GnuPG 2; gnupg2 became a transitional package" },
  {
    from: "iproute",
    to: ["iproute2"],
    release: "jessie",
    source: "iproute was renamed iproute2; the transitional iproute package was later dropped",
  },
  {
    from: "dnsutils",
    to: ["bind9-dnsutils"],
    release: "bullseye",
    source: "Debian 11 (BIND 9.16): dnsutils became a transitional package for bind9-dnsutils",
  },
  {
    from: "bind9utils",
    to: ["bind9-utils"],
    release: "bullseye",
    source: "Debian 11 (BIND 9.16): bind9utils became a transitional package for bind9-utils",
  },
  {
    from: "apache2.2-common",
    to: ["apache2"],
    release: "jessie",
    source: "Debian 8 moved to Apache 2.4; apache2.2-common was replaced by apache2",
  },
  {
    from: "apache2.2-bin",
    to: ["apache2-bin"],
    release: "jessie",
    source: "Debian 8 moved to Apache 2.4; apache2.2-bin was replaced by apache2-bin",
  },
];

const BY_NAME = new Map(PACKAGE_RENAMES.map((rename) => [rename.from, rename]));

/** The documented successor of a package name, or null. */
export function findPackageRename(name: string): PackageRename | null {
  return BY_NAME.get(name) ?? null;
}

/** A package of a versioned family (php7.4-common, postgresql-13, libpython3.9-minimal) and its successor on the new base. */
export type VersionedSuccessor = {
  from: string;
  to: string;
  /** The version inside the names: "7.4" -> "8.4". */
  fromVersion: string;
  toVersion: string;
};

// A version inside a package name: digits with dots, not part of a longer number.
const NAME_VERSION = /(?<![\d.])\d+(?:\.\d+)*(?![\d.]*\d)/g;

const versionParts = (version: string) => version.split(".").map(Number);
function compareNameVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? -1) - (right[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The successor of a versioned package among the new base's packages: the same name with another version
 * in the same place (php7.4-common -> php8.4-common, libapache2-mod-php7.4 -> libapache2-mod-php8.4,
 * python3.9-minimal -> python3.13-minimal), the newest when several are installed. Null when the name
 * carries no version, when the new base has the package under its own name, or when no sibling is there.
 * Generic: no family is listed; a version is any run of digits and dots in the name.
 */
export function findVersionedSuccessor(name: string, newPackages: ReadonlySet<string>): VersionedSuccessor | null {
  if (newPackages.has(name)) return null;
  let best: VersionedSuccessor | null = null;
  for (const match of name.matchAll(NAME_VERSION)) {
    const prefix = name.slice(0, match.index);
    const suffix = name.slice(match.index + match[0].length);
    // The family needs a name of its own around the number ("php", "-common"), not just a digit run.
    if (!/[a-z]/.test(prefix + suffix)) continue;
    for (const candidate of newPackages) {
      if (candidate.length <= prefix.length + suffix.length || !candidate.startsWith(prefix) || !candidate.endsWith(suffix)) continue;
      const version = candidate.slice(prefix.length, candidate.length - suffix.length);
      if (!/^\d+(?:\.\d+)*$/.test(version) || version === match[0]) continue;
      // The same shape of version: 7.4 -> 8.4 and 3.9 -> 3.13, not 2 -> 2.4.
      if (version.split(".").length !== match[0].split(".").length) continue;
      if (!best || compareNameVersions(version, best.toVersion) > 0)
        best = { from: name, to: candidate, fromVersion: match[0], toVersion: version };
    }
  }
  return best;
}
