// Alpine's apk database, parsed from its text. Pure: callers read the files.
//
// /lib/apk/db/installed holds one block per package, blocks separated by a blank line, lines
// "X:value": P name, V version, A architecture, F a folder (relative to /), R a file in the last F,
// Z the checksum of the last R ("Q1" + base64 of its SHA-1). /etc/apk/world lists what was asked
// for by hand ("name", "name=1.2", "name>1.2", "name@tag"), one per line or space-separated.

export type ApkPackage = { name: string; version: string; architecture: string };

export type ApkDatabase = {
  packages: ApkPackage[];
  /** Absolute file path -> owning package. */
  owners: Map<string, string>;
  /** Absolute file path -> SHA-1 of the packaged content, lowercase hex (files apk recorded one for). */
  sha1: Map<string, string>;
};

/** "Q1" + base64(SHA-1) -> hex; null for other checksum kinds. */
export function apkChecksumToHex(value: string): string | null {
  if (!value.startsWith("Q1")) return null;
  const bytes = Buffer.from(value.slice(2), "base64");
  return bytes.byteLength === 20 ? bytes.toString("hex") : null;
}

export function parseApkInstalled(text: string): ApkDatabase {
  const packages: ApkPackage[] = [];
  const owners = new Map<string, string>();
  const sha1 = new Map<string, string>();
  let current: ApkPackage | null = null;
  let folder = "";
  let file: string | null = null;
  const flush = () => {
    if (current?.name) packages.push(current);
    current = null;
    folder = "";
    file = null;
  };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "") {
      flush();
      continue;
    }
    const key = line[0];
    const value = line.slice(2);
    if (line[1] !== ":") continue;
    current ??= { name: "", version: "", architecture: "" };
    const pkg: ApkPackage = current;
    if (key === "P") pkg.name = value;
    else if (key === "V") pkg.version = value;
    else if (key === "A") pkg.architecture = value;
    else if (key === "F") {
      folder = value.replace(/^\/+|\/+$/g, "");
      file = null;
    } else if (key === "R" && pkg.name) {
      file = `/${folder ? `${folder}/` : ""}${value}`;
      if (!owners.has(file)) owners.set(file, pkg.name);
    } else if (key === "Z" && file) {
      const hex = apkChecksumToHex(value);
      if (hex) sha1.set(file, hex);
    }
  }
  flush();
  return { packages, owners, sha1 };
}

/** Package names in /etc/apk/world, without version constraints or repository tags. */
export function parseApkWorld(text: string): Set<string> {
  const names = new Set<string>();
  for (const word of text.split(/\s+/)) {
    const name = word.replace(/^!/, "").split(/[<>=~@]/)[0] ?? "";
    if (name && !word.startsWith("!")) names.add(name);
  }
  return names;
}
