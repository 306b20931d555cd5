// Quoting for generated POSIX sh: single quotes, with ' written as '\'' . Safe for any string
// without NUL, including spaces, quotes, $(...), backquotes, globs and newlines.

export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("A NUL character cannot be passed to the shell.");
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** Control characters (newlines included) shown as \xNN: for comments and one-line messages. */
export function printable(value: string): string {
  return value.replace(/[\x00-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
