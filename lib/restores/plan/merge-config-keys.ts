// A key-level three-way merge for key/value configuration files, for when the line merge conflicts
// because the new version rewrote the file around the admin's edit (Dovecot 2.4's 10-mail.conf).
// Meant to run on texts the migration rules have already translated (applyRulesToConfig on both the
// pristine old default and the admin's edited file), so the admin's changes read in the new
// version's words. The order, proposed for issue 14:
//   1. rules -> the pristine old default and the edited file (both now in the new syntax)
//   2. three-way merge of (translated pristine -> translated edited) onto the new default: the line
//      merge first, this key merge when the line merge conflicts
//   3. restore.sh applies the rules again to what is written: the rules are idempotent, so a merged
//      file is left as it is, and a file kept as is (no pristine version) is translated there
// The admin's changes are the top-level settings ("key value", "key = value") that differ between the
// two translated texts; each is applied to the new default (the value set where the key is, the line
// added after a commented-out "#key" or at the end, a removed setting commented out). It gives up,
// with a sentence, when the admin changed anything else (sections, includes), when a key occurs on
// several lines (a list, like Redis's "save"), or when the new default changed the same key. Pure.

export type KeyMergeResult = { ok: true; text: string; changes: string[] } | { ok: false; problem: string };

type Setting = { key: string; separator: string; value: string };
type Parsed = {
  /** Top-level settings by key, each occurrence's value. */
  settings: Map<string, string[]>;
  /** Every other non-blank, non-comment line, in order: what the key merge does not handle. */
  structure: string[];
};

const SETTING = /^[ \t]*([A-Za-z0-9_.-]+)([ \t]*=[ \t]*|[ \t]+)(.*?)[ \t]*$/;
const MAX_TEXT = 1024 * 1024;

function readSetting(line: string): Setting | null {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("!") || trimmed.endsWith("{") || trimmed === "}") return null;
  const match = SETTING.exec(line);
  if (match) return { key: match[1]!, separator: match[2]!, value: match[3]! };
  const bare = /^[ \t]*([A-Za-z0-9_.-]+)[ \t]*$/.exec(line);
  return bare ? { key: bare[1]!, separator: "", value: "" } : null;
}

function parse(text: string): Parsed {
  const settings = new Map<string, string[]>();
  const structure: string[] = [];
  let depth = 0;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const setting = depth === 0 ? readSetting(line) : null;
    if (setting) settings.set(setting.key, [...(settings.get(setting.key) ?? []), setting.value]);
    else structure.push(trimmed);
    if (trimmed.endsWith("{")) depth++;
    if (trimmed === "}" || trimmed.startsWith("}")) depth = Math.max(0, depth - 1);
  }
  return { settings, structure };
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((value, index) => value === b?.[index]);

export function mergeConfigKeys(texts: { pristine: string; edited: string; newDefault: string }): KeyMergeResult {
  const { pristine, edited, newDefault } = texts;
  if (pristine.length > MAX_TEXT || edited.length > MAX_TEXT || newDefault.length > MAX_TEXT)
    return { ok: false, problem: "The file is too large for a key merge." };
  const old = parse(pristine);
  const mine = parse(edited);
  const theirs = parse(newDefault);
  if (!same(old.structure, mine.structure))
    return { ok: false, problem: "The admin changed more than settings (a section, an include): a key merge cannot carry that." };

  const keys = [...new Set([...old.settings.keys(), ...mine.settings.keys()])].sort();
  const changes: { key: string; value: string | null }[] = [];
  for (const key of keys) {
    const before = old.settings.get(key);
    const after = mine.settings.get(key);
    if (same(before, after)) continue;
    if ((before?.length ?? 0) > 1 || (after?.length ?? 0) > 1 || (theirs.settings.get(key)?.length ?? 0) > 1)
      return { ok: false, problem: `${key} is set on several lines (a list): a key merge cannot tell which line the admin meant.` };
    if (!same(theirs.settings.get(key), before)) return { ok: false, problem: `Both the admin and the new version changed ${key}.` };
    changes.push({ key, value: after?.[0] ?? null });
  }

  let lines = newDefault.split("\n");
  const sentences: string[] = [];
  for (const change of changes) {
    const editedSetting = edited
      .split("\n")
      .map((line) => readSetting(line))
      .find((setting) => setting?.key === change.key);
    let depth = 0;
    let found = false;
    let commented = -1;
    lines = lines.map((line, index) => {
      const trimmed = line.trim();
      const setting = depth === 0 && !trimmed.startsWith("#") ? readSetting(line) : null;
      if (depth === 0 && new RegExp(`^#[ \\t]*${change.key.replace(/[.]/g, "\\.")}([ \\t=]|$)`).test(trimmed)) commented = index;
      if (!trimmed.startsWith("#")) {
        if (trimmed.endsWith("{")) depth++;
        if (trimmed.startsWith("}")) depth = Math.max(0, depth - 1);
      }
      if (!setting || setting.key !== change.key) return line;
      found = true;
      const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
      if (change.value === null) return `#${line}`;
      return `${indent}${change.key}${setting.separator || " "}${change.value}`;
    });
    if (change.value === null) {
      sentences.push(`${change.key}: removed by the admin, commented out`);
      continue;
    }
    sentences.push(`${change.key} = ${change.value}${found ? "" : " (added)"}`);
    if (found) continue;
    const added = `${change.key}${editedSetting?.separator || " = "}${change.value}`;
    if (commented >= 0) lines.splice(commented + 1, 0, added);
    else if (lines[lines.length - 1] === "") lines.splice(lines.length - 1, 0, added);
    else lines.push(added);
  }
  return { ok: true, text: lines.join("\n"), changes: sentences };
}
