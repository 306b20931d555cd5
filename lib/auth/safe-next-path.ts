// Where to go after signing in: only a path on this site. Pure.
//
// `next` comes from the query string, so anyone can write it into a link. An absolute URL
// ("https://evil.example"), a protocol-relative one ("//evil.example") or a backslash variant
// ("/\evil.example", which browsers read as "//") would send a person who just signed in to
// another site, so those are refused; so are the sign-in and setup pages themselves (a loop).

const ENTRY_PAGES = /^\/(sign-in|setup)(\/|\?|#|$)/;

export function safeNextPath(value: string | null | undefined): string | null {
  if (!value || value.length > 2000) return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  // Control characters (tab, newline) are dropped by URL parsers and could turn "/\t/x" into "//x".
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  if (ENTRY_PAGES.test(value)) return null;
  return value;
}
