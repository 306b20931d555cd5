// The rule set every archive starts from: leave out what the runtime, the engine or the package
// manager recreates, keep everything else. Classification decides what no rule names (logs,
// sockets, lock files): see lib/changes/classify/. People copy and edit it; they never edit it in place.

import type { Rule } from "@/lib/changes/classify/types";

export const DEFAULT_RULE_SET_NAME = "Default";

const exclude = (pattern: string, note: string): Rule => ({ pattern, action: "exclude", note });

export const DEFAULT_RULES: Rule[] = [
  // Kernel and runtime state: recreated on every start.
  exclude("/proc", "kernel process information, not files"),
  exclude("/sys", "kernel and device information, not files"),
  exclude("/dev", "device nodes created by the container runtime"),
  exclude("/run", "runtime state recreated at every start"),
  exclude("/var/run", "runtime state (usually a link to /run)"),
  exclude("/tmp", "temporary files"),
  exclude("/var/tmp", "temporary files"),
  exclude("/var/cache", "caches rebuilt on demand"),
  exclude("/root/.cache", "root's caches rebuilt on demand"),
  exclude("__pycache__/", "compiled Python caches rebuilt on demand"),
  exclude("/etc/ld.so.cache", "library cache rebuilt by ldconfig"),
  exclude("*.pid", "pid files of processes that no longer run"),
  exclude("*.sock", "sockets of processes that no longer run"),
  // Written by the Docker engine for each container.
  exclude("/etc/resolv.conf", "written by the Docker engine"),
  exclude("/etc/hosts", "written by the Docker engine"),
  exclude("/etc/hostname", "written by the Docker engine"),
  exclude("/etc/mtab", "list of mounts, a link into /proc"),
  // Package state: rebuilt by reinstalling; the manifest records the package list separately.
  exclude("/var/lib/apt/lists", "package indexes downloaded by apt update"),
  exclude("/var/lib/apt", "apt state, rebuilt by reinstalling packages (the manifest lists them)"),
  exclude("/var/lib/dpkg", "dpkg database, rebuilt by reinstalling packages (the manifest lists them)"),
  exclude("/var/backups", "dpkg's own backups of its database and account files"),
  // Backup copies that tools leave beside the real file.
  exclude("*~", "editor backup copies"),
  exclude("*.bak", "backup copies"),
  exclude("*.swp", "editor swap files"),
  exclude("*.dpkg-old", "old configuration kept aside by dpkg"),
  exclude("*.dpkg-dist", "package's proposed configuration kept aside by dpkg"),
  exclude("*.ucf-old", "old configuration kept aside by ucf"),
  exclude("/etc/passwd-", "backup copy of /etc/passwd"),
  exclude("/etc/shadow-", "backup copy of /etc/shadow"),
  exclude("/etc/group-", "backup copy of /etc/group"),
  exclude("/etc/gshadow-", "backup copy of /etc/gshadow"),
  exclude("/etc/subuid-", "backup copy of /etc/subuid"),
  exclude("/etc/subgid-", "backup copy of /etc/subgid"),
  // No rule for logs: classification knows a log by where it lives (under /var/log, or *.log in a log
  // folder) and leaves it out by default, its reason saying how to keep it (tick it, or add an include
  // rule such as !/var/log/app/**). A rule on "*.log" also took Dovecot's mailbox indexes
  // (dovecot.index.log) and files in git repositories.
];
