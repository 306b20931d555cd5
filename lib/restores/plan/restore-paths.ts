// Which paths a restore may touch. Pure.

/** The account databases the restore script merges instead of copying. */
export const ACCOUNT_FILES = ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"] as const;
export type AccountFile = (typeof ACCOUNT_FILES)[number];

export function isAccountFile(path: string): path is AccountFile {
  return (ACCOUNT_FILES as readonly string[]).includes(path);
}

/** Kernel and runtime file systems and Kura's own folder in the image: never written or deleted. */
const PROTECTED_ROOTS = ["/proc", "/sys", "/dev", "/kura"];
/** The package databases: restoring the old system's copy would corrupt the new base's. */
const PACKAGE_DATABASE_ROOTS = ["/var/lib/dpkg", "/var/lib/apt"];

export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

export function isProtectedPath(path: string): boolean {
  return path === "/" || PROTECTED_ROOTS.some((root) => isUnder(path, root));
}

export function isPackageDatabasePath(path: string): boolean {
  return PACKAGE_DATABASE_ROOTS.some((root) => isUnder(path, root));
}

/**
 * A message when path is not a clean absolute path ("/a/b": no empty, "." or ".." segments, no
 * trailing slash, no NUL), else null. Clean paths are what the script and the build context rely on.
 */
export function checkAbsolutePath(path: string): string | null {
  if (!path.startsWith("/")) return `"${path}" is not an absolute path; start it with "/".`;
  if (path.includes("\0")) return "The path contains a NUL character.";
  if (path === "/") return 'The path "/" names the whole system.';
  if (path.length > 4096) return "The path is longer than 4096 characters.";
  const segments = path.slice(1).split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    return `"${path}" has an empty, "." or ".." part; write the path without them.`;
  }
  return null;
}

/** "/a/b/c" -> ["/a", "/a/b"]: the folders above a path, outermost first. */
export function ancestorsOf(path: string): string[] {
  const ancestors: string[] = [];
  let at = path.indexOf("/", 1);
  while (at !== -1) {
    ancestors.push(path.slice(0, at));
    at = path.indexOf("/", at + 1);
  }
  return ancestors;
}
