// /etc/os-release (freedesktop format) -> the fields Kura shows. Pure.

export type OsRelease = {
  id: string;
  versionId: string | null;
  prettyName: string;
  versionCodename: string | null;
  idLike: string[];
  fields: Record<string, string>;
};

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    const inner = value.slice(1, -1);
    return value[0] === '"' ? inner.replace(/\\([\\$"`])/g, "$1") : inner;
  }
  return value;
}

export function parseOsRelease(text: string): OsRelease | null {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(trimmed);
    if (!match?.[1]) continue;
    fields[match[1]] = unquote(match[2] ?? "");
  }
  const id = fields.ID?.toLowerCase() ?? null;
  if (!id) return null;
  const versionId = fields.VERSION_ID ?? null;
  return {
    id,
    versionId,
    prettyName: fields.PRETTY_NAME ?? [fields.NAME ?? id, fields.VERSION ?? versionId].filter(Boolean).join(" "),
    versionCodename: fields.VERSION_CODENAME ?? null,
    idLike: (fields.ID_LIKE ?? "").split(/\s+/).filter(Boolean),
    fields,
  };
}
